"""Errors that caipdf reports to the person running it.

Every error names where it comes from (file, line, column), what is wrong
and how to fix it, so that the command line can print it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    file: Path
    line: int  # 1-based
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    location: Location | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        hint = f"\n  fix: {self.hint}" if self.hint else ""
        return f"{where}error: {self.message}{hint}"


class CaipdfError(Exception):
    """One or more problems that stop the work; `str()` lists them all."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(str(p) for p in self.problems))
