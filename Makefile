# Two commands do all set-up on a fresh machine:
#   make pdf    builds build/vol19.pdf
#   make test   runs the tests
# and one measures the edit loop, the archive, photos and long tables (benchmarks/):
#   make bench
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: pdf test bench check-libs check-harfbuzz-subset clean

pdf: $(STAMP)
	$(BIN)/caipdf build issues/vol19.yaml -o build/vol19.pdf

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP) check-harfbuzz-subset
	$(BIN)/python benchmarks/edit_loop.py; edit=$$?; \
	$(BIN)/python benchmarks/archive_speed.py; archive=$$?; \
	$(BIN)/python benchmarks/photos.py; photos=$$?; \
	$(BIN)/python benchmarks/table_speed.py; tables=$$?; \
	exit $$(( edit || archive || photos || tables ))

# WeasyPrint needs Pango from the system; say so plainly when it is missing.
check-libs:
	@$(PYTHON) -c "import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library('pango-1.0') and ctypes.util.find_library('pangoft2-1.0') else 1)" \
	  || { echo "caipdf needs Pango: run 'apt-get install libpango-1.0-0 libpangoft2-1.0-0' (Debian/Ubuntu) and try again." >&2; exit 1; }

# Without HarfBuzz-subset WeasyPrint subsets fonts with fontTools: the PDFs
# are as good, but writing one takes about 1 s longer. caipdf works either
# way; the benchmark's figures assume it.
HAS_HB_SUBSET := $(PYTHON) -c "import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library('harfbuzz-subset') else 1)"
check-harfbuzz-subset:
	@$(HAS_HB_SUBSET) \
	  || { echo "caipdf writes PDFs faster with HarfBuzz-subset: run 'apt-get install libharfbuzz-subset0' (Debian/Ubuntu) and try again." >&2; exit 1; }

$(STAMP): pyproject.toml | check-libs
	@$(HAS_HB_SUBSET) \
	  || echo "note: 'apt-get install libharfbuzz-subset0' (Debian/Ubuntu) makes writing PDFs about 1 s faster." >&2
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf build
