"""The inline markup of issue texts, parsed into nodes.

The syntax is documented in docs/format.md. Nothing else is markup: text
that looks like HTML stays text, and the templates escape it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Text:
    text: str
    kind: str = "text"


@dataclass
class Strong:
    children: list
    kind: str = "strong"


@dataclass
class Sup:
    children: list
    kind: str = "sup"


@dataclass
class Link:
    url: str
    children: list
    kind: str = "link"


@dataclass
class LineBreak:
    kind: str = "br"


@dataclass
class PageRef:
    """The page where story or article `target` starts; the layout fills it in."""

    target: str
    kind: str = "pageref"


@dataclass
class Ruby:
    """A reading set over its base text (ruby, JLREQ 3.3): `pairs` of (base,
    reading). One pair is group ruby, a reading over the whole word; several
    are mono-ruby, one reading over each base character."""

    pairs: list[tuple[str, str]]
    kind: str = "ruby"

    @property
    def base(self) -> str:
        return "".join(base for base, _ in self.pairs)


@dataclass
class FootnoteRef:
    key: str
    number: int = 0  # set when the article numbers its footnotes
    children: list = field(default_factory=list)  # the footnote's own text
    again: bool = False  # called earlier in the article: this call prints only its mark
    kind: str = "footnote"


class InlineSyntaxError(ValueError):
    """The first mistake of a text; `problems` holds all of them (itself first)."""

    def __init__(self, message: str, offset: int, hint: str):
        super().__init__(message)
        self.offset = offset
        self.hint = hint
        self.problems = [self]


_TOKEN = re.compile(
    r"(?P<strong>\*\*)"
    r"|(?P<sup>\^\{)"
    r"|\[\^(?P<fn>[A-Za-z0-9_-]+)\]"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>[^)\s]+)\)"
    r"|<(?P<auto>(?:https?|mailto):[^>\s]+)>"
    r"|\{page:(?P<page>[a-z0-9-]+)\}"
    r"|\{(?!page:)(?P<ruby>[^{}\n]*)\}"
    r"|(?P<br>\n)"
)
_CLOSERS = {"strong": "**", "sup": "}"}


def parse(source: str) -> list:
    """Parse `source` into a list of inline nodes. Raises InlineSyntaxError
    for its first mistake, with every ruby mistake of `source` in `problems`."""
    problems: list[InlineSyntaxError] = []
    try:
        nodes, _ = _parse(source, 0, None, problems)
    except InlineSyntaxError as error:
        problems.append(error)
    if problems:
        problems[0].problems = problems
        raise problems[0]
    return nodes


def _parse(source: str, pos: int, closer: str | None,
           problems: list) -> tuple[list, int]:
    nodes: list = []
    text_start = pos
    while pos < len(source):
        if closer and source.startswith(closer, pos):
            _add_text(nodes, source[text_start:pos])
            return nodes, pos + len(closer)
        match = _TOKEN.match(source, pos)
        if not match:
            if source.startswith("{page:", pos):
                raise InlineSyntaxError(
                    "a page reference must be {page:ID} with an id of a–z, 0–9 and '-'", pos,
                    "write the id of an article or h2, e.g. {page:thailand-week}")
            if source.startswith("{", pos):
                problems.append(InlineSyntaxError(
                    "'{' is opened but never closed", pos,
                    "write ruby as {漢字|かんじ}, closed with '}' on the same line; "
                    "for a brace itself, write the full-width ｛"))
            pos += 1
            continue
        _add_text(nodes, source[text_start:pos])
        kind = match.lastgroup
        if kind in ("strong", "sup"):
            children, pos = _parse(source, match.end(), _CLOSERS[kind], problems)
            nodes.append(Strong(children) if kind == "strong" else Sup(children))
        else:
            pos = match.end()
            if kind == "fn":
                nodes.append(FootnoteRef(match["fn"]))
            elif kind in ("label", "url"):
                nodes.append(Link(match["url"], parse(match["label"])))
            elif kind == "auto":
                nodes.append(Link(match["auto"], [Text(match["auto"])]))
            elif kind == "page":
                nodes.append(PageRef(match["page"]))
            elif kind == "ruby":
                try:
                    nodes.append(_ruby(match["ruby"], match.start()))
                except InlineSyntaxError as problem:
                    problems.append(problem)
            elif kind == "br":
                nodes.append(LineBreak())
        text_start = pos
    if closer:
        opener = "**" if closer == "**" else "^{"
        raise InlineSyntaxError(
            f"'{opener}' is opened but never closed",
            text_start,
            f"close it with '{closer}', or remove the '{opener}'",
        )
    _add_text(nodes, source[text_start:pos])
    return nodes, pos


def _ruby(markup: str, offset: int) -> Ruby:
    """`{base|reading}` (group ruby) or `{base|reading|reading…}`, one
    reading per base character (mono-ruby); `markup` is what the braces hold."""
    written = "{" + markup + "}"
    base, *readings = markup.split("|")
    if not readings:
        raise InlineSyntaxError(
            f"'{written}' has no reading", offset,
            f"write the reading after a '|': {{{base or '漢字'}|…}}; for braces themselves, "
            "write the full-width ｛ ｝")
    if not base.strip():
        raise InlineSyntaxError(
            f"ruby '{written}' has no base text", offset,
            "write the text the reading goes over before the '|': {漢字|かんじ}")
    if not all(reading.strip() for reading in readings):
        raise InlineSyntaxError(
            f"ruby '{written}' has an empty reading", offset,
            f"write the reading after each '|' ({{{base}|…}}), or remove the braces")
    if len(readings) == 1:
        return Ruby([(base, readings[0])])
    if len(readings) != len(base):
        raise InlineSyntaxError(
            f"ruby '{written}' gives {len(readings)} readings for the {len(base)} characters "
            f"of '{base}'", offset,
            f"give one reading per character ({{{base}|{'|'.join('…' * len(base))}}}) "
            f"or one for the whole word ({{{base}|{''.join(readings)}}})")
    return Ruby(list(zip(base, readings)))


def _add_text(nodes: list, text: str) -> None:
    if text:
        nodes.append(Text(text))


def plain_text(nodes: list) -> str:
    """The text of `nodes` without markup (page references left out)."""
    out = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, LineBreak):
            out.append("\n")
        elif isinstance(node, Ruby):
            out.append(node.base)
        elif hasattr(node, "children") and not isinstance(node, FootnoteRef):
            out.append(plain_text(node.children))
    return "".join(out)


_LATIN_LETTER = re.compile(r"[A-Za-z]")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")  # kana, kanji, full-width forms


def language(nodes: list) -> str | None:
    """"en" for a text written in English (Latin letters, no kana, kanji or
    full-width forms), None for one in the issue's Japanese."""
    text = plain_text(nodes)
    return "en" if _LATIN_LETTER.search(text) and not _JAPANESE.search(text) else None
