"""Argument types that more than one command uses."""

from __future__ import annotations

import argparse


def resolution(text: str) -> float:
    """A --dpi value: a resolution from 1 to 1200 dpi, refused in one line otherwise."""
    try:
        value = float(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 1200:
        raise argparse.ArgumentTypeError(f"{text!r} is not a resolution from 1 to 1200 dpi")
    return value
