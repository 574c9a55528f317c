"""Line breaks of display text and short last lines, read from the laid-out boxes.

For `caipdf check`: each block of display text (`DISPLAY_CLASSES`, or any
whose lines are broken between phrases, `--caipdf-line-break: phrase`,
docs/typesetting.md) is read line by line, a table's repeated header once,
and every break that the measure made (not an explicit `\\n`, a `<br>`) is
looked up in the phrases of the block's text: between two phrases, inside
a phrase wider than its line (one that starts the line and goes on past
it: allowed), or inside a phrase. Body paragraphs (justified JLREQ text) whose last line
holds 1 or 2 characters (孤立行) are listed: caipdf avoids them where
loosening a line within `justify.LOOSEN_MAX` can, so those left are the ones
an editor would reword.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from caipdf.render.pdf import Rendering
from caipdf.typesetting import display, justify, phrases


@dataclass
class DisplayFindings:
    breaks: int = 0                                        # breaks the measure made
    inside: list[str] = field(default_factory=list)        # of them, inside a phrase
    long_phrases: list[str] = field(default_factory=list)  # inside a phrase wider than the line
    short_last: list[str] = field(default_factory=list)    # body paragraphs ending on 1–2 characters

    def lines(self) -> list[str]:
        out = [f"display text: {self.breaks} line breaks made by the measure, "
               f"{len(self.inside)} inside a phrase (target 0), "
               f"{len(self.long_phrases)} inside a phrase wider than its line"]
        out += [f"  inside a phrase: {where}" for where in self.inside]
        out += [f"  wider than its line: {where}" for where in self.long_phrases]
        out.append(f"paragraphs ending on a line of 1–2 characters: {len(self.short_last)}")
        out += [f"  {where}" for where in self.short_last]
        return out


#: The display contexts (docs/typesetting.md, "Display text"), by the class
#: of an element or of one around it. Their lines are measured whether or
#: not their style asks for phrases: a context the stylesheet forgot (the
#: cover line did) is reported, not skipped.
DISPLAY_CLASSES = frozenset({
    "cover__line", "article__title", "article__subtitle", "byline", "h2", "h3", "quote",
    "figure__caption", "table", "contents", "keyfigures", "infobox", "colophon", "list__title"})


def check(rendering: Rendering) -> DisplayFindings:
    lines_of: dict[tuple, list[tuple[int, object]]] = {}  # (element, header) → (page, line box)
    display_keys: set[tuple] = set()
    for number, page in enumerate(rendering.document.pages, start=1):
        _collect(page._page_box, number, False, None, lines_of, display_keys)
    findings = DisplayFindings()
    measured_headers: set[object] = set()
    for key, lines in lines_of.items():
        element, header = key
        style = lines[0][1].style
        texts = [_text(line) for _, line in lines]
        if key in display_keys or display.wants_phrases(style):
            if header is not None:
                # A table's header row is set again in each column and page
                # it reaches, alike: measured once.
                if element in measured_headers:
                    continue
                measured_headers.add(element)
            _breaks(lines, texts, findings)
        elif justify.wants_jlreq(style) and justify._justified(style):
            last = texts[-1].strip()
            if 0 < len(last) < justify.SHORT_LAST and len(lines) > 1:
                findings.short_last.append(
                    f"p.{lines[-1][0]}: 「…{texts[-2].strip()[-10:]}/{last}」")
    return findings


def _collect(box, page: int, in_display: bool, header, lines_of, display_keys) -> None:
    """The line boxes under `box`, by element and by repeated table header
    (the row group, set once per column or page), noting those in a display
    context."""
    from weasyprint.formatting_structure import boxes

    in_display = in_display or not DISPLAY_CLASSES.isdisjoint(_classes(box))
    if isinstance(box, boxes.TableRowGroupBox) and (box.is_header or box.is_footer):
        header = id(box)
    if isinstance(box, boxes.LineBox) and box.element is not None:
        key = (box.element, header)
        lines_of.setdefault(key, []).append((page, box))
        if in_display:
            display_keys.add(key)
    for child in getattr(box, "children", ()):
        _collect(child, page, in_display, header, lines_of, display_keys)


def _classes(box) -> list[str]:
    element = box.element
    return element.get("class", "").split() if element is not None else []


def _breaks(lines, texts: list[str], findings: DisplayFindings) -> None:
    text = "".join(texts)
    # A line broken at a space loses it (WeasyPrint drops it at the break):
    # the element's own text says whether there was one.
    written = " ".join("".join(lines[0][1].element.itertext()).split())
    starts = phrases.boundaries(text)
    position = 0
    for (page, line), line_text, following in zip(lines, texts[:-1], texts[1:]):
        line_start, position = position, position + len(line_text)
        if _explicit(line) or not line_text.strip():
            continue
        findings.breaks += 1
        at_space = f"{line_text.rstrip()[-6:]} {following.lstrip()[:6]}" in written
        if not at_space and phrases.breaks_inside(text, position):
            where = f"p.{page}: 「{text[:position].lstrip()[-15:]}/{text[position:][:15]}」"
            # A phrase that began at the line's start (or before) and goes on
            # past its end is wider than the line.
            phrase_start = max([0] + [i for i in starts if i <= position]
                               + [i + 1 for i in range(position) if text[i].isspace()])
            if phrase_start <= line_start + (len(line_text) - len(line_text.lstrip())):
                findings.long_phrases.append(where)
            else:
                findings.inside.append(where)


def _text(box) -> str:
    """The text of a line (or of a box in it), floats (a figure's credit)
    left out: they have lines of their own."""
    from weasyprint.formatting_structure import boxes

    parts = []
    for child in getattr(box, "children", ()):
        if child.is_floated():
            continue
        if isinstance(child, boxes.TextBox):
            parts.append(child.text)
        else:
            parts.append(_text(child))
    return "".join(parts)


def _explicit(line) -> bool:
    """Whether the line ends with a line break of the text (a `<br>`)."""
    return any(box.element_tag == "br" for box in line.descendants()
               if box.element is not None) or _text(line).endswith("\n")
