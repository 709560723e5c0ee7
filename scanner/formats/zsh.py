"""zsh history: metafied bytes (0x83 marker, next byte XOR 0x20) are unmetafied before decoding."""

from __future__ import annotations

import bisect
from collections.abc import Callable

META = 0x83


def unmetafy(data: bytes) -> tuple[bytes, Callable[[int], int]]:
    """The real bytes and a map from their offsets back to offsets in the metafied file."""
    out = bytearray()
    originals: list[int] = []  # unmetafied index of each byte that followed a marker
    start = 0
    while True:
        marker = data.find(META, start)
        if marker < 0 or marker + 1 >= len(data):
            out += data[start:]
            break
        out += data[start:marker]
        originals.append(len(out))
        out.append(data[marker + 1] ^ 0x20)
        start = marker + 2

    def raw_offset(offset: int) -> int:
        return offset + bisect.bisect_right(originals, offset)

    return bytes(out), raw_offset
