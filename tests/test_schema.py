"""`caipdf schema`: the JSON Schema editors use, kept in step with the loader."""

import json

import jsonschema
import pytest
import yaml

from caipdf.cli import main
from conftest import ROOT, VOL19


def test_committed_schema_is_current(capsys):
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    committed = json.loads((ROOT / "docs" / "issue.schema.json").read_text(encoding="utf-8"))
    assert printed == committed, "run: caipdf schema > docs/issue.schema.json"


def test_vol19_declares_and_satisfies_the_schema():
    text = VOL19.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../docs/issue.schema.json")
    schema = json.loads((ROOT / "docs" / "issue.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(text), schema)


@pytest.mark.parametrize("name", ["03-unknown-top-key", "04-misspelt-key", "05-unknown-block-kind",
                                  "09-issued-not-a-month", "28-id-upper-case", "30-span-unknown",
                                  "35-contact-missing-address", "47-unknown-key-in-article"])
def test_schema_rejects_what_the_loader_rejects(name):
    schema = json.loads((ROOT / "docs" / "issue.schema.json").read_text(encoding="utf-8"))
    data = yaml.safe_load((ROOT / "tests" / "malformed" / f"{name}.yaml").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_the_table_sample_declares_and_satisfies_the_schema():
    """tests/samples/tables.yaml uses the newer keys (lang, author, attribution,
    widths, span on tables, scale-less key figures without population)."""
    sample = ROOT / "tests" / "samples" / "tables.yaml"
    text = sample.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../docs/issue.schema.json")
    schema = json.loads((ROOT / "docs" / "issue.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(text), schema)
