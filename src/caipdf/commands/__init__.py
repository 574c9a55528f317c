"""The commands behind the `caipdf` command line, one module each."""
