"""Shannon entropy of a string, in bits per character (used by rules' ``min_entropy``)."""

from __future__ import annotations

import math
from collections import Counter


def shannon_entropy(text: str) -> float:
    """Bits per character: 0 for ``aaaa``, ~4.7 for a random base62 string of length 40+."""
    if not text:
        return 0.0
    length = len(text)
    return -sum((n / length) * math.log2(n / length) for n in Counter(text).values())
