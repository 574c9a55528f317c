"""Measure display text and paragraph-final lines from a built PDF.

Like `metrics`, everything is read back from the glyph positions
(pypdfium2); the layout is not asked. Display text is every text that is
not body text (the Mincho faces at 9 pt): titles, headings, quotes,
captions, tables, boxes, the contents list, the colophon.

- `display_breaks(pdf, texts)`: for each text of the issue (given by the
  caller, as written in the issue file, `\\n` for an explicit break), the
  lines the PDF sets it in: a run of glyph rows, each below the last, whose
  letters spell the text. Each break between two of its lines that is not
  an explicit one either falls between two phrases (`phrases.boundaries`
  of the text) or inside one; inside a phrase wider (in the PDF) than
  the text's longest line, it is listed apart, as allowed. A balanced text (`balanced=True`) also
  reports a last line (of each part between explicit breaks) shorter than
  a third of the longest other line or of at most 3 characters.
- `display_autospace(pdf)`: 和欧間 in display text, as `metrics` measures
  it in the body: the space between a kana/kanji and a Latin letter or
  digit that touch, less the row's spacing between kana and kanji, in the
  kana/kanji's em. Only between glyphs of one size: a figure set larger
  (the key figures' numbers, the contents' page numbers) is spaced by its
  own margin.
- `short_last_lines(pdf)`: the body's paragraph-final lines of 1–2
  characters (JLREQ's 孤立行), read as `metrics` reads paragraphs.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path

from caipdf.typesetting import jlreq, justify, metrics, phrases

#: A gap wider than this (in em) between two glyphs of one baseline starts
#: another row: the next table cell, the other column.
ROW_GAP = 1.2
#: The most one line of a display text is below the one before (in em of
#: its largest glyph): a line height of 1.65 and a little.
LINE_STEP = 2.0
SHORT_LAST = 3          # characters a balanced last line must exceed
BALANCE_SHARE = 1 / 3   # of the longest other line


@dataclass
class Row:
    page: int
    y: float
    glyphs: list[metrics.Glyph]

    @property
    def text(self) -> str:
        return "".join(glyph.char for glyph in self.glyphs)

    @property
    def left(self) -> float:
        return self.glyphs[0].x

    @property
    def right(self) -> float:
        return max(glyph.right for glyph in self.glyphs)

    @property
    def size(self) -> float:
        return max(glyph.size for glyph in self.glyphs)


@dataclass
class DisplayReport:
    texts: int = 0                    # texts looked for
    found: int = 0                    # of them, found in the PDF
    breaks: int = 0                   # line breaks the measure forced
    inside: list[str] = field(default_factory=list)      # of them, inside a phrase
    unbalanced: list[str] = field(default_factory=list)  # balanced texts with a short last line
    #: breaks inside a phrase wider than every line of its text (allowed)
    long_phrases: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _rows(pdf_path) -> list[Row]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    rows = []
    try:
        for number in range(1, len(document) + 1):
            by_baseline: dict[float, list[metrics.Glyph]] = {}
            for glyph in metrics._glyphs(document[number - 1]):
                if glyph.char in jlreq.TRANSPARENT:
                    continue
                by_baseline.setdefault(round(glyph.y, 1), []).append(glyph)
            for y, glyphs in by_baseline.items():
                glyphs.sort(key=lambda glyph: glyph.x)
                row = [glyphs[0]]
                for glyph in glyphs[1:]:
                    if glyph.x - row[-1].right > ROW_GAP * max(glyph.size, row[-1].size):
                        rows.append(Row(number, y, row))
                        row = []
                    row.append(glyph)
                rows.append(Row(number, y, row))
    finally:
        document.close()
    rows.sort(key=lambda row: (row.page, -row.y, row.left))
    return rows


def _is_body(row: Row) -> bool:
    return all(glyph.mincho and abs(glyph.size - metrics.BODY_SIZE) < 0.05
               for glyph in row.glyphs if glyph.char.strip())


def _squeeze(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch not in jlreq.TRANSPARENT)


def display_breaks(pdf_path: Path | str, texts: list[tuple[str, bool]]) -> DisplayReport:
    """`texts`: (text as written, balanced) pairs."""
    rows = [row for row in _rows(pdf_path) if not _is_body(row)]
    report = DisplayReport(texts=len(texts))
    for text, balanced in texts:
        lines = _find(rows, text)
        if lines is None:
            report.missing.append(text)
            continue
        report.found += 1
        # Map each squeezed index to the index in the text as written.
        written = [index for index, ch in enumerate(text)
                   if not ch.isspace() and ch not in jlreq.TRANSPARENT]
        flat = text.replace("\n", " ")
        widest = max(line.right - line.left for line in lines)
        position, parts, part = 0, [], []
        for line in lines:
            length = len(_squeeze(line.text))
            if position:
                before, after = written[position - 1], written[position]
                explicit = "\n" in text[before:after]
                if explicit:
                    parts.append(part)
                    part = []
                else:
                    report.breaks += 1
                    if phrases.breaks_inside(flat, after) and \
                            not text[before + 1:after].isspace():
                        where = f"p.{line.page}: {text[:after]}/{text[after:]}".replace("\n", "⏎")
                        if _phrase_width(flat, after, written, lines) > widest:
                            report.long_phrases.append(where)
                        else:
                            report.inside.append(where)
            part.append(line)
            position += length
        parts.append(part)
        if balanced:
            for part in parts:
                if len(part) < 2:
                    continue
                last = part[-1]
                longest = max(line.right - line.left for line in part[:-1])
                if len(_squeeze(last.text)) <= SHORT_LAST or \
                        last.right - last.left < BALANCE_SHARE * longest:
                    report.unbalanced.append(
                        f"p.{last.page}: {'/'.join(line.text for line in part)}")
    return report


def _phrase_width(text: str, index: int, written: list[int], lines: list[Row]) -> float:
    """The width, in the PDF, of the phrase of `text` around `index`."""
    starts = set(phrases.boundaries(text)) | {i + 1 for i, ch in enumerate(text) if ch.isspace()}
    start = max([0] + [i for i in starts if i <= index])
    end = min([len(text)] + [i for i in starts if i > index])
    glyphs = [glyph for line in lines for glyph in line.glyphs
              if not glyph.char.isspace() and glyph.char not in jlreq.TRANSPARENT]
    return sum(glyph.right - glyph.x for glyph, at in zip(glyphs, written) if start <= at < end)


def _find(rows: list[Row], text: str) -> list[Row] | None:
    """The rows that spell `text`, one below the other, or None."""
    wanted = _squeeze(text)
    for start, row in enumerate(rows):
        have = _squeeze(row.text)
        if not have or not wanted.startswith(have):
            continue
        lines, done = [row], have
        for following in rows[start + 1:]:
            if done == wanted:
                break
            last = lines[-1]
            if following.page != last.page or last.y - following.y > LINE_STEP * last.size:
                if following.page != last.page or following.y < last.y - 4 * last.size:
                    break
                continue
            if following.y >= last.y - 0.5 or following.right < last.left \
                    or following.left > last.right:
                continue
            piece = _squeeze(following.text)
            if piece and wanted.startswith(done + piece):
                lines.append(following)
                done += piece
        if done == wanted:
            return lines
    return None


def display_autospace(pdf_path: Path | str) -> list[tuple[float, str]]:
    """(和欧間 in em, where) for each kana/kanji–Latin/digit boundary of display text."""
    values = []
    for row in _rows(pdf_path):
        if _is_body(row):
            continue
        pairs = list(zip(row.glyphs, row.glyphs[1:]))
        spacing = [(second.x - first.right) / first.size for first, second in pairs
                   if jlreq.is_kana_kanji(first.char) and jlreq.is_kana_kanji(second.char)
                   and first.size == second.size]
        base = statistics.median(spacing) if spacing else 0.0
        for first, second in pairs:
            if first.size != second.size:
                continue  # text of another size (a key figure, a page number) is spaced by design
            if jlreq.is_kana_kanji(first.char) and jlreq.is_alnum(second.char):
                em = first.size
            elif jlreq.is_alnum(first.char) and jlreq.is_kana_kanji(second.char):
                em = second.size
            else:
                continue
            values.append(((second.x - first.right) / em - base,
                           f"p.{row.page}: {first.char}{second.char} in “{row.text[:20]}”"))
    return values


def short_last_lines(pdf_path: Path | str) -> list[str]:
    """The body's paragraph-final lines of 1 or 2 characters."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    lines = []
    try:
        for number in range(1, len(document) + 1):
            page = document[number - 1]
            page_lines, _ = metrics._lines(number, metrics._glyphs(page),
                                           metrics._spanning_ranges(page))
            lines += page_lines
    finally:
        document.close()
    metrics._link_paragraphs(lines)
    continued = {id(line.continues) for line in lines if line.continues}
    return [f"{line.where()}: “{line.text}”" for line in lines
            if line.final and id(line) in continued
            and len([glyph for glyph in line.glyphs if glyph.char.strip()]) < justify.SHORT_LAST]
