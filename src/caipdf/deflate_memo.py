"""Remembering what pydyf compressed, for a process that writes a PDF again and again.

pydyf (WeasyPrint's PDF writer) deflates every stream at level 9: about a
third of the time it takes to write vol.19. In a watch session most of each
new PDF is the same bytes as the last one (the unchanged pages' contents, the
font subsets, the ICC profile), so `install()` gives pydyf a `zlib` that
keeps the last results: a stream already compressed is not compressed again.
Deflate is a function of its input and settings, and a remembered result is
the output of the very calls pydyf makes, so the PDF is byte for byte the
same. Only caipdf.session installs it; `caipdf build` compresses as usual.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import OrderedDict

import pydyf

KEEP = 512  # results remembered: a few builds' worth of streams


class _RememberingZlib:
    """The two zlib functions pydyf calls, with their results remembered."""

    def __init__(self):
        self._results: OrderedDict[tuple, bytes] = OrderedDict()

    def compress(self, data: bytes, level: int = -1) -> bytes:
        return self._remembered(("compress", level), data, lambda: zlib.compress(data, level))

    def compressobj(self, level: int = -1) -> "_Compressor":
        return _Compressor(self, level)

    def _remembered(self, how: tuple, data: bytes, compute) -> bytes:
        key = how + (len(data), hashlib.blake2b(data).digest())
        result = self._results.get(key)
        if result is None:
            result = self._results[key] = compute()
            if len(self._results) > KEEP:
                self._results.popitem(last=False)
        else:
            self._results.move_to_end(key)
        return result

    def __getattr__(self, name):  # anything else pydyf might use: plain zlib
        return getattr(zlib, name)


class _Compressor:
    """zlib.compressobj as pydyf uses it: compress(data) then flush()."""

    def __init__(self, memory: _RememberingZlib, level: int):
        self.memory, self.level, self.parts = memory, level, []

    def compress(self, data: bytes) -> bytes:
        self.parts.append(data)
        return b""

    def flush(self) -> bytes:
        data = b"".join(self.parts)

        def compute() -> bytes:
            compressor = zlib.compressobj(level=self.level)
            return compressor.compress(data) + compressor.flush()

        return self.memory._remembered(("compressobj", self.level), data, compute)


def install() -> None:
    if pydyf.zlib is zlib:
        pydyf.zlib = _RememberingZlib()
