"""WeasyPrint's C declarations from caipdf's prebuilt cffi tables
(caipdf.render.weasyprint_ffi): used, current, and invisible in the output."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import _cffi_backend
import cffi

import caipdf.render.pdf  # noqa: F401  (imports WeasyPrint the way every build does)
import weasyprint.text.ffi
from caipdf.render import weasyprint_ffi

ROOT = Path(__file__).resolve().parents[1]
VOL19 = ROOT / "issues" / "vol19.yaml"
TABLES = ROOT / "src" / "caipdf" / "render" / "_weasyprint_cdef.py"
WEASYPRINT_TEXT = Path(weasyprint.text.ffi.__file__).parent


def test_weasyprint_runs_on_the_prebuilt_tables():
    # cffi.FFI is the Python class that parses C source; the prebuilt tables
    # give the C-level FFI of cffi's out-of-line mode.
    assert not isinstance(weasyprint.text.ffi.ffi, cffi.FFI)
    assert type(weasyprint.text.ffi.ffi) is _cffi_backend.FFI
    assert weasyprint.text.ffi.pango.pango_attr_allow_breaks_new  # caipdf's own declarations


def test_the_committed_tables_are_those_of_the_installed_weasyprint():
    assert TABLES.read_text(encoding="utf-8") == weasyprint_ffi.generate(), (
        "regenerate: .venv/bin/python -m caipdf.render.weasyprint_ffi")


def test_other_declarations_are_left_to_cffi(tmp_path):
    finder = weasyprint_ffi._PrebuiltFinder()
    source = (WEASYPRINT_TEXT / "ffi.py").read_text(encoding="utf-8")
    (tmp_path / "ffi.py").write_text(source, encoding="utf-8")
    spec = finder.find_spec(weasyprint_ffi.MODULE, [str(tmp_path)])
    assert spec is not None and spec.origin == str(tmp_path / "ffi.py")
    assert finder.source.count("\n") == source.count("\n")  # tracebacks keep their lines

    changed = source.replace("pango_layout_get_baseline", "pango_layout_get_baseline_x", 1)
    assert changed != source
    (tmp_path / "ffi.py").write_text(changed, encoding="utf-8")
    assert finder.find_spec(weasyprint_ffi.MODULE, [str(tmp_path)]) is None


def test_the_pdf_is_byte_identical_without_the_tables(vol19_pdf, tmp_path):
    without = tmp_path / "without.pdf"
    script = ("import sys; from pathlib import Path\n"
              "import caipdf.render.weasyprint_ffi as f; f.install = lambda: None\n"
              "import caipdf.render.pdf, weasyprint.text.ffi, cffi\n"
              "assert isinstance(weasyprint.text.ffi.ffi, cffi.FFI)\n"
              "from caipdf.commands.build import build\n"
              "build(Path(sys.argv[1]), Path(sys.argv[2]))\n")
    subprocess.run([sys.executable, "-c", script, str(VOL19), str(without)],
                   check=True, capture_output=True, cwd=ROOT)
    assert without.read_bytes() == vol19_pdf.read_bytes()


def test_a_library_the_tables_cannot_open_is_left_to_cffi(tmp_path, capsys):
    # The prebuilt FFI opens libraries by the names WeasyPrint tries; cffi's
    # own also asks ctypes.util.find_library ('gobject-2.0' is found only so).
    source = (WEASYPRINT_TEXT / "ffi.py").read_text(encoding="utf-8")
    names = ("'libgobject-2.0-0', 'gobject-2.0-0', 'gobject-2.0',\n"
             "    'libgobject-2.0.so.0', 'libgobject-2.0.0.dylib', 'libgobject-2.0-0.dll'")
    assert names in source
    (tmp_path / "ffi.py").write_text(source.replace(names, "'gobject-2.0'"), encoding="utf-8")
    spec = weasyprint_ffi._PrebuiltFinder().find_spec(weasyprint_ffi.MODULE, [str(tmp_path)])
    assert spec is not None  # the declarations are the same
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert isinstance(module.ffi, cffi.FFI)
    assert module.gobject.g_type_init
    assert "could not import" not in capsys.readouterr().out  # no install hints for nothing
