"""The typed issue model. Templates read it; it holds no presentation.

Inline texts are lists of nodes from `caipdf.structure.inline`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from caipdf.errors import Location
from caipdf.structure.inline import plain_text


@dataclass
class Series:
    initiative: str
    title: str
    title_ja: str


@dataclass
class Contact:
    name: str
    address: str
    role: str | None = None
    department: str | None = None
    tel: str | None = None
    fax: str | None = None
    email: str | None = None
    url: str | None = None


@dataclass
class Colophon:
    publisher: str
    producer: str
    contacts: list[Contact]


@dataclass
class Paragraph:
    content: list
    kind: str = "p"  # or "lead"
    # "en" in English: as written (lang), passed on from its story, or found
    # in its text (Latin letters only, caipdf.structure.inline.language).
    lang: str | None = None


@dataclass
class Heading:
    content: list
    level: int  # as written: 2 for a story's heading (h2), 3 for a sub-heading (h3)
    id: str | None = None
    label: str | None = None
    number: str | None = None
    location: Location | None = None
    kind: str = "heading"
    author: list | None = None  # the story's byline (h2)
    lang: str | None = None  # of the story it opens (h2), passed on to its blocks
    # Its level in the document's outline, under the article's title (1):
    # an h3 that no h2 precedes heads a part of the article itself, so it is
    # a level 2, and no level is skipped (PDF/UA's rule for headings).
    outline_level: int = 0

    def __post_init__(self):
        self.outline_level = self.outline_level or self.level


@dataclass(eq=False)  # compared by identity: the image stage maps each figure to its prepared file
class Figure:
    path: str  # as written in the issue file, relative to it
    file: Path  # `path` joined to the issue file's folder
    available: bool  # False: the image is missing and a placeholder is drawn
    caption: list
    aspect_ratio: float  # the frame's height / width
    span: str = "column"  # or "page"; "cover" for the cover image
    location: Location | None = None
    alt: str | None = None  # alternative text, the screen edition's /Alt
    decorative: bool = False  # no alternative text needed: an artifact for screen readers
    credit: str | None = None  # the photo credit, set after the caption
    focus: tuple[float, float] = (0.5, 0.5)  # the point a cropped frame keeps, as fractions
    fit: str = "cover"  # cover: cropped to fill the frame; contain: the whole picture
    accept_low_resolution: bool = False  # print under 150 ppi is a warning, not an error
    size: tuple[float, float] = (1.0, 1.0)  # the frame's height may go from/to these × the aspect's
    kind: str = "figure"

    @property
    def description(self) -> str:
        """What a screen reader says for it: its alt, else its caption."""
        return self.alt or " ".join(plain_text(self.caption or []).split())


@dataclass
class BulletList:
    items: list[list]
    title: list | None = None
    kind: str = "list"
    lang: str | None = None


@dataclass
class Cell:
    content: list
    rowspan: int = 1
    column: int = 0  # the table column the cell starts in, 0-based


#: A table of at most this many rows is short: it is kept in one column
#: (layouts: .table--short), as two pieces side by side it would read as two
#: tables. A longer one may break between rows, its header repeated.
SHORT_TABLE_ROWS = 5


@dataclass
class Table:
    rows: list[list[Cell]]  # cells continued from above are left out
    header: list[list] | None = None
    caption: list | None = None
    widths: list[float] | None = None  # each column's share of the table's width, summing to 1
    span: str = "column"  # or "page"
    location: Location | None = None
    kind: str = "table"
    lang: str | None = None

    @property
    def columns(self) -> int:
        return max([len(self.header or [])] + [cell.column + 1 for row in self.rows for cell in row])

    @property
    def short(self) -> bool:
        return len(self.rows) <= SHORT_TABLE_ROWS

    @property
    def row_groups(self) -> list[list[list[Cell]]]:
        """The rows in runs that belong together: a row and the rows its cells
        continue into (rowspan)."""
        groups: list[list[list[Cell]]] = []
        covered_until = 0  # the first row index no cell above reaches
        for index, row in enumerate(self.rows):
            if index >= covered_until:
                groups.append([])
            groups[-1].append(row)
            covered_until = max([covered_until, index + 1] + [index + cell.rowspan for cell in row])
        return groups


@dataclass
class KeyFigure:
    when: str
    value: int
    detail: str
    population: int | None
    share: float  # the bar's length: a fraction of the block's scale, 0..1


@dataclass
class KeyFigures:
    title: list
    headline: list
    unit: str
    items: list[KeyFigure]
    note: list | None = None
    kind: str = "keyfigures"
    location: Location | None = None  # of the note, or of the block


@dataclass
class InfoBox:
    title: list
    subtitle: list | None = None
    url: str | None = None
    list_title: list | None = None
    items: list[list] = field(default_factory=list)
    kind: str = "infobox"


@dataclass
class Quote:
    content: list
    span: str = "column"  # or "page"
    location: Location | None = None
    kind: str = "quote"
    attribution: list | None = None  # who said it
    lang: str | None = None


@dataclass
class Article:
    id: str
    page: int  # the page the contents list names
    last_page: int  # the last page the article owns
    toc: list
    title: list | None
    subtitle: list | None
    blocks: list
    location: Location
    author: list | None = None  # the story's byline (h2)
    lang: str | None = None  # of the story it opens (h2), passed on to its blocks
    follows: bool = False  # starts on the page of the article before it, after it
    on_back_page: bool = False  # starts on the issue's last page, above the colophon

    def __post_init__(self):
        story_started = False
        for block in self.blocks:
            if isinstance(block, Heading):
                story_started = story_started or block.level == 2
                block.outline_level = block.level if story_started else 2

    @property
    def page_count(self) -> int:
        return self.last_page - self.page + 1

    @property
    def text_length(self) -> int:
        """Characters of running text (paragraphs, headings, list items, table cells)."""
        total = 0
        for block in self.blocks:
            if isinstance(block, (Paragraph, Heading, Quote)):
                total += len(plain_text(block.content))
            elif isinstance(block, BulletList):
                total += sum(len(plain_text(item)) for item in block.items)
            elif isinstance(block, Table):
                total += sum(len(plain_text(cell.content)) for row in block.rows for cell in row)
        return total


@dataclass
class Issue:
    source: Path
    series: Series
    volume: int
    year: int
    month: int
    pages: int
    cover_line: list
    cover_image: Figure | None
    colophon: Colophon
    articles: list[Article]
    texts: list = field(default_factory=list, repr=False)  # (string, Location) as read
    source_bytes: bytes = field(default=b"", repr=False)  # the issue file as it was read
    photos: dict = field(default_factory=dict, repr=False)  # figure → its checked file (caipdf.images)

    @property
    def issued(self) -> str:
        """The month of publication as YYYY-MM."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def figures(self) -> list[Figure]:
        found = [self.cover_image] if self.cover_image else []
        for article in self.articles:
            found += [block for block in article.blocks if isinstance(block, Figure)]
        return found


# -- past volumes ----------------------------------------------------------------

@dataclass
class ContentsEntry:
    page: int  # the page of the printed volume the article starts on
    title: str


@dataclass
class PastVolume:
    """A volume published before caipdf, kept as the PDF it was printed from:
    the archive converts that PDF and catalogues it by this metadata."""
    source: Path  # the issue file that declares it
    series: Series
    volume: int
    year: int
    month: int
    pages: int
    pdf: Path  # the printed PDF, resolved
    pdf_path: str  # as written in the issue file, relative to it
    publisher: str
    contents: list[ContentsEntry]
    producer: str | None = None
    cover_line: str | None = None
    source_bytes: bytes = field(default=b"", repr=False)  # the issue file as it was read

    @property
    def issued(self) -> str:
        """The month of publication as YYYY-MM."""
        return f"{self.year:04d}-{self.month:02d}"
