"""Line breaks of display text and short last lines, read from the laid-out boxes.

For `caipdf check`: each block whose lines are broken between phrases
(`--caipdf-line-break: phrase`, docs/typesetting.md) is read line by line,
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


def check(rendering: Rendering) -> DisplayFindings:
    from weasyprint.formatting_structure import boxes

    lines_of: dict[object, list[tuple[int, object]]] = {}  # element → (page, line box)
    for number, page in enumerate(rendering.document.pages, start=1):
        for box in page._page_box.descendants():
            if isinstance(box, boxes.LineBox) and box.element is not None:
                lines_of.setdefault(box.element, []).append((number, box))
    findings = DisplayFindings()
    for lines in lines_of.values():
        style = lines[0][1].style
        texts = [_text(line) for _, line in lines]
        if display.wants_phrases(style):
            _breaks(lines, texts, findings)
        elif justify.wants_jlreq(style) and justify._justified(style):
            last = texts[-1].strip()
            if 0 < len(last) < justify.SHORT_LAST and len(lines) > 1:
                findings.short_last.append(
                    f"p.{lines[-1][0]}: 「…{texts[-2].strip()[-10:]}/{last}」")
    return findings


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


def _text(line) -> str:
    from weasyprint.formatting_structure import boxes

    return "".join(box.text for box in line.descendants() if isinstance(box, boxes.TextBox))


def _explicit(line) -> bool:
    """Whether the line ends with a line break of the text (a `<br>`)."""
    return any(box.element_tag == "br" for box in line.descendants()
               if box.element is not None) or _text(line).endswith("\n")
