"""Reading YAML into plain values that remember where they were written.

PyYAML's composer gives every node its position; we keep it on the values
so that the model can say `file:line:col` for any mistake.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import yaml

from caipdf.errors import CaipdfError, Location, Problem

MAX_FILE_BYTES = 2_000_000
MAX_DEPTH = 20


class Located:
    """A YAML value with the place it was written."""

    __slots__ = ("value", "location")

    def __init__(self, value, location: Location):
        self.value = value
        self.location = location

    def __repr__(self) -> str:
        return f"Located({self.value!r} @ {self.location})"


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CaipdfError(Problem(None, f"cannot read {path}: {error.strerror}",
                                  "check the path of the issue file")) from None


def read_yaml(path: Path, data: bytes | None = None) -> Located:
    """Load `path` (or its `data`, read once by the caller) safely into nested
    Located values (dicts, lists, scalars)."""
    data = read_bytes(path) if data is None else data
    where = Location(path, 1, 1)
    if len(data) > MAX_FILE_BYTES:
        raise CaipdfError(Problem(where, f"the file is {len(data):,} bytes, more than "
                                  f"the {MAX_FILE_BYTES:,} an issue may have",
                                  "split it or remove what does not belong in it"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CaipdfError(Problem(Location(path, line, 1), "the file is not UTF-8 text",
                                  "save it as UTF-8")) from None
    if not text.strip():
        raise CaipdfError(Problem(where, "the file is empty",
                                  "start from issues/vol19.yaml and docs/format.md"))
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise CaipdfError(_syntax_problem(path, text, error)) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        raise CaipdfError(Problem(Location(path, line, column),
                                  f"the control character U+{error.character:04X} is not allowed in YAML",
                                  "delete it; an issue file is plain text")) from None
    if node is None:
        raise CaipdfError(Problem(where, "the file is empty: it holds only comments or blank lines",
                                  "start from issues/vol19.yaml and docs/format.md"))
    return _convert(path, node)


class _Loader(yaml.SafeLoader):
    """Safe loading that also refuses aliases (an issue file never needs
    them, and they are how a small file expands into a huge one) and data
    nested deeper than MAX_DEPTH (PyYAML composes nodes recursively, so
    thousands of '[' would end in a RecursionError), and that joins the
    lines of a text written over several lines as the text's script wants."""

    depth = -1  # of the node being composed; the document's root is 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, ALIASES, event.start_mark)
        nesting = self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent)
        if nesting and self.depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(None, None, TOO_DEEP, event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    # YAML folds a line break inside a plain or quoted scalar into one space.
    # Where the scanner does so, it leaves LINE_FOLD instead; _join_lines
    # then decides between a space and nothing.
    def scan_plain_spaces(self, indent, start_mark):
        line = self.line
        chunks = super().scan_plain_spaces(indent, start_mark)
        return [LINE_FOLD] if chunks == [" "] and self.line > line else chunks

    def scan_flow_scalar_spaces(self, double, start_mark):
        line = self.line
        chunks = super().scan_flow_scalar_spaces(double, start_mark)
        return [LINE_FOLD] if chunks == [" "] and self.line > line else chunks


ALIASES = "anchors and aliases (&name, *name) are not allowed"
TOO_DEEP = f"the data is nested more than {MAX_DEPTH} levels deep"
LINE_FOLD = "\0"  # never in a scalar as read: YAML refuses control characters


def _join_lines(text: str) -> str:
    """`text` with each folded line break made a space between Latin words,
    and nothing where Japanese (a wide character) is on either side."""
    parts = text.split(LINE_FOLD)
    joined = parts[0]
    for part in parts[1:]:
        wide = any(unicodedata.east_asian_width(character) in "WF"
                   for character in (joined[-1:], part[:1]) if character)
        joined += ("" if wide else " ") + part
    return joined


def _syntax_problem(path: Path, text: str, error: yaml.MarkedYAMLError) -> Problem:
    # An unclosed [ or { is reported where the parser gave up; its opening
    # (the context) is where the mistake is.
    context = error.context or ""
    mark = (error.context_mark if error.context_mark and "flow" in context
            else error.problem_mark or error.context_mark)
    where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path, 1, 1)
    problem = error.problem or "not valid YAML"
    if problem == ALIASES:
        return Problem(where, ALIASES, "write the value out where it is needed")
    if problem == TOO_DEEP:
        return Problem(where, TOO_DEEP, "an issue file is never this deep; check the "
                       "indentation and the brackets [ ] { }")
    if "\\t" in problem or "tab" in problem:
        return Problem(where, f"YAML syntax: {problem}", "indent with spaces, never tabs")
    if problem.startswith("mapping values are not allowed") and _second_colon(text, mark):
        return Problem(where, "YAML syntax: a colon followed by a space inside a text starts "
                       "a new key", 'put the whole text in quotes (title: "COP30: 報告"), or '
                       "write the colon full-width (：)")
    if "flow" in context:
        return Problem(where, f"YAML syntax: {problem} {context}",
                       "close the bracket opened here, or quote the text if it is not a list")
    return Problem(where, f"YAML syntax: {problem}",
                   "check the YAML syntax at this place (quotes, colons, indentation)")


def _second_colon(text: str, mark) -> bool:
    """Whether the colon YAML refused follows another 'key: ' on its line (so it is
    in the text), rather than a key indented where none may be."""
    lines = text.splitlines()
    return mark.line < len(lines) and ": " in lines[mark.line][:mark.column]


def _location(path: Path, node: yaml.Node) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(path: Path, node: yaml.Node) -> Located:
    where = _location(path, node)
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Located] = {}
        keys: dict[str, Location] = {}
        for key_node, value_node in node.value:
            key = str(_scalar(path, key_node))
            if key in mapping:
                raise CaipdfError(Problem(_location(path, key_node),
                                          f"'{key}' is given twice in this mapping",
                                          f"keep one '{key}' (the first is at line {keys[key].line})"))
            keys[key] = _location(path, key_node)
            mapping[key] = _convert(path, value_node)
            if not isinstance(value_node, yaml.ScalarNode):
                # A nested mapping or list starts on the lines below its key;
                # the key is where a person looks for it.
                mapping[key].location = keys[key]
        located = Located(mapping, where)
        located.value = _KeyedDict(mapping, keys)
        return located
    if isinstance(node, yaml.SequenceNode):
        return Located([_convert(path, item) for item in node.value], where)
    return Located(_scalar(path, node), where)


class _KeyedDict(dict):
    """A mapping that also remembers where each key was written."""

    def __init__(self, values: dict, key_locations: dict):
        super().__init__(values)
        self.key_locations = key_locations


def _scalar(path: Path, node: yaml.Node):
    if not isinstance(node, yaml.ScalarNode):
        return node  # a complex key; the model rejects it as an unknown key
    try:
        value = _constructor.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        raise CaipdfError(Problem(_location(path, node), f"the value tagged '{node.tag}' cannot be read",
                                  "remove the '!…' tag: issue files hold plain text, numbers and lists"
                                  )) from None
    finally:
        _constructor.constructed_objects.clear()
    return _join_lines(value) if isinstance(value, str) and LINE_FOLD in value else value


_constructor = yaml.constructor.SafeConstructor()
