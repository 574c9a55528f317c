"""caipdf: typesets the CAI Newsletter from YAML into print-ready PDF."""

__version__ = "0.1.0"
