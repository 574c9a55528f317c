"""`caipdf schema`: print the JSON Schema of the issue format."""

from __future__ import annotations

import argparse
import json

from caipdf.structure.schema import issue_schema


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print(json.dumps(issue_schema(), ensure_ascii=False, indent=2))
    return 0
