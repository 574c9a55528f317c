"""Reading YAML into plain values that remember where they were written.

PyYAML's composer gives every node its position; we keep it on the values
so that the model can say `file:line:col` for any mistake.
"""

from __future__ import annotations

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
        raise CaipdfError(_syntax_problem(path, error)) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        raise CaipdfError(Problem(Location(path, line, column),
                                  f"the control character U+{error.character:04X} is not allowed in YAML",
                                  "delete it; an issue file is plain text")) from None
    if node is None:
        raise CaipdfError(Problem(where, "the file is empty: it holds only comments or blank lines",
                                  "start from issues/vol19.yaml and docs/format.md"))
    return _convert(path, node, depth=0)


class _Loader(yaml.SafeLoader):
    """Safe loading that also refuses aliases: an issue file never needs
    them, and they are how a small file expands into a huge one."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, ALIASES, event.start_mark)
        return super().compose_node(parent, index)


ALIASES = "anchors and aliases (&name, *name) are not allowed"


def _syntax_problem(path: Path, error: yaml.MarkedYAMLError) -> Problem:
    # An unclosed [ or { is reported where the parser gave up; its opening
    # (the context) is where the mistake is.
    context = error.context or ""
    mark = (error.context_mark if error.context_mark and "flow" in context
            else error.problem_mark or error.context_mark)
    where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path, 1, 1)
    problem = error.problem or "not valid YAML"
    if problem == ALIASES:
        return Problem(where, ALIASES, "write the value out where it is needed")
    if "\\t" in problem or "tab" in problem:
        return Problem(where, f"YAML syntax: {problem}", "indent with spaces, never tabs")
    if "flow" in context:
        return Problem(where, f"YAML syntax: {problem} {context}",
                       "close the bracket opened here, or quote the text if it is not a list")
    return Problem(where, f"YAML syntax: {problem}",
                   "check the YAML syntax at this place (quotes, colons, indentation)")


def _location(path: Path, node: yaml.Node) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(path: Path, node: yaml.Node, depth: int) -> Located:
    where = _location(path, node)
    if depth > MAX_DEPTH:
        raise CaipdfError(Problem(where, f"the data is nested more than {MAX_DEPTH} levels deep",
                                  "an issue file is never this deep; check the indentation"))
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
            mapping[key] = _convert(path, value_node, depth + 1)
            if not isinstance(value_node, yaml.ScalarNode):
                # A nested mapping or list starts on the lines below its key;
                # the key is where a person looks for it.
                mapping[key].location = keys[key]
        located = Located(mapping, where)
        located.value = _KeyedDict(mapping, keys)
        return located
    if isinstance(node, yaml.SequenceNode):
        return Located([_convert(path, item, depth + 1) for item in node.value], where)
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
    return value


_constructor = yaml.constructor.SafeConstructor()
