"""veraPDF, the PDF Association's validator for PDF/UA and PDF/A, run on a file.

caipdf does not ship veraPDF (Java, GPL/MPL): it uses the one at
CAIPDF_VERAPDF, else the one beside the checkout that CI provides
(`../shared/tools/verapdf/verapdf`), else a `verapdf` on PATH;
CAIPDF_VERAPDF set empty means none. `validate`
returns veraPDF's verdict and, for every rule that failed, how often.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from caipdf import paths

SHARED = paths.HOME.parent / "shared" / "tools" / "verapdf" / "verapdf"
WCAG_PROFILE = "WCAG-2-2-Machine.xml"  # beside the veraPDF script
_RULE = re.compile(r'<rule [^>]*clause="([^"]*)" testNumber="(\d+)" status="failed" '
                   r'failedChecks="(\d+)"[^>]*>.*?<description>(.*?)</description>', re.S)


@dataclass
class Verdict:
    check: str  # "PDF/UA-1", "WCAG 2.2 (machine)", "PDF/A-3b"
    compliant: bool
    failed_rules: dict[str, int] = field(default_factory=dict)  # "7.18.5-1 Links shall …": checks

    def __str__(self) -> str:
        if self.compliant:
            return f"{self.check}: PASS"
        rules = "; ".join(f"{rule}: {count} failed" for rule, count in self.failed_rules.items())
        return f"{self.check}: FAIL ({rules or 'no rule named'})"


def find() -> Path | None:
    """The veraPDF script to run, or None where there is none.

    CAIPDF_VERAPDF, when set, decides alone: a path, or empty for none."""
    if "CAIPDF_VERAPDF" in os.environ:
        candidates = [os.environ["CAIPDF_VERAPDF"]]
    else:
        candidates = [SHARED, shutil.which("verapdf")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


CHECKS = {  # name: veraPDF's arguments, given the script's path
    "PDF/UA-1": lambda script: ["-f", "ua1"],
    "WCAG 2.2 (machine)": lambda script: ["-p", str(script.parent / WCAG_PROFILE)],
    "PDF/A-3b": lambda script: ["-f", "3b"],
}


def validate(pdf: Path, check: str, script: Path | None = None) -> Verdict:
    """veraPDF's verdict on `pdf` for `check` (a key of CHECKS)."""
    script = script or find()
    if script is None:
        raise FileNotFoundError("veraPDF is not installed (set CAIPDF_VERAPDF)")
    result = subprocess.run([str(script), "--format", "mrr", *CHECKS[check](script), str(pdf)],
                            capture_output=True, text=True, timeout=600)
    report = result.stdout
    if 'isCompliant="' not in report:
        raise RuntimeError(f"veraPDF gave no report (exit {result.returncode}): "
                           f"{result.stderr.strip()[-300:]}")
    failed = {f"{clause}-{number} {' '.join(description.split())[:80]}": int(count)
              for clause, number, count, description in _RULE.findall(report)}
    return Verdict(check, 'isCompliant="true"' in report and not failed, failed)
