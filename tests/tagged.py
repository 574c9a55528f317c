"""Reading a tagged PDF back for the tests: its structure tree and its marked content.

The structure tree is read with pypdf, the text and images of each marked-
content sequence with PDFium, from the PDF alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf.generic import ArrayObject, DictionaryObject

from caipdf.pdf.accessibility import object_marks, object_text


@dataclass(eq=False)
class Element:
    tag: str  # "P", "Link", …
    entries: DictionaryObject  # the StructElem's own dictionary
    kids: list = field(default_factory=list)  # Element | ("mcid", page, mcid) | ("objr", annotation)

    def walk(self):
        yield self
        for kid in self.kids:
            if isinstance(kid, Element):
                yield from kid.walk()

    def find(self, tag: str) -> list[Element]:
        return [element for element in self.walk() if element.tag == tag]

    def content(self):
        """(page, mcid) of the marked content under this element, in order."""
        for kid in self.kids:
            if isinstance(kid, Element):
                yield from kid.content()
            elif kid[0] == "mcid":
                yield kid[1], kid[2]

    def text(self, marked: dict) -> str:
        return "".join(marked.get(key, "") for key in self.content())

    def annotations(self) -> list[DictionaryObject]:
        return [kid[1] for kid in self.kids if not isinstance(kid, Element) and kid[0] == "objr"]


def structure_tree(pdf: Path) -> Element:
    """The Document element."""
    reader = pypdf.PdfReader(str(pdf))
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    [document] = root["/K"]
    return _element(document.get_object(), pages)


def _element(entries: DictionaryObject, pages: dict) -> Element:
    element = Element(str(entries["/S"])[1:], entries)
    page = pages.get(entries.raw_get("/Pg").idnum) if "/Pg" in entries else None
    kids = entries.get("/K", [])
    for kid in kids if isinstance(kids, ArrayObject) else [kids]:
        kid_object = kid.get_object()
        if not isinstance(kid_object, DictionaryObject):
            element.kids.append(("mcid", page, int(kid_object)))
        elif kid_object.get("/Type") == "/OBJR":
            element.kids.append(("objr", kid_object["/Obj"].get_object()))
        elif kid_object.get("/Type") == "/MCR":
            element.kids.append(("mcid", pages[kid_object.raw_get("/Pg").idnum],
                                 int(kid_object["/MCID"])))
        else:
            element.kids.append(_element(kid_object, pages))
    return element


@dataclass
class MarkedObject:
    page: int
    kind: str  # "text", "image", "path"
    mcid: int  # -1 where it is not in a structure element's marked content
    marks: list[str]  # the marked-content tags around it, outermost first
    text: str = ""


def marked_objects(pdf: Path) -> list[MarkedObject]:
    """Every text, image and path object of every page, with its marks."""
    kinds = {pdfium_c.FPDF_PAGEOBJ_TEXT: "text", pdfium_c.FPDF_PAGEOBJ_IMAGE: "image",
             pdfium_c.FPDF_PAGEOBJ_PATH: "path"}
    found = []
    document = pdfium.PdfDocument(str(pdf))
    for number, page in enumerate(document):
        textpage = page.get_textpage()
        for obj in page.get_objects(max_depth=5):
            kind = kinds.get(obj.type)
            if kind is None:
                continue
            text = object_text(obj.raw, textpage.raw) if kind == "text" else ""
            found.append(MarkedObject(number, kind, pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw),
                                      object_marks(obj.raw), text))
    return found


def marked_texts(pdf: Path) -> dict[tuple[int, int], str]:
    """(page, mcid) → the text drawn in that marked content."""
    texts: dict[tuple[int, int], str] = {}
    for obj in marked_objects(pdf):
        if obj.kind == "text" and obj.mcid >= 0:
            texts[obj.page, obj.mcid] = texts.get((obj.page, obj.mcid), "") + obj.text.strip()
    return texts
