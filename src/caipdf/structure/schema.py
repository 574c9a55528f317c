"""A JSON Schema of the issue format, made from the table in fields.py.

Editors point yaml-language-server at it (see the first line of
issues/vol19.yaml) for completion and checking while they type. caipdf
itself validates with its own loader, which says more.
"""

from __future__ import annotations

from caipdf.structure.fields import (
    ASPECT, BLOCKS, BOOL, FIELDS, FIT, FOCUS, ID, INT, LANG, MONTH, NUMBER, PLAIN, SCALE, SIZE,
    SPAN, TEXT,
)

SCALARS = {
    TEXT: {"type": ["string", "number"], "description": "text; inline markup allowed (docs/format.md)"},
    PLAIN: {"type": ["string", "number"]},
    INT: {"type": "integer"},
    ID: {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
    MONTH: {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"},
    ASPECT: {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*:\s*\d+(\.\d+)?\s*$"},
    SPAN: {"enum": ["column", "page"]},
    BOOL: {"type": "boolean"},
    FOCUS: {"type": "string", "pattern": r"^\s*\d+(\.\d+)?%\s+\d+(\.\d+)?%\s*$"},
    FIT: {"enum": ["cover", "contain"]},
    SIZE: {"type": "string", "pattern": r"^\s*\d+(\.\d+)?%\s*[-–]\s*\d+(\.\d+)?%\s*$"},
    LANG: {"enum": ["ja", "en"]},
    NUMBER: {"type": "number", "exclusiveMinimum": 0},
    SCALE: {"oneOf": [{"type": "number", "exclusiveMinimum": 0}, {"const": "population"}]},
}


def _type(spec) -> dict:
    if isinstance(spec, tuple):
        container, item = spec
        if container == "list":
            return {"type": "array", "items": _type(item)}
        return {"type": "object", "additionalProperties": _type(item)}
    if spec in SCALARS:
        return SCALARS[spec]
    return {"$ref": f"#/$defs/{spec}"}


def _object(fields: dict) -> dict:
    return {
        "type": "object",
        "properties": {key: _type(spec) for key, (spec, _) in fields.items()},
        "required": sorted(key for key, (_, required) in fields.items() if required),
        "additionalProperties": False,
    }


def issue_schema() -> dict:
    definitions = {kind: _object(fields) for kind, fields in FIELDS.items()}
    definitions["block"] = {"oneOf": [
        _object({kind: (own, True), **{key: (spec, False) for key, spec in extra.items()}})
        for kind, (own, extra) in BLOCKS.items()]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://caipdf.example/issue.schema.json",
        "title": "caipdf issue file",
        "description": "One volume of the CAI Newsletter, typeset by caipdf or kept as "
                       "printed (pdf:); see docs/format.md.",
        "oneOf": [{"$ref": "#/$defs/issue"}, {"$ref": "#/$defs/past_volume"}],
        "$defs": definitions,
    }
