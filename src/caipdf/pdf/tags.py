"""The screen edition's structure tree, as PDF/UA-1 and WCAG 2.2 ask for it.

WeasyPrint tags a PDF from its boxes, page by page: an article split over
three pages is three Art elements, every run of text is its own Span, a
column is a Div, the footnote area and the margin boxes float outside the
articles, and every box inside a link gets a link annotation of its own.
`restructure` rewrites that tree, using the HTML element each structure
element was made from (noted by caipdf.render.tag_sources), into:

- one Art per article, in reading order: its columns one after the other,
  across its pages, a paragraph that a column or page splits one P;
- headings, paragraphs, lists (L/LI/Lbl/LBody), tables (TH with /Scope) and
  captions as WeasyPrint tags them, without the Divs, NonStructs and bare
  Spans between them (WCAG's "redundant span");
- each link a Link holding its one annotation (OBJR) and its text, the
  annotation's /Contents saying where it goes: the link's title attribute,
  else its own words, else, where the words are the address, the article's
  title;
- a footnote call a Reference, its footnote a Note with an /ID, placed
  right after the block that calls it;
- `role="img"` elements (placeholder frames) a Figure whose /Alt is their
  aria-label; `alt=""` images and `aria-hidden` elements artifacts;
- `lang` attributes as /Lang; an <address> (a colophon's contact) a P;
- margin-box content — running footer, page numbers — page furniture
  (artifacts), except a <footer> (the colophon), which is read after the
  article of its page.

Marked content that ends up in no structure element is turned into an
Artifact in the page's content stream, so nothing is left unaccounted for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pydyf

from caipdf.render.tag_sources import SOURCE

FLATTENED = {"/NonStruct", "/Div"}  # layout, not meaning: their children take their place
HTML_ROLES = {"address": "/P"}  # HTML elements WeasyPrint leaves NonStruct that are more
# Where a footnote goes: after the block that calls it, or at the end of the
# list item's body or table cell (a list or a row holds nothing else).
BLOCKS = {"/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/Caption", "/BlockQuote"}
CELLS = {"/LBody", "/TD", "/TH"}
URL = re.compile(r"^\s*(https?:|mailto:|www\.)\S*\s*$")
MARKED_CONTENT = re.compile(r"^/\w+$")


@dataclass(eq=False)
class Content:
    """Marked content `mcid` of the page `page` (its reference)."""

    page: bytes
    mcid: int


@dataclass(eq=False)
class Annotation:
    objr: pydyf.Dictionary  # the OBJR dictionary
    annotation: pydyf.Dictionary


@dataclass(eq=False)
class Node:
    element: pydyf.Dictionary  # the StructElem
    kids: list = field(default_factory=list)  # Node | Content | Annotation
    box: object = None  # the WeasyPrint box it was made from, if any

    @property
    def html(self):
        """The HTML element (xml.etree) it was made from, if any."""
        return self.box.element if self.box is not None else None

    @property
    def html_tag(self) -> str | None:
        """E.g. "p", "span::footnote-call"."""
        return self.box.element_tag if self.box is not None else None

    @property
    def role(self) -> str:
        return str(self.element["S"])

    def attribute(self, name: str) -> str | None:
        """An attribute of the HTML element itself (not of a pseudo-element of it)."""
        if self.html is None or "::" in (self.html_tag or ""):
            return None
        return self.html.get(name)

    @property
    def html_classes(self) -> set[str]:
        return set((self.html.get("class") or "").split()) if self.html is not None else set()

    def walk(self):
        yield self
        for kid in self.kids:
            if isinstance(kid, Node):
                yield from kid.walk()


def restructure(pdf: pydyf.PDF) -> None:
    tree = _Tree(pdf)
    tree.read()
    document = tree.document
    _drop_nested_annotations(document)
    _drop_artifacts(document)
    _give_roles(document, tree)
    document.kids = _flatten(document.kids)
    _lift_labels(document)
    _place_notes(document)
    _merge_fragments(document)
    _drop_repeated_table_headers(document)
    _describe_links(document)
    tree.write()


# -- the transformations ---------------------------------------------------------

def _drop_nested_annotations(node: Node, in_link: bool = False) -> None:
    """WeasyPrint gives each box inside a link an annotation of its own (the
    link's spans, their pseudo-elements, tagged Link themselves when they are
    the link's ::before): the link's own annotation covers them, so only
    that one stays, and what is inside a Link is a Span."""
    if in_link and node.role == "/Link":
        node.element["S"] = "/Span"
    for kid in list(node.kids):
        if isinstance(kid, Annotation) and node.role != "/Link":
            node.kids.remove(kid)
        elif isinstance(kid, Node):
            _drop_nested_annotations(kid, in_link or node.role == "/Link")


def _drop_artifacts(node: Node) -> None:
    node.kids = [kid for kid in node.kids if not (isinstance(kid, Node) and _is_artifact(kid))]
    for kid in node.kids:
        if isinstance(kid, Node):
            _drop_artifacts(kid)


def _is_artifact(node: Node) -> bool:
    if node.attribute("aria-hidden") == "true":
        return True
    return node.html_tag == "img" and node.attribute("alt") == ""  # a decorative photo


def _give_roles(document: Node, tree: _Tree) -> None:
    notes = 0
    for node in document.walk():
        element = node.element
        if node.html_tag in HTML_ROLES:
            element["S"] = HTML_ROLES[node.html_tag]
        if node.attribute("role") == "img":
            element["S"] = "/Figure"
            element["Alt"] = pydyf.String(node.attribute("aria-label")
                                          or " ".join(" ".join(node.html.itertext()).split()))
        if node.role == "/Figure":  # WeasyPrint's own BBox is in CSS pixels, y down
            element["A"] = pydyf.Dictionary({"O": "/Layout", "BBox": tree.bbox(node)})
        elif node.html_tag in ("li::before", "li::marker"):
            element["S"] = "/Lbl"
        elif node.html_tag == "span::footnote-call":
            element["S"] = "/Reference"
        elif node.html_tag == "span" and "footnote" in node.html_classes:
            notes += 1
            element["S"] = "/Note"
            element["ID"] = pydyf.String(f"note-{notes}")
        if lang := node.attribute("lang"):
            element["Lang"] = pydyf.String(lang)
        if node.role == "/TH" and (scope := node.attribute("scope")):
            element["A"]["Scope"] = "/Row" if scope == "row" else "/Column"


def _flatten(kids: list) -> list:
    """`kids` with every layout-only element replaced by its own kids."""
    flat = []
    for kid in kids:
        if isinstance(kid, Node):
            kid.kids = _flatten(kid.kids)
            if _is_layout_only(kid):
                flat.extend(kid.kids)
                continue
        flat.append(kid)
    return flat


def _is_layout_only(node: Node) -> bool:
    if node.role in FLATTENED:
        return True
    return node.role == "/Span" and not any(key in node.element for key in ("Lang", "Alt",
                                                                           "ActualText"))


def _lift_labels(document: Node) -> None:
    """A list item's bullet (its ::before) ends up inside its body: it goes
    before it, as LI = Lbl + LBody."""
    for item in document.walk():
        if item.role != "/LI":
            continue
        for body in [kid for kid in item.kids if isinstance(kid, Node) and kid.role == "/LBody"]:
            labels = [kid for kid in body.kids if isinstance(kid, Node) and kid.role == "/Lbl"]
            for label in labels:
                body.kids.remove(label)
                item.kids.insert(item.kids.index(body), label)


def _place_notes(document: Node) -> None:
    """Each Note goes right after the block (paragraph, list item …) that calls it."""
    notes = [kid for kid in document.kids if isinstance(kid, Node) and kid.role == "/Note"]
    for note in notes:
        found = _block_calling(document, note.html)
        if found is None:
            continue
        parent, block = found
        document.kids.remove(note)
        if block.role in CELLS:
            block.kids.append(note)
            continue
        position = parent.kids.index(block) + 1
        while position < len(parent.kids) and getattr(parent.kids[position], "role", "") == "/Note":
            position += 1  # after the block's earlier notes
        parent.kids.insert(position, note)


def _block_calling(node: Node, footnote, block: tuple | None = None) -> tuple | None:
    for kid in node.kids:
        if not isinstance(kid, Node):
            continue
        here = (node, kid) if kid.role in BLOCKS | CELLS else block
        if kid.role == "/Reference" and kid.html is footnote:
            return here
        if found := _block_calling(kid, footnote, here):
            return found
    return None


def _merge_fragments(node: Node) -> None:
    """WeasyPrint makes an element for each piece of a box that a page, a
    column or a line splits: one Art per page of an article, one P per
    column of a paragraph, one Span per line. Pieces side by side become one
    element again. Links stay apart: each holds its own annotation."""
    merged: list = []
    for kid in node.kids:
        previous = merged[-1] if merged else None
        if (isinstance(kid, Node) and isinstance(previous, Node) and kid.html is not None
                and kid.html is previous.html and kid.role == previous.role != "/Link"):
            previous.kids.extend(kid.kids)
        else:
            merged.append(kid)
    node.kids = merged
    for kid in node.kids:
        if isinstance(kid, Node):
            _merge_fragments(kid)


def _drop_repeated_table_headers(node: Node) -> None:
    """A table that runs over columns or pages repeats its header row in each
    (CSS `thead`), so its merged Table holds a THead per piece: PDF/UA allows
    one. The first is the header; the repeats are page furniture, and leaving
    the tree makes them Artifacts (see `_Tree.write`)."""
    if node.role == "/Table":
        repeats = {id(kid) for kid in node.kids
                   if isinstance(kid, Node) and kid.role == "/THead"}
        first = next((kid for kid in node.kids if id(kid) in repeats), None)
        repeats.discard(id(first))
        node.kids = [kid for kid in node.kids if id(kid) not in repeats]
    for kid in node.kids:
        if isinstance(kid, Node):
            _drop_repeated_table_headers(kid)


def _describe_links(document: Node) -> None:
    for article in document.kids:
        if not isinstance(article, Node):
            continue
        title = article.attribute("data-toc")
        for node in article.walk():
            if node.role != "/Link" or node.html is None:
                continue
            description = node.html.get("title") or _words(node.html)
            if URL.match(description) and title:
                description = title
            for kid in node.kids:
                if isinstance(kid, Annotation) and description:
                    kid.annotation["Contents"] = pydyf.String(description)


def _words(html) -> str:
    return " ".join("".join(html.itertext()).split())


# -- reading and writing the tree -------------------------------------------------

class _Tree:
    """WeasyPrint's structure tree as Nodes, and those Nodes back as the PDF's."""

    def __init__(self, pdf: pydyf.PDF):
        self.pdf = pdf
        self.root = self._object(pdf.catalog["StructTreeRoot"])
        self.document: Node | None = None

    def bbox(self, node: Node) -> pydyf.Array:
        """The box's border box on its page, in PDF coordinates (y up)."""
        box = node.box
        _, _, _, page_height = self._object(node.element["Pg"])["MediaBox"]
        scale = 0.75  # PDF points per CSS pixel
        left, top = box.border_box_x() * scale, box.border_box_y() * scale
        right = left + box.border_width() * scale
        bottom = top + box.border_height() * scale
        return pydyf.Array([round(value, 2) for value in
                            (left, page_height - bottom, right, page_height - top)])

    def _object(self, reference: bytes):
        return self.pdf.objects[int(reference.split()[0])]

    def read(self) -> None:
        [document_reference] = self.root["K"]
        element = self._object(document_reference)
        self.document = self._node(element)
        self.document.kids = [self._read(self._object(kid), element) for kid in element["K"]]
        # The margin boxes' trees: WeasyPrint builds them but leaves them out.
        in_document = {id(self._object(kid)) for kid in element["K"]}
        last_article_of_page = {}
        for kid in self.document.kids:
            if isinstance(kid, Node):
                last_article_of_page[kid.element["Pg"]] = kid
        for obj in self.pdf.objects:
            if (isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem"
                    and obj.get("P") == document_reference and id(obj) not in in_document
                    and getattr(getattr(obj, SOURCE, None), "element_tag", None) == "footer"):
                article = last_article_of_page.get(obj["Pg"], self.document)
                article.kids.append(self._read(obj, element))

    @staticmethod
    def _node(element: pydyf.Dictionary) -> Node:
        return Node(element, [], getattr(element, SOURCE, None))

    def _read(self, element: pydyf.Dictionary, parent) -> Node:
        node = self._node(element)
        for kid in element["K"]:
            if isinstance(kid, int):
                node.kids.append(Content(element["Pg"], kid))
                continue
            obj = self._object(kid)
            if obj.get("Type") == "/OBJR":
                node.kids.append(Annotation(obj, self._object(obj["Obj"])))
            else:
                node.kids.append(self._read(obj, element))
        return node

    def write(self) -> None:
        pages = self.pdf.page_references
        contents: dict[bytes, dict[int, bytes]] = {page: {} for page in pages}
        annotations: list[tuple[pydyf.Dictionary, bytes]] = []

        def write(node: Node, parent: bytes) -> None:
            element = node.element
            element["P"] = parent
            element["K"] = pydyf.Array()
            for kid in node.kids:
                if isinstance(kid, Node):
                    write(kid, element.reference)
                    element["K"].append(kid.element.reference)
                elif isinstance(kid, Content):
                    contents[kid.page][kid.mcid] = element.reference
                    if kid.page == element.get("Pg"):
                        element["K"].append(kid.mcid)
                    else:
                        element["K"].append(pydyf.Dictionary(
                            {"Type": "/MCR", "Pg": kid.page, "MCID": kid.mcid}))
                else:
                    annotations.append((kid.annotation, element.reference))
                    element["K"].append(kid.objr.reference)

        write(self.document, self.root.reference)
        nums = pydyf.Array()
        for number, page in enumerate(pages):
            mapped = contents[page]
            nums.extend([number, pydyf.Array(
                [mapped.get(mcid, b"null") for mcid in range(max(mapped, default=-1) + 1)])])
            self._mark_artifacts(self._page(page), set(mapped))
        kept = {id(annotation) for annotation, _ in annotations}
        for page in pages:
            page_dict = self._object(page)
            if "Annots" in page_dict:
                page_dict["Annots"] = pydyf.Array(
                    [ref for ref in page_dict["Annots"] if id(self._object(ref)) in kept])
                if not page_dict["Annots"]:
                    del page_dict["Annots"]
        for key, (annotation, parent) in enumerate(annotations, start=len(pages)):
            annotation["StructParent"] = key
            nums.extend([key, parent])
        self._object(self.root["ParentTree"])["Nums"] = nums
        self.root["ParentTreeNextKey"] = len(pages) + len(annotations)

    def _page(self, page: bytes) -> pydyf.Stream:
        return self._object(self._object(page)["Contents"])

    @staticmethod
    def _mark_artifacts(stream: pydyf.Stream, tagged: set[int]) -> None:
        """Marked content no structure element holds becomes an Artifact."""
        chunks = stream.stream
        out = []
        index = 0
        while index < len(chunks):
            chunk = chunks[index]
            if (isinstance(chunk, str) and MARKED_CONTENT.match(chunk) and index + 2 < len(chunks)
                    and isinstance(chunks[index + 1], pydyf.Dictionary)
                    and "MCID" in chunks[index + 1] and chunks[index + 2] == b"BDC"
                    and chunks[index + 1]["MCID"] not in tagged):
                out += ["/Artifact", b"BMC"]
                index += 3
                continue
            out.append(chunk)
            index += 1
        stream.stream = out
