"""From YAML to a validated `Issue`, with every mistake reported at once."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from caipdf.errors import CaipdfError, Location, Problem
from caipdf.structure import inline
from caipdf.structure.fields import BLOCKS
from caipdf.structure.fields import keys as fields_of
from caipdf.structure.model import (
    Article, BulletList, Cell, Colophon, Contact, Figure, Heading, InfoBox, Issue,
    ContentsEntry, KeyFigure, KeyFigures, Paragraph, PastVolume, Quote, Series, Table,
)
from caipdf.structure.source import Located, read_bytes, read_yaml

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# An HTML tag or character reference; <https://…> autolinks are not tags.
RAW_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>|&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")


def load_issue(path: Path) -> Issue:
    """Read and validate the issue file at `path`; raise CaipdfError listing every problem."""
    volume = load_volume(path)
    if isinstance(volume, PastVolume):
        raise CaipdfError(Problem(Location(Path(path), 1, 1),
                                  f"{Path(path).name} declares a past volume kept as printed "
                                  f"({volume.pdf_path}): there is nothing to typeset",
                                  "archive it with 'caipdf archive', or write its articles "
                                  "instead of 'pdf:' (docs/format.md)"))
    return volume


def load_volume(path: Path) -> Issue | PastVolume:
    """An issue to typeset, or a past volume kept as printed (its file says `pdf:`)."""
    path = Path(path)
    reader = _Reader(path)
    data = read_bytes(path)  # read once: what is laid out is what gets attached and hashed
    root = read_yaml(path, data)
    if isinstance(root.value, dict) and "pdf" in root.value:
        volume = reader.past_volume(root)
    else:
        volume = reader.issue(root)
    volume.source_bytes = data
    if reader.problems:
        raise CaipdfError(reader.problems)
    return volume


class _Reader:
    def __init__(self, path: Path):
        self.path = path
        self.base = path.parent
        self.problems: list[Problem] = []
        self.texts: list[tuple[str, Location]] = []  # every string read, for glyph checks
        self.reference_locations: dict[int, Location] = {}  # id(inline node) → its text
        self.footnotes_in_unreadable_text: set[str] = set()  # keys called in text with errors

    # -- reporting and basic types ------------------------------------------------

    def error(self, where: Located | Location | None, message: str, hint: str = "") -> None:
        location = where.location if isinstance(where, Located) else where
        self.problems.append(Problem(location, message, hint))

    def mapping(self, node: Located, what: str, required: set[str], optional: set[str]) -> dict:
        if not isinstance(node.value, dict):
            self.error(node, f"{what} must be a mapping of keys to values, "
                       f"not {_describe(node.value)}", "write it as 'key: value' lines")
            return {}
        known = required | optional
        misspelt = set()
        for key in node.value:
            if key not in known:
                where = node.value.key_locations[key]
                close = _suggest(str(key), known - set(node.value))
                misspelt.add(close)
                hint = (f"did you mean '{close}'?" if close
                        else f"the keys of {what} are: {', '.join(sorted(known))}")
                self.error(where, f"unknown key '{key}' in {what}", hint)
        for key in sorted(required - set(node.value) - misspelt):
            self.error(node, f"{what} has no '{key}'", f"add '{key}:' (see docs/format.md)")
        return node.value

    def string(self, node: Located | None, what: str) -> str | None:
        if node is None:
            return None
        if isinstance(node.value, bool) or not isinstance(node.value, (str, int, float)):
            self.error(node, f"{what} must be text, not {_describe(node.value)}",
                       "write it as a single line of text")
            return None
        value = str(node.value)
        self.texts.append((value, node.location))
        return value

    def text(self, node: Located | None, what: str) -> list | None:
        """An inline-markup text, parsed into nodes."""
        value = self.string(node, what)
        if value is None:
            return None
        if match := RAW_HTML.search(value):
            self.error(node, f"{what} contains raw HTML '{match[0]}'",
                       "write plain text; for emphasis, links and notes use the inline "
                       "markup of docs/format.md (**…**, [text](url), [^note])")
            return None
        try:
            nodes = inline.parse(value)
        except inline.InlineSyntaxError as error:
            for problem in error.problems:
                self.error(node, f"{what}: {problem}", problem.hint)
            # its footnote calls are not lost, only unread: no "never referred to" for them
            self.footnotes_in_unreadable_text.update(re.findall(r"\[\^([A-Za-z0-9_-]+)\]", value))
            return None
        for reference in _walk(nodes, (inline.FootnoteRef, inline.PageRef)):
            self.reference_locations[id(reference)] = node.location
        for link in _walk(nodes, inline.Link):
            self.check_url(link.url, node)
        return nodes

    def check_url(self, url: str, node: Located) -> None:
        """Links lead to the web or to e-mail; a relative or file: link would
        point into the machine that built the PDF."""
        if not re.match(r"^(https?://[^\s/]+|mailto:[^\s@]+@)", url):
            self.error(node, f"the link '{url}' is not a web address or e-mail address",
                       "write a full address starting with http://, https:// or mailto:")

    def url(self, node: Located | None, what: str) -> str | None:
        value = self.string(node, what)
        if value is not None:
            self.check_url(value, node)
        return value

    def integer(self, node: Located | None, what: str, low: int, high: int) -> int | None:
        if node is None:
            return None
        if isinstance(node.value, bool) or not isinstance(node.value, int):
            self.error(node, f"{what} must be a whole number, not {_describe(node.value)}",
                       f"write digits only, e.g. {what}: {max(low, 1)}")
            return None
        if not low <= node.value <= high:
            self.error(node, f"{what} is {node.value}, outside {low}–{high}",
                       f"give a number from {low} to {high}")
            return None
        return node.value

    def sequence(self, node: Located | None, what: str) -> list[Located]:
        if node is None:
            return []
        if not isinstance(node.value, list):
            self.error(node, f"{what} must be a list, not {_describe(node.value)}",
                       "write each item on its own line starting with '- '")
            return []
        return node.value

    # -- the issue -------------------------------------------------------------

    def issue(self, root: Located) -> Issue:
        top = self.mapping(root, "the issue", *fields_of("issue"))
        series = self.series(top.get("series"))
        volume = self.integer(top.get("volume"), "volume", 1, 9999)
        year, month = self.issued(top.get("issued"))
        pages = self.integer(top.get("pages"), "pages", 1, 999)
        cover_line = self.text(top.get("cover_line"), "cover_line")
        cover = top.get("cover_image")
        cover_image = None
        if cover is not None:
            values = self.mapping(cover, "cover_image", *fields_of("cover_image"))
            cover_image = self.figure(values.get("image"), values, cover, span="cover")
        colophon = self.colophon(top.get("colophon"))
        articles = self.articles(top.get("articles"), pages or 0)
        return Issue(self.path, series, volume, year, month, pages, cover_line or [],
                     cover_image, colophon, articles, texts=self.texts)

    # -- a past volume, kept as printed ---------------------------------------------

    def past_volume(self, root: Located) -> PastVolume:
        top = self.mapping(root, "a past volume", *fields_of("past_volume"))
        pages = self.integer(top.get("pages"), "pages", 1, 999)
        year, month = self.issued(top.get("issued"))
        pdf_path, pdf = self.printed_pdf(top.get("pdf"), top.get("pages"), pages)
        return PastVolume(
            self.path, self.series(top.get("series")), self.integer(top.get("volume"), "volume", 1, 9999),
            year, month, pages, pdf, pdf_path,
            publisher=self.string(top.get("publisher"), "publisher"),
            contents=self.contents(top.get("contents"), pages or 0),
            producer=self.string(top.get("producer"), "producer"),
            cover_line=self.string(top.get("cover_line"), "cover_line"))

    def printed_pdf(self, node: Located | None, pages_node: Located | None,
                    pages: int | None) -> tuple[str, Path | None]:
        """The printed PDF, inside the issue's folder, readable, with the declared pages."""
        import pypdf

        path = self.string(node, "pdf")
        if path is None:
            return "", None
        file = self.base / path
        if Path(path).is_absolute() or ".." in Path(path).parts or "://" in path:
            self.error(node, f"the PDF '{path}' is outside the issue's folder",
                       "put the printed PDF in the issue's folder and give its path relative to it")
            return path, None
        if not file.is_file():
            self.error(node, f"the PDF '{path}' does not exist (looked for {file})",
                       "give the path of the printed PDF relative to the issue file")
            return path, None
        if not file.resolve().is_relative_to(self.base.resolve()):
            self.error(node, f"the PDF '{path}' is a link to {file.resolve()}, outside the issue's folder",
                       "copy the PDF into the issue's folder")
            return path, None
        try:
            found = len(pypdf.PdfReader(str(file)).pages)
        except Exception as error:  # pypdf raises many kinds for a damaged file
            self.error(node, f"the PDF '{path}' cannot be read ({type(error).__name__}: {error})",
                       "give the PDF as it was sent to print, not a damaged or encrypted copy")
            return path, None
        if pages is not None and found != pages:
            self.error(pages_node, f"pages is {pages}, but '{path}' has {found} pages",
                       f"write pages: {found}, or give the complete PDF")
        return path, file

    def contents(self, node: Located | None, pages: int) -> list[ContentsEntry]:
        items = self.sequence(node, "contents")
        if node is not None and not items:
            self.error(node, "the contents list is empty", "list each article as '- page: N' and 'title: …'")
        entries: list[ContentsEntry] = []
        for item in items:
            fields = self.mapping(item, "a contents entry", *fields_of("contents_entry"))
            page = self.integer(fields.get("page"), "page", 1, 999)
            title = self.string(fields.get("title"), "title")
            if page is None or title is None:
                continue
            if pages and page > pages:
                self.error(fields["page"], f"the contents entry '{title}' is on page {page}, "
                           f"but the volume has {pages} pages", "fix its 'page' or 'pages'")
            elif entries and page < entries[-1].page:
                self.error(fields["page"], f"the contents entry '{title}' (page {page}) comes "
                           f"after '{entries[-1].title}' (page {entries[-1].page})",
                           "list the contents in page order")
            entries.append(ContentsEntry(page, " ".join(title.split())))
        return entries

    def series(self, node: Located | None) -> Series | None:
        if node is None:
            return None
        values = self.mapping(node, "series", *fields_of("series"))
        return Series(*(self.string(values.get(key), f"series.{key}")
                        for key in ("initiative", "title", "title_ja")))

    def issued(self, node: Located | None) -> tuple[int | None, int | None]:
        if node is None:
            return None, None
        match = re.fullmatch(r"(\d{4})-(\d{2})", str(node.value))
        if not match or not 1 <= int(match[2]) <= 12:
            self.error(node, f"issued must be a year and month like 2020-03, not {node.value!r}",
                       "write the month of publication as YYYY-MM")
            return None, None
        return int(match[1]), int(match[2])

    def colophon(self, node: Located | None) -> Colophon | None:
        if node is None:
            return None
        values = self.mapping(node, "colophon", *fields_of("colophon"))
        contacts = []
        required, optional = fields_of("contact")
        for item in self.sequence(values.get("contacts"), "colophon.contacts"):
            contact = self.mapping(item, "a contact", required, optional)
            if required <= set(contact):
                contacts.append(Contact(**{
                    key: (self.url if key == "url" else self.string)(value, f"contact {key}")
                    for key, value in contact.items() if key in required | optional}))
        return Colophon(self.string(values.get("publisher"), "colophon.publisher"),
                        self.string(values.get("producer"), "colophon.producer"), contacts)

    # -- articles --------------------------------------------------------------

    def articles(self, node: Located | None, issue_pages: int) -> list[Article]:
        items = self.sequence(node, "articles")
        if node is not None and not items:
            self.error(node, "the issue has no articles", "add at least one article")
        articles: list[Article] = []
        seen: dict[str, Location] = {}
        for item in items:
            article = self.article(item)
            if article is None:
                continue
            if article.id in seen:
                self.error(item, f"two articles have the id '{article.id}'",
                           f"ids must be unique; the other is at line {seen[article.id].line}")
            seen[article.id] = article.location
            articles.append(article)
        self.check_page_plan(articles, issue_pages)
        self.check_references(articles)
        return articles

    def article(self, node: Located) -> Article | None:
        fields = self.mapping(node, "an article", *fields_of("article"))
        if not fields:
            return None
        article_id = self.string(fields.get("id"), "id")
        if article_id is not None and not ID_PATTERN.match(article_id):
            self.error(fields["id"], f"the id '{article_id}' has characters other than a–z, 0–9 and '-'",
                       "use lower-case letters, digits and hyphens")
        footnotes = self.footnotes(fields.get("footnotes"))
        blocks = [block for item in self.sequence(fields.get("blocks"), "blocks")
                  if (block := self.block(item)) is not None]
        # Under a misspelt key (block: for blocks:) the calls are unread, not missing.
        unread = bool(set(fields) - set().union(*fields_of("article")))
        self.number_footnotes(blocks, footnotes, check_unused=not unread)
        _pass_story_languages_on(blocks)
        return Article(
            id=article_id or "",
            page=self.integer(fields.get("page"), "page", 2, 999) or 0,  # page 1 is the cover
            last_page=0,
            toc=self.text(fields.get("toc"), "toc") or [],
            title=self.text(fields.get("title"), "title"),
            subtitle=self.text(fields.get("subtitle"), "subtitle"),
            blocks=blocks,
            location=node.location,
            author=self.text(fields.get("author"), "author"),
            lang=self.lang(fields.get("lang")),
        )

    def footnotes(self, node: Located | None) -> dict[str, tuple[list, Located]]:
        if node is None:
            return {}
        if not isinstance(node.value, dict):
            self.error(node, "footnotes must be a mapping of names to texts",
                       "write 'name: text' lines and refer to them as [^name]")
            return {}
        notes = {}
        for key, value in node.value.items():
            text = self.text(value, f"footnote '{key}'") or []
            if any(True for _ in _walk(text, inline.FootnoteRef)):
                self.error(value, f"footnote '{key}' refers to a footnote itself",
                           "a footnote cannot have footnotes: write the text out instead")
                text = []
            notes[key] = (text, value)
        return notes

    def number_footnotes(self, blocks: list, footnotes: dict, check_unused: bool = True) -> None:
        numbers: dict[str, int] = {}
        for ref in _walk(blocks, inline.FootnoteRef):
            if ref.key not in footnotes:
                self.error(self.reference_locations.get(id(ref)),
                           f"the text refers to footnote [^{ref.key}], which is not defined",
                           f"add '{ref.key}: …' under this article's footnotes")
                continue
            ref.again = ref.key in numbers
            numbers.setdefault(ref.key, len(numbers) + 1)
            ref.number = numbers[ref.key]
            ref.children = footnotes[ref.key][0]
        for key, (_, value) in footnotes.items():
            if check_unused and key not in numbers and key not in self.footnotes_in_unreadable_text:
                self.error(value, f"footnote '{key}' is never referred to",
                           f"refer to it with [^{key}] in the text, or remove it")

    def block(self, node: Located) -> object | None:
        if not isinstance(node.value, dict) or not node.value:
            self.error(node, f"a block must be a mapping such as 'p: text', not {_describe(node.value)}",
                       "start the block with its kind: lead, p, h2, h3, figure, list, table, "
                       "keyfigures, infobox or quote")
            return None
        kind = next(iter(node.value))
        if kind not in BLOCKS:
            close = _suggest(str(kind), BLOCKS)
            self.error(node.value.key_locations[kind], f"unknown block kind '{kind}'",
                       f"did you mean '{close}'?" if close
                       else f"the kinds are: {', '.join(sorted(BLOCKS))}")
            return None
        fields = self.mapping(node, f"a '{kind}' block", {kind}, set(BLOCKS[kind][1]))
        body = fields[kind]
        if kind in ("p", "lead"):
            return Paragraph(self.text(body, kind) or [], kind=kind,
                             lang=self.lang(fields.get("lang")))
        if kind == "quote":
            return Quote(self.text(body, kind) or [], span=self.span(fields.get("span")),
                         location=body.location,
                         attribution=self.text(fields.get("attribution"), "attribution"))
        if kind in ("h2", "h3"):
            heading_id = self.string(fields.get("id"), "id")
            if heading_id is not None and not ID_PATTERN.match(heading_id):
                self.error(fields["id"], f"the id '{heading_id}' has characters other than a–z, 0–9 and '-'",
                           "use lower-case letters, digits and hyphens")
            return Heading(self.text(body, kind) or [], level=int(kind[1]), id=heading_id,
                           label=self.string(fields.get("label"), "label"),
                           number=self.string(fields.get("number"), "number"),
                           location=fields.get("id", node).location,
                           author=self.text(fields.get("author"), "author"),
                           lang=self.lang(fields.get("lang")))
        if kind == "figure":
            return self.figure(body, fields, node)
        if kind == "list":
            return BulletList([self.text(item, "a list item") or []
                               for item in self.sequence(body, "list")],
                              title=self.text(fields.get("title"), "title"))
        if kind == "table":
            return self.table(body)
        if kind == "keyfigures":
            return self.keyfigures(body)
        return self.infobox(body)

    def figure(self, image: Located | None, fields: dict, node: Located,
               span: str | None = None) -> Figure | None:
        path = self.string(image, "figure image")
        if path is None:
            return None
        file = (self.base / path)
        if Path(path).is_absolute() or ".." in Path(path).parts or "://" in path:
            self.error(image, f"the image '{path}' is outside the issue's folder",
                       "put the image in the issue's folder and give its path relative to it")
            available = False
        else:
            available = file.is_file() and self.inside_folder(file, image)
        return Figure(path, file, available, self.text(fields.get("caption"), "caption") or [],
                      self.aspect(fields.get("aspect")), span or self.span(fields.get("span")),
                      image.location,
                      alt=self.string(fields.get("alt"), "alt"),
                      decorative=self.boolean(fields.get("decorative"), "decorative"),
                      credit=self.string(fields.get("credit"), "credit"),
                      focus=self.focus(fields.get("focus")),
                      fit=self.choice(fields.get("fit"), "fit", ("cover", "contain")),
                      accept_low_resolution=self.boolean(fields.get("accept_low_resolution"),
                                                         "accept_low_resolution"),
                      size=self.size(fields.get("size") if span != "cover" else None))

    def size(self, node: Located | None) -> tuple[float, float]:
        if node is None:
            return (1.0, 1.0)
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)%\s*[-–]\s*(\d+(?:\.\d+)?)%\s*", str(node.value))
        low, high = (float(match[1]) / 100, float(match[2]) / 100) if match else (0, 0)
        if not match or not 0.5 <= low <= 1 <= high <= 2:
            self.error(node, f"size must be a range of heights around 100% such as "
                       f"\"80%–120%\", not {node.value!r}",
                       "give the least and the most the frame's height may be, from 50% to 200%")
            return (1.0, 1.0)
        return (low, high)

    def boolean(self, node: Located | None, what: str) -> bool:
        if node is None:
            return False
        if not isinstance(node.value, bool):
            self.error(node, f"{what} must be true or false, not {_describe(node.value)}",
                       f"write {what}: true")
            return False
        return node.value

    def choice(self, node: Located | None, what: str, choices: tuple[str, ...]) -> str:
        value = self.string(node, what) or choices[0]
        if value not in choices:
            self.error(node, f"{what} is '{value}'", "write " + " or ".join(f"'{c}'" for c in choices))
            return choices[0]
        return value

    def focus(self, node: Located | None) -> tuple[float, float]:
        if node is None:
            return (0.5, 0.5)
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)%\s+(\d+(?:\.\d+)?)%\s*", str(node.value))
        if not match or float(match[1]) > 100 or float(match[2]) > 100:
            self.error(node, f"focus must be two percentages, across then down, not {node.value!r}",
                       'write it in quotes, e.g. focus: "50% 30%" (the centre is "50% 50%")')
            return (0.5, 0.5)
        return (float(match[1]) / 100, float(match[2]) / 100)

    def lang(self, node: Located | None) -> str | None:
        """The language a text is written in, where it says (ja or en)."""
        lang = self.string(node, "lang")
        if lang not in (None, "ja", "en"):
            self.error(node, f"lang is '{lang}'", "write 'en' for English or 'ja' for Japanese")
            return None
        return lang

    def inside_folder(self, file: Path, node: Located) -> bool:
        """Whether `file`, once its symbolic links are followed, is in the issue's
        folder; a link (or a linked folder) that leads out of it is an error."""
        real = file.resolve()
        if real.is_relative_to(self.base.resolve()):
            return True
        self.error(node, f"the image '{node.value}' is a link to {real}, outside the issue's folder",
                   "copy the image (or the folder) into the issue's folder, or link only "
                   "to places inside it")
        return False

    def span(self, node: Located | None) -> str:
        return self.choice(node, "span", ("column", "page"))

    def aspect(self, node: Located | None) -> float:
        if node is None:
            return 2 / 3
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*", str(node.value))
        if not match or float(match[1]) == 0:
            self.error(node, f"aspect must be width:height such as 3:2, not {node.value!r}",
                       'write it in quotes, e.g. aspect: "4:3"')
            return 2 / 3
        return float(match[2]) / float(match[1])

    def table(self, node: Located) -> Table:
        fields = self.mapping(node, "a table", *fields_of("table"))
        header = fields.get("header")
        header_cells = len(header.value) if header is not None and isinstance(header.value, list) else 0
        rows: list[list[Cell]] = []
        above: list[Cell | None] = []
        for row_node in self.sequence(fields.get("rows"), "rows"):
            row: list[Cell] = []
            cells = self.sequence(row_node, "a table row")
            if header_cells and len(cells) > header_cells:
                self.error(row_node, f"this row has {len(cells)} cells, but the header has "
                           f"{header_cells} columns",
                           "give the header a cell for each column, or join the row's extra cells")
                cells = cells[:header_cells]
            for column, cell_node in enumerate(cells):
                if cell_node.value in ("", None) and column < len(above) and above[column]:
                    above[column].rowspan += 1
                    continue
                cell = Cell(self.text(cell_node, "a table cell") or [], column=column)
                row.append(cell)
                if column < len(above):
                    above[column] = cell
                else:
                    above.append(cell)
            rows.append(row)
        table = Table(rows,
                      header=[self.text(cell, "a header cell") or []
                              for cell in self.sequence(header, "header")] if header else None,
                      caption=self.text(fields.get("caption"), "caption"),
                      span=self.span(fields.get("span")), location=node.location)
        table.widths = self.widths(fields.get("widths"), table.columns)
        return table

    def widths(self, node: Located | None, columns: int) -> list[float] | None:
        """Column widths as shares of the table's width, from relative numbers."""
        numbers = self.sequence(node, "widths")
        if not numbers:
            return None
        if any(isinstance(n.value, bool) or not isinstance(n.value, (int, float)) or n.value <= 0
               for n in numbers):
            self.error(node, "widths must be positive numbers, one per column",
                       "write relative widths such as widths: [2, 3, 1]")
            return None
        if len(numbers) != columns:
            self.error(node, f"widths gives {len(numbers)} columns, but the table has {columns}",
                       f"give one width per column ({columns})")
            return None
        total = sum(n.value for n in numbers)
        return [n.value / total for n in numbers]

    def keyfigures(self, node: Located) -> KeyFigures:
        fields = self.mapping(node, "keyfigures", *fields_of("keyfigures"))
        items = []
        for item in self.sequence(fields.get("items"), "items"):
            keys = self.mapping(item, "a key figure", *fields_of("keyfigure"))
            items.append(KeyFigure(self.string(keys.get("when"), "when") or "",
                                   self.integer(keys.get("value"), "value", 0, 10**9) or 0,
                                   self.string(keys.get("detail"), "detail") or "",
                                   self.integer(keys.get("population"), "population", 0, 10**10),
                                   share=0.0))
        self.bar_lengths(items, fields.get("scale"))
        note = fields.get("note")
        return KeyFigures(self.text(fields.get("title"), "title") or [],
                          self.text(fields.get("headline"), "headline") or [],
                          self.string(fields.get("unit"), "unit") or "", items,
                          self.text(note, "note"), location=(note or node).location)

    def bar_lengths(self, items: list[KeyFigure], scale: Located | None) -> None:
        """Each bar's share of a full bar: its value against the largest value, or
        against `scale` (the value of a full bar), or its population against the
        largest population (`scale: population`)."""
        if scale is not None and scale.value == "population":
            if any(item.population is None for item in items):
                self.error(scale, "scale: population, but not every key figure has a population",
                           "give each item a population, or remove 'scale'")
                return
            measures, full = [item.population for item in items], None
        elif scale is not None and (isinstance(scale.value, bool)
                                    or not isinstance(scale.value, (int, float)) or scale.value <= 0):
            self.error(scale, f"scale must be a positive number or 'population', not {scale.value!r}",
                       "give the value a full bar stands for (e.g. scale: 100), or remove it")
            return
        else:
            measures, full = [item.value for item in items], scale and scale.value
        full = full or max(measures, default=0) or 1
        for item, measure in zip(items, measures):
            if measure > full:
                self.error(scale, f"the key figure {item.when} ({measure:,}) is larger than "
                           f"the scale ({full:,})", "raise the scale, or remove it")
            item.share = min(measure / full, 1.0)

    def infobox(self, node: Located) -> InfoBox:
        fields = self.mapping(node, "an infobox", *fields_of("infobox"))
        return InfoBox(self.text(fields.get("title"), "title") or [],
                       subtitle=self.text(fields.get("subtitle"), "subtitle"),
                       url=self.url(fields.get("url"), "url"),
                       list_title=self.text(fields.get("list_title"), "list_title"),
                       items=[self.text(item, "a list item") or []
                              for item in self.sequence(fields.get("list"), "list")])

    # -- whole-issue checks ------------------------------------------------------

    def check_page_plan(self, articles: list[Article], issue_pages: int) -> None:
        """Each article owns the pages up to the next article's (the page itself
        when the next one follows it there); the last one owns the rest, but
        for the back page when the colophon stands there alone."""
        for index, article in enumerate(articles):
            following = articles[index + 1] if index + 1 < len(articles) else None
            article.on_back_page = article.page == issue_pages
            if following:
                following.follows = following.page == article.page
                article.last_page = max(article.page, following.page - 1)
            else:
                article.last_page = issue_pages if article.on_back_page else issue_pages - 1
            if issue_pages and article.page > issue_pages:
                self.error(article.location, f"article '{article.id}' starts on page {article.page}, "
                           f"but the issue has {issue_pages} pages", "fix 'page' or 'pages'")
            elif following and following.page and following.page < article.page:
                self.error(following.location,
                           f"article '{following.id}' starts on page {following.page}, "
                           f"before article '{article.id}' (page {article.page})",
                           "list the articles in page order, each on the page of the one before "
                           "it or a later one")

    def check_references(self, articles: list[Article]) -> None:
        targets = {article.id for article in articles}
        for article in articles:
            for heading in article.blocks:
                if isinstance(heading, Heading) and heading.id:
                    if heading.id in targets:
                        self.error(heading.location, f"the id '{heading.id}' is used twice",
                                   "give each article and h2 its own id")
                    targets.add(heading.id)
        for article in articles:
            for ref in _walk(article.blocks, inline.PageRef):
                if ref.target not in targets:
                    close = _suggest(ref.target, targets)
                    self.error(self.reference_locations.get(id(ref), article.location),
                               f"article '{article.id}' refers to {{page:{ref.target}}}, "
                               "but no article or h2 has that id",
                               f"did you mean '{close}'?" if close else "give the h2 an 'id'")
            text = _article_text(article)
            for quote in (block for block in article.blocks if isinstance(block, Quote)):
                said = _squeeze(inline.plain_text(quote.content))
                if said not in text:
                    self.error(quote.location, f"a quote in article '{article.id}' is not "
                               f"text the article contains: {_where_it_departs(said, text)}",
                               "quote the article's own words")


def _pass_story_languages_on(blocks: list) -> None:
    """The blocks of a story (from its h2 to the next) take the h2's lang,
    unless they have their own; outside a story that says, a paragraph
    written in Latin letters only is English."""
    story_lang = None
    for block in blocks:
        if isinstance(block, Heading) and block.level == 2:
            story_lang = block.lang
        elif hasattr(block, "lang") and block.lang is None:
            block.lang = story_lang or (inline.language(block.content)
                                        if isinstance(block, Paragraph) else None)


def _suggest(word: str, choices) -> str | None:
    """The choice `word` was most likely meant to be, if any is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    if close:
        return close[0]
    prefixed = [choice for choice in sorted(choices) if word.startswith(choice) or choice.startswith(word)]
    return prefixed[0] if prefixed else None


def _describe(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"


def _walk(value, node_type):
    """Every inline node of `node_type` anywhere below `value`."""
    if isinstance(value, node_type):
        yield value
    if isinstance(value, list):
        for item in value:
            yield from _walk(item, node_type)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            yield from _walk(getattr(value, name), node_type)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _where_it_departs(said: str, text: str) -> str:
    """Where a quote stops matching the text: the longest start of it that the
    text holds, and what follows there in each."""
    low, high = 0, len(said)  # said[:low] is in text; said[:high + 1] is not
    while low < high:
        middle = (low + high + 1) // 2
        if said[:middle] in text:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return f"the article has no 「{said[:1]}」 at all"
    at = text.find(said[:low]) + low
    agreed = said[max(0, low - 8):low]
    return (f"after 「…{agreed}」 the quote has 「{said[low:low + 6]}」, "
            f"the article 「{text[at:at + 6]}」")


def _article_text(article: Article) -> str:
    texts = [inline.plain_text(block.content) for block in article.blocks
             if isinstance(block, Paragraph)]
    return _squeeze("".join(texts))
