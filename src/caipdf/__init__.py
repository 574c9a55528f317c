"""caipdf: typesets the CAI Newsletter from YAML into print-ready PDF."""

__version__ = "0.1.0"

# The WeasyPrint release whose layout code caipdf's fixes and typesetting
# hooks are written for (render/weasyprint_fixes.py, typesetting/justify.py);
# pyproject.toml pins the same release.
WEASYPRINT_VERSION = "70.0"
