"""A volume's bytes depend on its inputs and caipdf's pinned dependencies, not
on whether the machine has HarfBuzz-subset (caipdf.render.font_subsets)."""

import ctypes.util
import subprocess
import sys

from caipdf.commands.build import build
from caipdf.profiles import PROFILES
from conftest import VOL19

# Run in a fresh process: the library is hidden before WeasyPrint looks for it.
WITHOUT_HARFBUZZ_SUBSET = """
import sys, cffi
dlopen = cffi.FFI.dlopen
def hidden(self, name, *args, **kwargs):
    if "harfbuzz-subset" in str(name):
        raise OSError(f"{name}: hidden by the test")
    return dlopen(self, name, *args, **kwargs)
cffi.FFI.dlopen = hidden
from weasyprint.text import ffi
assert ffi.harfbuzz_subset is None
from caipdf.commands.build import build
from caipdf.profiles import PROFILES
from pathlib import Path
for edition in ("print", "screen", "archive"):
    build(Path(sys.argv[1]), Path(sys.argv[2]) / f"{edition}.pdf", profile=PROFILES[edition])
"""


def test_every_edition_is_the_same_bytes_with_and_without_harfbuzz_subset(tmp_path):
    import weasyprint.text.ffi

    with_library, without = tmp_path / "with", tmp_path / "without"
    for edition in ("print", "screen", "archive"):
        build(VOL19, with_library / f"{edition}.pdf", profile=PROFILES[edition])
    without.mkdir()
    subprocess.run([sys.executable, "-c", WITHOUT_HARFBUZZ_SUBSET, str(VOL19), str(without)],
                   check=True, capture_output=True)
    for edition in ("print", "screen", "archive"):
        assert (with_library / f"{edition}.pdf").read_bytes() == (without / f"{edition}.pdf").read_bytes(), edition
    # Where the machine has the library, this process used it unless caipdf keeps it out.
    if ctypes.util.find_library("harfbuzz-subset"):
        assert weasyprint.text.ffi.harfbuzz_subset is not None


def test_a_font_subset_is_kept_and_reused(tmp_path, monkeypatch):
    from caipdf import cache

    monkeypatch.setenv("CAIPDF_CACHE", str(tmp_path / "cache"))
    first = build(VOL19, tmp_path / "a.pdf").output
    subsets = {path: path.stat().st_mtime_ns for path in (cache.root() / "fonts").iterdir()}
    assert len(subsets) >= 3  # Mincho, Gothic regular and bold, the Latin faces
    again = build(VOL19, tmp_path / "b.pdf").output
    assert first.read_bytes() == again.read_bytes()
    assert {path: path.stat().st_mtime_ns for path in (cache.root() / "fonts").iterdir()} == subsets


def test_the_hook_refuses_a_weasyprint_whose_subsetting_changed(monkeypatch):
    import pytest

    from caipdf.render import font_subsets
    from caipdf.render.weasyprint_fixes import WeasyPrintMismatch

    monkeypatch.setattr(font_subsets, "_installed", False)
    monkeypatch.setitem(font_subsets.PINNED_SOURCES, "subset", "0" * 64)
    with pytest.raises(WeasyPrintMismatch, match="Font.subset is not the one"):
        font_subsets.install()
