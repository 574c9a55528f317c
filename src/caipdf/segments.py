"""Laying an issue out segment by segment, reusing the pages of unchanged ones.

A *segment* is a child of <body> with an id: the cover and each article. Each
starts on a new page and owns its pages, so an edit to one article changes
its pages only. `SegmentedLayout.render()` gives the same pages as laying
the whole HTML out at once (`caipdf.render.pdf.render`), but lays out only
the segments whose pages may have changed.

How one segment is laid out on its own
--------------------------------------
Its *stand-in document* is the issue's HTML with the other segments
replaced by stand-ins: a segment's own start and end tags (so page breaks
and page names are the same) around one empty 1px block per page it fills,
holding the anchors (ids) that the laid-out segment refers to, on the page
where they are. The segment so starts on the same page number and side, and
its references (`→p.10`, the contents numbers) resolve to the same pages.
After the segment come the next one's stand-in (where its last page breaks)
and those it refers to; all of them if the page total (counter(pages)) is
shown anywhere. WeasyPrint lays that document out, and the segment's pages
are kept.

The stand-in document is also the cache key: a segment's pages are reused as
long as the document it would be laid out in is the same text. Where other
segments' page counts or anchors are needed, the previous layout's are used;
if the new layout moves them, the segments that depended on them are laid
out again (`MAX_PASSES`).

What is checked, and what falls back
------------------------------------
The first layout is always of the whole HTML, and it shows whether the
segments are independent (`_dependence`): each starts a page, no page holds
boxes of two segments (a running element, a float or a footnote carried
over), no string-set, no target-text, and no counter other than the page
counters runs across segments. Every segment laid out alone is checked the
same way and its stand-ins must land on exactly their pages. Whenever a check
fails, the whole HTML is laid out, as `caipdf build` does. tests/test_watch.py
compares the two layouts byte for byte.
"""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from caipdf.render.pdf import Rendering, render

MAX_PASSES = 3
# Counters that never run across segments: pages are counted by the stand-ins
# and every list resets its own items.
CONTAINED_COUNTERS = {"page", "pages", "list-item"}

Footprint = tuple[tuple[str, ...], ...]  # for each page a segment fills, the anchors first on it


# ------------------------------------------------------------------ the HTML


@dataclass(frozen=True)
class Segment:
    id: str
    source: str  # the element's HTML, start tag to end tag
    stand_in_tag: str  # its start tag with only what places it on pages (see STAND_IN_ATTRIBUTES)
    end_tag: str
    references: frozenset[str]  # ids named by its attributes ("#id")


@dataclass(frozen=True)
class SplitHtml:
    """The HTML as text (head, furniture such as the running footer, tail) and segments."""
    parts: tuple[str | Segment, ...]

    @property
    def segments(self) -> list[Segment]:
        return [part for part in self.parts if isinstance(part, Segment)]


REFERENCE = re.compile(r'="#([^"]+)"')
# The attributes a stand-in keeps: what styles it (and so breaks its pages).
# Others, such as data-toc, change with the content and would make every other
# segment's stand-in document differ.
STAND_IN_ATTRIBUTES = ("id", "class", "style", "lang", "dir")
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                 "source", "track", "wbr"}


class _BodyChildren(HTMLParser):
    """Finds the source span (start, end, tag, attributes) of each child element of <body>."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.text = text
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
        self.depth: int | None = None  # below <body>; None outside it
        self.body: tuple[int, int] | None = None
        self.children: list[list] = []
        self._body_start = 0

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        start = self._offset()
        if tag == "body":
            self.depth = 0
            self._body_start = start + len(self.get_starttag_text())
        elif self.depth is not None:
            if self.depth == 0:
                end = start + len(self.get_starttag_text())
                self.children.append([start, end if tag in VOID_ELEMENTS else None, tag,
                                      dict(attrs)])
            if tag not in VOID_ELEMENTS:
                self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth == 0:
            start = self._offset()
            end = start + len(self.get_starttag_text())
            self.children.append([start, end, tag, dict(attrs)])

    def handle_endtag(self, tag):
        if self.depth is None or tag in VOID_ELEMENTS:
            return
        start = self._offset()
        if tag == "body":
            self.body = (self._body_start, start)
            self.depth = None
            return
        self.depth -= 1
        if self.depth == 0 and self.children:
            self.children[-1][1] = self.text.index(">", start) + 1


def split_html(text: str) -> SplitHtml | None:
    """The HTML cut into text and segments; None if its <body> cannot be cut cleanly."""
    parser = _BodyChildren(text)
    parser.feed(text)
    parser.close()
    if parser.body is None or any(child[1] is None for child in parser.children):
        return None
    parts: list[str | Segment] = []
    position = 0
    ids = set()
    for start, end, tag, attributes in parser.children:
        source = text[start:end]
        id_ = attributes.get("id")
        if id_ is None or tag in VOID_ELEMENTS:
            continue  # furniture: stays in the text around the segments
        end_tag = f"</{tag}>"
        if id_ in ids or not source.endswith(end_tag):
            return None
        ids.add(id_)
        parts.append(text[position:start])
        references = frozenset(html_text.unescape(name) for name in REFERENCE.findall(source))
        kept = "".join(f' {name}="{html_text.escape(attributes[name])}"'
                       for name in STAND_IN_ATTRIBUTES if attributes.get(name) is not None)
        parts.append(Segment(id_, source, f"<{tag}{kept}>", end_tag, references))
        position = end
    parts.append(text[position:])
    if "".join(part.source if isinstance(part, Segment) else part for part in parts) != text:
        return None
    return SplitHtml(tuple(parts))


def stand_in(segment: Segment, footprint: Footprint, wanted: frozenset[str]) -> str:
    """`segment` as empty pages, with the anchors of `wanted` where they are."""
    pages = []
    for number, anchors in enumerate(footprint):
        spans = "".join(f'<span id="{html_text.escape(anchor)}"></span>'
                        for anchor in anchors if anchor in wanted and anchor != segment.id)
        style = "height: 1px" if number == 0 else "break-before: page; height: 1px"
        pages.append(f'<div style="{style}">{spans}</div>')
    return segment.stand_in_tag + "".join(pages) + segment.end_tag


def in_stand_in_document(split: SplitHtml, segment: Segment, footprints: dict[str, Footprint],
                         all_pages: bool = False) -> list[Segment]:
    """The segments of `segment`'s stand-in document: all before it, and after
    it the next one (where its last page breaks) and any it refers to; all
    of them if the page total is used (`all_pages`)."""
    segments = split.segments
    index = segments.index(segment)
    last = len(segments) - 1 if all_pages else max(
        [index + 1] + [number for number, other in enumerate(segments[index + 1:], index + 1)
                       if any(anchor in segment.references
                              for anchors in footprints[other.id] for anchor in anchors)])
    return segments[:last + 1]


def stand_in_document(split: SplitHtml, segment: Segment, footprints: dict[str, Footprint],
                      all_pages: bool = False) -> str:
    """The HTML in which `segment` is laid out alone: the others stand in."""
    kept = {other.id for other in in_stand_in_document(split, segment, footprints, all_pages)}
    return "".join(
        part if isinstance(part, str)
        else part.source if part.id == segment.id
        else stand_in(part, footprints[part.id], segment.references) if part.id in kept
        else ""
        for part in split.parts)


# ---------------------------------------------------------------- the layout


@dataclass
class LaidOutSegment:
    pages: list  # weasyprint Page objects
    footprint: Footprint
    warnings: list[str]
    shell: object  # an empty copy of the WeasyPrint document: metadata, font configuration


@dataclass
class LayoutReport:
    """What the last `render()` did, for the watch line and the tests."""
    whole: bool = True  # the whole HTML was laid out
    laid_out: list[str] = field(default_factory=list)  # segments laid out alone
    reused: list[str] = field(default_factory=list)
    reason: str = "first layout"  # why the whole HTML was laid out


class SegmentedLayout:
    """Lays out one issue's HTML again and again, reusing unchanged segments' pages."""

    def __init__(self, base: Path, font_config):
        self.base = base
        self.font_config = font_config
        self.independent = True  # False once a layout showed segments depend on each other
        self.all_pages = False  # True when the page total (counter(pages)) is used
        self.report = LayoutReport()
        self._cache: dict[str, LaidOutSegment] = {}  # stand-in document → its layout
        self._footprints: dict[str, Footprint] = {}  # of the last layout

    def render(self, html: str) -> Rendering:
        split = split_html(html)
        if split is None:
            return self._render_whole(html, split, "the HTML's body could not be cut into segments")
        if not self.independent:
            return self._render_whole(html, split, "segments depend on each other")
        segments = split.segments
        if not self._footprints or any(s.id not in self._footprints for s in segments):
            return self._render_whole(html, split, "first layout")
        footprints = dict(self._footprints)
        misses = [s for s in segments if self._document(split, s, footprints) not in self._cache]
        if len(misses) > len(segments) // 2:
            return self._render_whole(html, split, f"{len(misses)} segments changed")

        report = LayoutReport(whole=False, reason="")
        for _ in range(MAX_PASSES):
            used: dict[str, tuple[str, LaidOutSegment]] = {}
            for segment in segments:
                document = self._document(split, segment, footprints)
                laid_out = self._cache.get(document)
                if laid_out is None:
                    laid_out, problem = self._render_segment(document, split, segment, footprints)
                    if laid_out is None:
                        # WeasyPrint's errors (problem None) are reported by the whole layout.
                        self.independent = problem is None
                        return self._render_whole(html, split, problem or "WeasyPrint errors")
                    self._cache[document] = laid_out
                    if segment.id not in report.laid_out:
                        report.laid_out.append(segment.id)
                used[segment.id] = document, laid_out
                footprints[segment.id] = laid_out.footprint
            # Each segment was laid out among the others as they are now?
            if all(self._document(split, s, footprints) == used[s.id][0] for s in segments):
                break
        else:
            return self._render_whole(html, split, "page counts did not settle")

        report.reused = [s.id for s in segments if s.id not in report.laid_out]
        self.report = report
        self._footprints = footprints
        self._cache = {document: laid_out for document, laid_out in used.values()}
        layouts = [laid_out for _, laid_out in used.values()]
        pages = [page for laid_out in layouts for page in laid_out.pages]
        rendering = Rendering(layouts[0].shell.copy(pages),
                              list(dict.fromkeys(w for l in layouts for w in l.warnings)))
        rendering.html = html
        return rendering

    def _document(self, split: SplitHtml, segment: Segment, footprints) -> str:
        return stand_in_document(split, segment, footprints, self.all_pages)

    # -- the two ways of laying out

    def _render_whole(self, html: str, split: SplitHtml | None, reason: str) -> Rendering:
        rendering = render(html, self.base, font_config=self.font_config)
        _keep_colour_profiles(rendering.document)
        rendering.html = html
        self.report = LayoutReport(whole=True, reason=reason)
        self._cache, self._footprints = {}, {}
        if split is None or rendering.errors or rendering.warnings or not self.independent:
            return rendering  # next time, the whole HTML again
        segments = split.segments
        pages = rendering.document.pages
        starts = [_first_page(pages, segment.id) for segment in segments]
        if None in starts or starts[:1] != [0] or starts != sorted(set(starts)):
            self.independent = False
            self.report.reason = f"{reason}; segments do not each start a page"
            return rendering
        ranges = dict(zip((s.id for s in segments), zip(starts, starts[1:] + [len(pages)])))
        owners = _owners(pages, segments)
        for segment in segments:
            first, end = ranges[segment.id]
            if problem := _dependence(pages[first:end], segment.id, owners):
                self.independent = False
                self.report.reason = f"{reason}; segments not independent: {problem}"
                return rendering
        self.all_pages = _uses_page_total(pages)
        anchors = _new_anchors(pages)
        footprints = {id_: tuple(anchors[first:end]) for id_, (first, end) in ranges.items()}
        shell = rendering.document.copy([])
        for segment in segments:
            first, end = ranges[segment.id]
            document = self._document(split, segment, footprints)
            self._cache[document] = LaidOutSegment(pages[first:end], footprints[segment.id],
                                                   [], shell)
        self._footprints = footprints
        return rendering

    def _render_segment(self, document: str, split: SplitHtml, segment: Segment,
                        footprints: dict[str, Footprint]
                        ) -> tuple[LaidOutSegment | None, str | None]:
        """`segment` laid out in its stand-in document, or None and why that is not exact.

        On WeasyPrint errors the answer is (None, None): the whole HTML is
        laid out and reports them.
        """
        rendering = render(document, self.base, font_config=self.font_config)
        _keep_colour_profiles(rendering.document)
        if rendering.errors:
            return None, None
        pages = rendering.document.pages
        segments = split.segments
        index = [s.id for s in segments].index(segment.id)
        first = sum(len(footprints[s.id]) for s in segments[:index])
        following = segments[index + 1:]
        end = _first_page(pages, following[0].id) if following else len(pages)
        if _first_page(pages, segment.id) != first or end is None or end <= first:
            return None, f"segment '{segment.id}' did not start on its page alone"
        # The stand-ins must be exactly where they were, with the anchors wanted.
        expected: list[set[str]] = []
        for other in in_stand_in_document(split, segment, footprints, self.all_pages):
            if other.id == segment.id:
                expected += [None] * (end - first)
                continue
            for number, anchors in enumerate(footprints[other.id]):
                wanted = {a for a in anchors if a in segment.references}
                expected.append(wanted | {other.id} if number == 0 else wanted)
        anchors = _new_anchors(pages)
        if len(expected) != len(pages) or any(
                want is not None and set(new) != want for want, new in zip(expected, anchors)):
            return None, f"the stand-ins around segment '{segment.id}' moved"
        owners = _owners(pages, [segment])
        outside = pages[:first] + pages[end:]
        if any(owners.get(box.element) for box in _boxes(outside)):
            # a footnote, float or running element carried over to another page
            return None, f"segment '{segment.id}' spilled onto other pages"
        if problem := _dependence(pages[first:end], segment.id, owners):
            return None, problem
        footprint = tuple(anchors[first:end])
        return LaidOutSegment(pages[first:end], footprint, rendering.warnings,
                              rendering.document.copy([])), None


class _ColourProfile:
    """A WeasyPrint ColorProfile, its bytes taken once.

    The pages of a laid-out document are written again at every build; Pillow
    encodes an ICC profile differently after its first `tobytes()`, which would
    make the same pages give a different PDF the second time.
    """

    def __init__(self, profile):
        self.content = profile.content
        self.components = profile.components
        self.name = profile.name
        self.rendering_intent = profile.rendering_intent
        self.src = profile.src
        self.pdf_reference = None


def _keep_colour_profiles(document) -> None:
    for name, profile in document.color_profiles.items():
        document.color_profiles[name] = _ColourProfile(profile)


# ------------------------------------------------------------------- checks


def _first_page(pages, anchor: str) -> int | None:
    return next((number for number, page in enumerate(pages) if anchor in page.anchors), None)


def _new_anchors(pages) -> list[tuple[str, ...]]:
    """For each page, the anchors that first appear on it (a box split over
    pages has its anchor on each; references go to the first)."""
    seen: set[str] = set()
    anchors = []
    for page in pages:
        anchors.append(tuple(name for name in page.anchors if name not in seen))
        seen.update(page.anchors)
    return anchors


def _boxes(pages) -> Iterator:
    for page in pages:
        yield from page._page_box.descendants()


def _owners(pages, segments: Iterable[Segment]) -> dict:
    """Element → id of the segment it belongs to, for the segments' elements."""
    wanted = {segment.id for segment in segments}
    owners = {}
    for box in _boxes(pages):
        element = box.element
        if element is not None and element.get("id") in wanted and element not in owners:
            for descendant in element.iter():
                owners[descendant] = element.get("id")
    return owners


def _dependence(pages, segment_id: str, owners: dict) -> str | None:
    """Why the pages of `segment_id` might depend on other segments, or None."""
    root_resets: set[str] = set()
    used: set[str] = set()
    for box in _boxes(pages):
        owner = owners.get(box.element)
        if owner is not None and owner != segment_id:
            return f"boxes of '{owner}' on the pages of '{segment_id}'"
        style = box.style
        if owner == segment_id and box.element.get("id") == segment_id:
            for name, _ in _counter_list(style["counter_reset"]) + _counter_list(style["counter_set"]):
                root_resets.add(name)
        if style["string_set"] != "none":
            return "string-set"
        for name, _ in _counter_list(style["counter_increment"]) + _counter_list(style["counter_set"]):
            used.add(name)
        if style["float"] == "footnote":
            used.add("footnote")
        content = style["content"]
        if isinstance(content, tuple):
            for kind, value in content:
                if kind.startswith("target-text"):
                    return "target-text()"
                if kind.startswith("target-counter") and value[1] != "page":
                    return f"target-counter() of '{value[1]}'"
                if kind in ("counter()", "counters()"):
                    used.add(value[0])
    outside = used - root_resets - CONTAINED_COUNTERS
    return f"counters {sorted(outside)} run across segments" if outside else None


def _uses_page_total(pages) -> bool:
    """Whether any content shows the page total, counter(pages)."""
    for box in _boxes(pages):
        content = box.style["content"]
        if isinstance(content, tuple) and any(
                kind in ("counter()", "counters()") and value[0] == "pages"
                for kind, value in content):
            return True
    return False


def _counter_list(value) -> list:
    return list(value) if isinstance(value, tuple) else []
