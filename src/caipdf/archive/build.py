"""Building the archive: PDF/A-3b files, a manifest and an offline catalogue.

`build_archive` builds every volume of a folder of issue files in parallel,
skipping those whose inputs (the issue file, its images or printed PDF, the
layouts, fonts, colour profiles and tool versions) are unchanged since the
manifest was written; a past volume (`pdf:`) is converted (caipdf.archive.past).
`verify_archive` re-hashes every file against the manifest and can rebuild
each volume from the sources attached to its own PDF. `merge_archives`
joins archives built apart (shards of one office's volumes, docs/archive.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from caipdf import isolation, paths, provenance
from caipdf.archive import past, search
from caipdf.errors import CaipdfError, Problem

MANIFEST = "manifest.json"
INDEX = "index.html"
THUMBNAILS = "thumbs"
THUMBNAIL_WIDTH = 240
FORMAT = 2  # 2: past volumes, and every volume's text for the search


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inputs_digest(issue_file: Path) -> str:
    """What the volume's PDF depends on (cheap: reads, no layout)."""
    from caipdf.structure.loader import load_volume
    from caipdf.structure.model import PastVolume

    try:
        volume = load_volume(issue_file)
        if isinstance(volume, PastVolume):
            return past.inputs_digest(volume)
        return provenance.inputs_digest(volume)
    except CaipdfError:
        return "unreadable"  # a broken issue is never up to date: its build will say why


@dataclass
class ArchiveResult:
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def build_archive(issues_dir: Path, archive_dir: Path, jobs: int | None = None,
                  progress=None) -> ArchiveResult:
    """Build the archive; `progress(message)` is told of each volume as it finishes."""
    progress = progress or (lambda message: None)
    started = time.perf_counter()
    issue_files = sorted(issues_dir.glob("*.yaml"))
    if not issue_files:
        raise CaipdfError(Problem(None, f"{issues_dir} holds no issue files (*.yaml)",
                                  "name the folder that holds the volumes, e.g. issues/"))
    try:
        (archive_dir / THUMBNAILS).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CaipdfError(Problem(None, f"cannot make the archive folder {archive_dir}: "
                                  f"{error.strerror or error}",
                                  "give -o a folder that exists or can be made")) from None
    previous = {entry["source"]: entry for entry in _read_manifest(archive_dir).get("volumes", [])}
    entries, to_build, result = {}, [], ArchiveResult()
    for issue_file in issue_files:
        old = previous.get(issue_file.name)
        if old and _up_to_date(old, issue_file, archive_dir):
            entries[issue_file.name] = old
            result.skipped.append(issue_file.name)
        else:
            to_build.append(issue_file)
    for name in result.skipped:
        progress(f"  {name}: unchanged, kept")
    total = len(to_build)
    jobs = max(1, min(jobs or os.cpu_count() or 1, total or 1))
    if to_build:
        import caipdf.commands.build  # noqa: F401  (import WeasyPrint once; the workers fork with it)

        # The workers leave by os._exit, leaving their temporary files (WeasyPrint's
        # copy of the fonts) behind: they go into a folder removed after the pool.
        with isolation.scratch_folder() as scratch, ProcessPoolExecutor(
                max_workers=jobs, mp_context=get_context("fork"),
                initializer=isolation.use_as_temporary, initargs=(scratch,)) as pool:
            futures = {pool.submit(build_volume, issue_file, archive_dir): issue_file
                       for issue_file in to_build}
            for done, future in enumerate(as_completed(futures), start=1):
                issue_file = futures[future]
                try:
                    entries[issue_file.name] = future.result()
                    result.built.append(issue_file.name)
                    progress(f"[{done}/{total}] {issue_file.name}: built")
                    for line in _change_lines(entries[issue_file.name]):
                        progress(line)
                except Exception as error:  # one volume's failure must not lose the others
                    if isinstance(error, BrokenProcessPool):  # a worker died (e.g. SIGSEGV)
                        error = "a worker process crashed (its volume, or one built beside it)"
                    elif not isinstance(error, CaipdfError):
                        error = f"internal error: {type(error).__name__}: {error}"
                    result.failed[issue_file.name] = str(error)
                    progress(f"[{done}/{total}] {issue_file.name}: FAILED\n{error}")
                    if issue_file.name in previous:  # keep the last good volume
                        entries[issue_file.name] = previous[issue_file.name]
    manifest = {"format": FORMAT, "volumes": sorted(entries.values(), key=_newest_first)}
    _write_catalogue(archive_dir, manifest)
    result.seconds = time.perf_counter() - started
    return result


def _change_lines(entry: dict) -> list[str]:
    """The pages of a past volume whose look the conversion changed, one line
    per kind of change (a printed volume in CMYK has every page converted)."""
    pages_by_change: dict[str, list[int]] = {}
    for change in entry.get("changes", []):
        pages_by_change.setdefault("; ".join(change["changes"]), []).append(change["page"])
    return [f"  {entry['file']} {_pages(pages)}: the conversion changed its look: {what}"
            for what, pages in pages_by_change.items()]


def _pages(numbers: list[int]) -> str:
    """'page 3', or 'pages 1–4, 7' for runs of pages."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    spans = [f"{run[0]}–{run[-1]}" if len(run) > 1 else f"{run[0]}" for run in runs]
    return f"page {spans[0]}" if len(numbers) == 1 else f"pages {', '.join(spans)}"


def _newest_first(entry: dict) -> tuple:
    return (-int(entry["date"].replace("-", "")), -entry["volume"])


def _up_to_date(entry: dict, issue_file: Path, archive_dir: Path) -> bool:
    pdf, text = archive_dir / entry["file"], archive_dir / entry["text"]
    return (entry.get("inputs_sha256") == inputs_digest(issue_file) and pdf.is_file()
            and pdf.stat().st_size == entry["bytes"] and sha256(pdf) == entry["sha256"]
            and text.is_file() and sha256(text) == entry["text_sha256"])


def build_volume(issue_file: Path, archive_dir: Path) -> dict:
    """Build one volume into the archive (in a worker process); its manifest entry."""
    from caipdf import pipeline
    from caipdf.profiles import PROFILES
    from caipdf.structure.inline import plain_text
    from caipdf.structure.loader import load_volume
    from caipdf.structure.model import PastVolume

    volume = load_volume(issue_file)
    if isinstance(volume, PastVolume):
        return convert_past_volume(volume, archive_dir)
    profile = PROFILES["archive"]
    issue = pipeline.read(issue_file)  # read once: laid out, attached and hashed alike
    laid_out = pipeline.lay_out(issue, profile=profile)
    if laid_out.problems:
        raise CaipdfError(laid_out.problems)
    return {
        "kind": "typeset",
        **_store_volume(archive_dir, issue_file.stem, pipeline.pdf_bytes(laid_out, profile)),
        "pages": laid_out.pages,
        **_names(issue),
        "cover_line": plain_text(issue.cover_line),
        "contents": [{"page": article.page, "title": " ".join(plain_text(article.toc).split())}
                     for article in issue.articles],
        "source": issue_file.name,
        "source_sha256": hashlib.sha256(issue.source_bytes).hexdigest(),
        "inputs_sha256": provenance.inputs_digest(issue),
        "layouts_sha256": provenance.layouts_digest(),
        "tools": provenance.tool_versions(),
    }


def convert_past_volume(volume, archive_dir: Path) -> dict:
    """Convert a past volume's printed PDF into the archive; its manifest entry."""
    data, conversion = past.convert(volume)
    return {
        "kind": "past",
        **_store_volume(archive_dir, volume.source.stem, data),
        "pages": volume.pages,
        **_names(volume),
        "cover_line": volume.cover_line or "",
        "contents": [{"page": entry.page, "title": entry.title} for entry in volume.contents],
        "source": volume.source.name,
        "source_sha256": conversion["source_sha256"],
        "original": volume.pdf_path,
        "original_sha256": conversion["original_sha256"],
        "inputs_sha256": past.inputs_digest(volume),
        "converted_with": conversion["converted_with"],
        "text_source": conversion["text_source"],
        "ocr_pages": conversion["ocr_pages"],
        "changes": conversion["changes"],
        "tools": conversion["tools"],
    }


def _store_volume(archive_dir: Path, stem: str, data: bytes) -> dict:
    """Write a volume's PDF, its cover thumbnail and its text; their manifest fields."""
    from caipdf.atomic import write_atomically

    output = archive_dir / f"{stem}.pdf"
    write_atomically(output, data)
    thumbnail = archive_dir / THUMBNAILS / f"{stem}.png"
    _write_thumbnail(output, thumbnail)
    text, text_sha256 = search.write_volume_text(archive_dir, output)
    return {"file": output.name, "sha256": sha256(output), "bytes": output.stat().st_size,
            "thumbnail": thumbnail.relative_to(archive_dir).as_posix(),
            "thumbnail_sha256": sha256(thumbnail), "text": text, "text_sha256": text_sha256}


def _names(volume) -> dict:
    """How the catalogue names a volume (an Issue or a PastVolume)."""
    return {"volume": volume.volume, "title": f"{volume.series.title_ja} vol.{volume.volume}",
            "title_en": f"{volume.series.title} vol.{volume.volume}", "date": volume.issued}


def _write_thumbnail(pdf: Path, target: Path) -> None:
    import io

    import pypdfium2 as pdfium

    from caipdf.atomic import write_atomically

    document = pdfium.PdfDocument(str(pdf))
    try:
        page = document[0]
        width, _ = page.get_size()
        image = page.render(scale=THUMBNAIL_WIDTH / width).to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    write_atomically(target, buffer.getvalue())


MANIFEST_KEYS = {"file", "sha256", "bytes", "pages", "volume", "date", "source",
                 "inputs_sha256", "thumbnail", "thumbnail_sha256", "text", "text_sha256"}


def _read_manifest(archive_dir: Path) -> dict:
    """The manifest, checked; {} when there is none yet."""
    path = archive_dir / MANIFEST
    if not path.is_file():
        return {}
    fix = "delete it and run 'caipdf archive' again to rebuild every volume"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as error:
        raise CaipdfError(Problem(None, f"{path} cannot be read ({error})", fix)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CaipdfError(Problem(None, f"{path} is not a caipdf manifest of format {FORMAT}", fix))
    for number, entry in enumerate(manifest.get("volumes", []), start=1):
        if not isinstance(entry, dict) or not MANIFEST_KEYS <= set(entry):
            raise CaipdfError(Problem(None, f"{path}: volume {number} lacks "
                                      f"{', '.join(sorted(MANIFEST_KEYS - set(entry or {})))}", fix))
    return manifest


def _write_json(path: Path, data: dict) -> None:
    from caipdf.atomic import write_atomically

    write_atomically(path, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode())


def _write_catalogue(archive_dir: Path, manifest: dict) -> None:
    """The manifest, the search index and index.html, in that order."""
    from caipdf.atomic import write_atomically
    from caipdf.render.html import environment

    _write_json(archive_dir / MANIFEST, manifest)
    search.write_index(archive_dir, manifest["volumes"])
    template = environment(paths.LAYOUTS).get_template("archive/index.html")
    write_atomically(archive_dir / INDEX, template.render(volumes=manifest["volumes"],
                                                          search_index=search.INDEX_SCRIPT).encode())


# -- verification -------------------------------------------------------------

def verify_archive(archive_dir: Path, rebuild: bool = False, progress=None) -> list[str]:
    """Every mismatch between the archive and its manifest (empty: all good)."""
    progress = progress or (lambda message: None)
    manifest = _read_manifest(archive_dir)
    if not manifest:
        raise CaipdfError(Problem(None, f"{archive_dir} has no {MANIFEST}",
                                  "build the archive first: caipdf archive issues/ -o ARCHIVE"))
    problems = []
    for entry in manifest["volumes"]:
        for name, digest in _files(entry):
            path = archive_dir / name
            if not path.is_file():
                problems.append(f"{name}: missing")
            elif sha256(path) != digest:
                problems.append(f"{name}: sha256 differs from the manifest (the file has changed)")
        if rebuild and (archive_dir / entry["file"]).is_file():
            progress(f"  rebuilding {entry['file']} from its attached sources …")
            problems += _rebuild_and_compare(archive_dir / entry["file"], entry)
    return problems


def _files(entry: dict) -> list[tuple[str, str]]:
    """(path in the archive, sha256) of each file a manifest entry lists."""
    return [(entry["file"], entry["sha256"]), (entry["thumbnail"], entry["thumbnail_sha256"]),
            (entry["text"], entry["text_sha256"])]


# -- merging archives built apart ------------------------------------------------

def merge_archives(shards: list[Path], archive_dir: Path) -> list[str]:
    """Join archives built apart (shards) into `archive_dir`: every file of every
    shard, checked against its shard's manifest, then one manifest, search index
    and catalogue for all. A volume in `archive_dir` already is replaced by a
    shard's; two shards holding the same issue file is an error. The issue files merged."""
    import shutil

    problems, chosen = [], {}
    for shard in shards:
        manifest = _read_manifest(shard)
        if not manifest:
            problems.append(Problem(None, f"{shard} has no {MANIFEST}",
                                    "give the folders that 'caipdf archive … -o SHARD' wrote"))
            continue
        for entry in manifest["volumes"]:
            for name, digest in _files(entry):
                if not (shard / name).is_file() or sha256(shard / name) != digest:
                    problems.append(Problem(None, f"{shard / name} is missing or differs from "
                                            f"{shard / MANIFEST}", f"run 'caipdf archive' for "
                                            f"that shard again, or 'caipdf archive --verify {shard}'"))
            if entry["source"] in chosen:
                problems.append(Problem(None, f"{entry['source']} is in two shards: "
                                        f"{chosen[entry['source']][0]} and {shard}",
                                        "give each issue file to one shard only"))
            chosen[entry["source"]] = (shard, entry)
    if problems:
        raise CaipdfError(problems)
    entries = {entry["source"]: entry for entry in _read_manifest(archive_dir).get("volumes", [])}
    for shard, entry in chosen.values():
        for name, _ in _files(entry):
            if (shard / name).resolve() != (archive_dir / name).resolve():
                (archive_dir / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(shard / name, archive_dir / name)
        entries[entry["source"]] = entry
    _write_catalogue(archive_dir, {"format": FORMAT,
                                   "volumes": sorted(entries.values(), key=_newest_first)})
    return sorted(chosen)


def extract_sources(pdf: Path, folder: Path) -> Path:
    """Write the files attached to an archive PDF into `folder`; the issue file's path."""
    import pypdf

    from caipdf.pdf.archival import BUILD_INFO

    reader = pypdf.PdfReader(str(pdf))
    issue_file = None
    for name, contents in reader.attachments.items():
        target = (folder / name).resolve()
        if not target.is_relative_to(folder.resolve()):
            raise CaipdfError(Problem(None, f"{pdf}: attachment '{name}' points outside its folder"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(contents[0])
        if name == BUILD_INFO:
            issue_file = folder / json.loads(contents[0])["source"]
    if issue_file is None or not issue_file.is_file():
        raise CaipdfError(Problem(None, f"{pdf} carries no issue file to rebuild from"))
    return issue_file


def _rebuild_and_compare(pdf: Path, entry: dict) -> list[str]:
    """Rebuild a volume from the sources attached to it and compare the bytes:
    a past volume is converted again from its attached printed PDF, which the
    engine does byte for byte alike when its versions are the recorded ones."""
    from caipdf.commands.build import build
    from caipdf.profiles import PROFILES
    from caipdf.structure.loader import load_volume
    from caipdf.structure.model import PastVolume

    with tempfile.TemporaryDirectory(prefix="caipdf-verify-") as folder:
        folder = Path(folder)
        rebuilt = folder / "rebuilt.pdf"
        try:
            issue_file = extract_sources(pdf, folder / "sources")
            volume = load_volume(issue_file)
            if isinstance(volume, PastVolume):
                rebuilt.write_bytes(past.convert(volume)[0])
            else:
                build(issue_file, rebuilt, profile=PROFILES["archive"])
        except CaipdfError as error:
            return [f"{entry['file']}: cannot be rebuilt from its sources:\n{error}"]
        if rebuilt.read_bytes() != pdf.read_bytes():
            engine = ""
            if entry.get("kind") == "past" and entry["tools"] != past.converted_tools():
                engine = (f"; it was converted with {entry['converted_with']}, this machine "
                          f"has {past.engine_name()}, whose output may differ")
            return [f"{entry['file']}: a rebuild from its attached sources differs "
                    f"({rebuilt.stat().st_size:,} bytes against {pdf.stat().st_size:,}){engine}"]
    return []


def print_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
