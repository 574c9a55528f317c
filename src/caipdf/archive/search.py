"""The catalogue's search: the text of every page of every volume, in an index
that index.html reads offline (a script beside it, no server, no CDN).

Each volume's text is taken at archive time from its archival PDF's text
layer, page by page (caipdf's own volumes give their text as written through
ActualText; past volumes give what their printed PDF holds, or what OCR
read), and kept in `text/volNN.json`, listed in the manifest with its
sha256. The index holds every page's text folded by NFKC (「ＪＣＭ」 is
「JCM」), and, for finding pages quickly, the pages each pair of
characters occurs on (Japanese has no spaces to cut words at, so the
index is of character bigrams, not words).

What a search finds (docs/archive.md): each word typed is looked for
exactly, after NFKC, in lower case and with white space ignored (a PDF's
text breaks lines inside words); words separated by spaces must all be on
the same page. So 「湿地保全」 finds 「湿地保全」 but not 「湿地の保全」,
which 「湿地 保全」 finds.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path

TEXTS = "text"
INDEX_SCRIPT = "search-index.js"


def page_texts(pdf: Path | bytes) -> list[str]:
    """The text layer of each page of a PDF (a file, or its bytes)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf) if isinstance(pdf, Path) else pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def write_volume_text(archive_dir: Path, pdf: Path) -> tuple[str, str]:
    """Keep the text of each page of an archived volume; (its path in the archive, sha256)."""
    from caipdf.atomic import write_atomically

    target = archive_dir / TEXTS / f"{pdf.stem}.json"
    data = (json.dumps({"file": pdf.name, "pages": page_texts(pdf)}, ensure_ascii=False,
                       indent=1) + "\n").encode()
    write_atomically(target, data)
    return target.relative_to(archive_dir).as_posix(), hashlib.sha256(data).hexdigest()


def fold(text: str) -> str:
    """The text as it is searched: NFKC, lower case, without white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


def article_on(contents: list[dict], page: int) -> str:
    """The title of the contents entry that covers `page` ("" before the first)."""
    covering = [entry["title"] for entry in contents if entry["page"] <= page]
    return covering[-1] if covering else ""


def write_index(archive_dir: Path, volumes: list[dict]) -> None:
    """The search index of every volume of the manifest, as a script index.html loads."""
    from caipdf.atomic import write_atomically

    pages, grams = [], {}
    for entry in volumes:
        texts = json.loads((archive_dir / entry["text"]).read_text(encoding="utf-8"))["pages"]
        for number, text in enumerate(texts, start=1):
            shown = _join_lines(unicodedata.normalize("NFKC", text))
            for gram in {pair for pair in _bigrams(fold(shown))}:
                grams.setdefault(gram, []).append(len(pages))
            pages.append({"file": entry["file"], "volume": entry["volume"], "page": number,
                          "article": article_on(entry["contents"], number), "text": shown})
    index = {"pages": pages, "bigrams": dict(sorted(grams.items()))}
    script = ("// The search index of the archive's catalogue (caipdf archive): every page's text.\n"
              "window.CAIPDF_SEARCH = " + json.dumps(index, ensure_ascii=False, separators=(",", ":"))
              + ";\n")
    write_atomically(archive_dir / INDEX_SCRIPT, script.encode())


def _join_lines(text: str) -> str:
    """White space as a reader expects it in a snippet: none between two
    Japanese characters (where a PDF's line broke, or OCR cut words), one elsewhere."""
    text = re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", text)
    return " ".join(text.split())


def _bigrams(text: str) -> list[str]:
    return [text[index:index + 2] for index in range(len(text) - 1)]
