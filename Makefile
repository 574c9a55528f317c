# Two commands do all set-up on a fresh machine:
#   make pdf    builds build/vol19.pdf
#   make test   runs the tests
# and one measures the edit loop, the archive, photos and long tables (benchmarks/):
#   make bench
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: pdf test bench check-libs chromium archive-tools clean

pdf: $(STAMP)
	$(BIN)/caipdf build issues/vol19.yaml -o build/vol19.pdf

test: $(STAMP) chromium archive-tools
	$(BIN)/python -m pytest

# The tests of caipdf serve run in Debian's headless Chromium (tests/test_serve.py
# skips them, saying why, where it cannot be installed).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; } \
	  || echo "note: 'apt-get install chromium' failed: the browser tests of caipdf serve will be skipped." >&2

# caipdf archive converts past volumes (kept as printed PDFs) with Ghostscript and reads
# scans with OCRmyPDF and Tesseract's Japanese (src/caipdf/archive/past.py); the tests
# of past volumes are skipped, saying why, where they cannot be installed.
archive-tools:
	@{ command -v gs && command -v ocrmypdf \
	   && test -f /usr/share/tesseract-ocr/5/tessdata/jpn.traineddata; } >/dev/null \
	  || { apt-get update -qq && apt-get install -y -qq ghostscript ocrmypdf tesseract-ocr-jpn; } \
	  || echo "note: 'apt-get install ghostscript ocrmypdf tesseract-ocr-jpn' failed: past volumes cannot be archived and their tests will be skipped." >&2

bench: $(STAMP)
	$(BIN)/python benchmarks/edit_loop.py; edit=$$?; \
	$(BIN)/python benchmarks/archive_speed.py; archive=$$?; \
	$(BIN)/python benchmarks/photos.py; photos=$$?; \
	$(BIN)/python benchmarks/table_speed.py; tables=$$?; \
	$(BIN)/python benchmarks/past_volumes.py; past=$$?; \
	exit $$(( edit || archive || photos || tables || past ))

# WeasyPrint needs Pango from the system; say so plainly when it is missing.
check-libs:
	@$(PYTHON) -c "import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library('pango-1.0') and ctypes.util.find_library('pangoft2-1.0') else 1)" \
	  || { echo "caipdf needs Pango: run 'apt-get install libpango-1.0-0 libpangoft2-1.0-0' (Debian/Ubuntu) and try again." >&2; exit 1; }

$(STAMP): pyproject.toml | check-libs
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf build
