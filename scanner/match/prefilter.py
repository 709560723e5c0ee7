"""Where a set of lower-case literals occur in a buffer (ASCII case-insensitively).

One pass over the bytes. :class:`HyperscanLiterals` uses a Hyperscan literal database;
:class:`FallbackLiterals` lower-cases the bytes and uses one alternation to rule out the common
no-hit case, then looks for each literal. Both return exactly the same occurrences (tested).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any, Protocol

hyperscan: Any
try:  # the wheel is not available on every platform
    import hyperscan
except ImportError:  # pragma: no cover - exercised on platforms without the wheel
    hyperscan = None


def hyperscan_available() -> bool:
    return hyperscan is not None


Occurrences = dict[int, list[int]]  # literal index -> end offsets of every occurrence, ascending


class LiteralSet(Protocol):
    name: str

    def present(self, data: bytes) -> set[int]:
        """Indices of the literals found in ``data``."""
        ...

    def occurrences(self, data: bytes) -> Occurrences:
        """Every occurrence (overlapping ones too) of each literal found in ``data``."""
        ...


class FallbackLiterals:
    name = "regex"

    def __init__(self, literals: Sequence[bytes]) -> None:
        self._literals = list(literals)
        ordered = sorted(set(self._literals), key=len, reverse=True)
        self._any = re.compile(b"|".join(re.escape(lit) for lit in ordered)) if ordered else None

    def present(self, data: bytes) -> set[int]:
        return set(self.occurrences(data))

    def occurrences(self, data: bytes) -> Occurrences:
        if self._any is None:
            return {}
        lowered = data.lower()
        if self._any.search(lowered) is None:
            return {}
        found: Occurrences = {}
        for i, lit in enumerate(self._literals):
            pos = lowered.find(lit)
            if pos < 0:
                continue
            ends = found[i] = []
            while pos >= 0:
                ends.append(pos + len(lit))
                pos = lowered.find(lit, pos + 1)
        return found


class HyperscanLiterals:
    name = "hyperscan"

    def __init__(self, literals: Sequence[bytes]) -> None:
        if hyperscan is None:
            raise RuntimeError("hyperscan is not installed")
        self._empty = not literals
        self._db: Any = None
        self._local = threading.local()
        if not self._empty:
            self._db = hyperscan.Database()
            self._db.compile(
                expressions=list(literals),
                ids=list(range(len(literals))),
                elements=len(literals),
                flags=hyperscan.HS_FLAG_CASELESS,
                literal=True,
            )

    def _scratch(self) -> Any:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = hyperscan.Scratch(self._db)
            self._local.scratch = scratch
        return scratch

    def present(self, data: bytes) -> set[int]:
        return set(self.occurrences(data))

    def occurrences(self, data: bytes) -> Occurrences:
        if self._empty or not data:
            return {}
        hits: list[tuple[int, int]] = []
        add = hits.append

        def on_match(ident: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            add((ident, end))

        self._db.scan(data, match_event_handler=on_match, scratch=self._scratch())
        found: Occurrences = {}
        for ident, end in hits:  # reported in order of end offset
            found.setdefault(ident, []).append(end)
        return found


def build_literal_set(literals: Sequence[bytes], use_hyperscan: bool | None = None) -> LiteralSet:
    """Hyperscan when available (or required), else the pure-Python fallback."""
    if use_hyperscan is None:
        use_hyperscan = hyperscan is not None
    if use_hyperscan:
        return HyperscanLiterals(literals)
    return FallbackLiterals(literals)
