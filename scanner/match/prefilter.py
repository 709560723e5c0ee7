"""Which of a set of lower-case literals occur in a buffer (ASCII case-insensitively).

One pass over the bytes. :class:`HyperscanLiterals` uses a Hyperscan literal database;
:class:`FallbackLiterals` lower-cases the bytes and uses one alternation to rule out the common
no-hit case, then checks each literal. Both return exactly the same set (tested).
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


class LiteralSet(Protocol):
    name: str

    def present(self, data: bytes) -> set[int]:
        """Indices of the literals found in ``data``."""
        ...


class FallbackLiterals:
    name = "regex"

    def __init__(self, literals: Sequence[bytes]) -> None:
        self._literals = list(literals)
        ordered = sorted(set(self._literals), key=len, reverse=True)
        self._any = re.compile(b"|".join(re.escape(lit) for lit in ordered)) if ordered else None

    def present(self, data: bytes) -> set[int]:
        if self._any is None:
            return set()
        lowered = data.lower()
        if self._any.search(lowered) is None:
            return set()
        return {i for i, lit in enumerate(self._literals) if lit in lowered}


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
                flags=hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SINGLEMATCH,
                literal=True,
            )

    def _scratch(self) -> Any:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = hyperscan.Scratch(self._db)
            self._local.scratch = scratch
        return scratch

    def present(self, data: bytes) -> set[int]:
        if self._empty or not data:
            return set()
        found: set[int] = set()

        def on_match(ident: int, _start: int, _end: int, _flags: int, _ctx: object) -> None:
            found.add(ident)

        self._db.scan(data, match_event_handler=on_match, scratch=self._scratch())
        return found


def build_literal_set(literals: Sequence[bytes], use_hyperscan: bool | None = None) -> LiteralSet:
    """Hyperscan when available (or required), else the pure-Python fallback."""
    if use_hyperscan is None:
        use_hyperscan = hyperscan is not None
    if use_hyperscan:
        return HyperscanLiterals(literals)
    return FallbackLiterals(literals)
