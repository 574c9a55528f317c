"""The archive of past volumes: PDF/A-3b files, a manifest and an offline catalogue.

`build_archive` builds every volume of a folder of issue files in parallel,
skipping those whose inputs (the issue file, its images, the layouts, fonts,
colour profiles and tool versions) are unchanged since the manifest was
written. `verify_archive` re-hashes every file against the manifest and can
rebuild each volume from the sources attached to its own PDF.
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

from caipdf import paths, provenance
from caipdf.errors import CaipdfError, Problem

MANIFEST = "manifest.json"
INDEX = "index.html"
THUMBNAILS = "thumbs"
THUMBNAIL_WIDTH = 240
FORMAT = 1


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inputs_digest(issue_file: Path) -> str:
    """What the volume's PDF depends on (cheap: reads, no layout)."""
    from caipdf.structure.loader import load_issue

    try:
        return provenance.inputs_digest(load_issue(issue_file))
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

        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
            futures = {pool.submit(build_volume, issue_file, archive_dir): issue_file
                       for issue_file in to_build}
            for done, future in enumerate(as_completed(futures), start=1):
                issue_file = futures[future]
                try:
                    entries[issue_file.name] = future.result()
                    result.built.append(issue_file.name)
                    progress(f"[{done}/{total}] {issue_file.name}: built")
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
    _write_json(archive_dir / MANIFEST, manifest)
    _write_index(archive_dir, manifest)
    result.seconds = time.perf_counter() - started
    return result


def _newest_first(entry: dict) -> tuple:
    return (-int(entry["date"].replace("-", "")), -entry["volume"])


def _up_to_date(entry: dict, issue_file: Path, archive_dir: Path) -> bool:
    pdf = archive_dir / entry["file"]
    return (entry.get("inputs_sha256") == inputs_digest(issue_file) and pdf.is_file()
            and pdf.stat().st_size == entry["bytes"] and sha256(pdf) == entry["sha256"])


def build_volume(issue_file: Path, archive_dir: Path) -> dict:
    """Build one volume into the archive (in a worker process); its manifest entry."""
    from caipdf import pipeline
    from caipdf.atomic import write_atomically
    from caipdf.profiles import PROFILES
    from caipdf.structure.inline import plain_text

    profile = PROFILES["archive"]
    issue = pipeline.read(issue_file)  # read once: laid out, attached and hashed alike
    laid_out = pipeline.lay_out(issue, profile=profile)
    if laid_out.problems:
        raise CaipdfError(laid_out.problems)
    output = archive_dir / f"{issue_file.stem}.pdf"
    write_atomically(output, pipeline.pdf_bytes(laid_out, profile))
    thumbnail = archive_dir / THUMBNAILS / f"{issue_file.stem}.png"
    _write_thumbnail(output, thumbnail)
    return {
        "file": output.name,
        "sha256": sha256(output),
        "bytes": output.stat().st_size,
        "pages": laid_out.pages,
        "volume": issue.volume,
        "title": f"{issue.series.title_ja} vol.{issue.volume}",
        "title_en": f"{issue.series.title} vol.{issue.volume}",
        "date": issue.issued,
        "cover_line": plain_text(issue.cover_line),
        "contents": [{"page": article.page, "title": " ".join(plain_text(article.toc).split())}
                     for article in issue.articles],
        "source": issue_file.name,
        "source_sha256": hashlib.sha256(issue.source_bytes).hexdigest(),
        "inputs_sha256": provenance.inputs_digest(issue),
        "layouts_sha256": provenance.layouts_digest(),
        "thumbnail": thumbnail.relative_to(archive_dir).as_posix(),
        "thumbnail_sha256": sha256(thumbnail),
        "tools": provenance.tool_versions(),
    }


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
                 "inputs_sha256", "thumbnail", "thumbnail_sha256"}


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


def _write_index(archive_dir: Path, manifest: dict) -> None:
    from caipdf.atomic import write_atomically
    from caipdf.render.html import environment

    template = environment(paths.LAYOUTS).get_template("archive/index.html")
    write_atomically(archive_dir / INDEX, template.render(volumes=manifest["volumes"]).encode())


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
        for name, digest in ((entry["file"], entry["sha256"]),
                             (entry["thumbnail"], entry["thumbnail_sha256"])):
            path = archive_dir / name
            if not path.is_file():
                problems.append(f"{name}: missing")
            elif sha256(path) != digest:
                problems.append(f"{name}: sha256 differs from the manifest (the file has changed)")
        if rebuild and (archive_dir / entry["file"]).is_file():
            progress(f"  rebuilding {entry['file']} from its attached sources …")
            problems += _rebuild_and_compare(archive_dir / entry["file"], entry)
    return problems


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
    from caipdf.commands.build import build
    from caipdf.profiles import PROFILES

    with tempfile.TemporaryDirectory(prefix="caipdf-verify-") as folder:
        folder = Path(folder)
        try:
            issue_file = extract_sources(pdf, folder / "sources")
            rebuilt = folder / "rebuilt.pdf"
            build(issue_file, rebuilt, profile=PROFILES["archive"])
        except CaipdfError as error:
            return [f"{entry['file']}: cannot be rebuilt from its sources:\n{error}"]
        if rebuilt.read_bytes() != pdf.read_bytes():
            return [f"{entry['file']}: a rebuild from its attached sources differs "
                    f"({rebuilt.stat().st_size:,} bytes against {pdf.stat().st_size:,})"]
    return []


def print_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
