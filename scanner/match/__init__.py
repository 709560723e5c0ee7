"""The matcher: one prefilter pass per file, then `regex` confirmation of candidate rules."""

from scanner.match.matcher import INLINE_IGNORE, Hit, Matcher
from scanner.match.prefilter import (
    FallbackLiterals,
    HyperscanLiterals,
    LiteralSet,
    build_literal_set,
    hyperscan_available,
)

__all__ = [
    "INLINE_IGNORE",
    "FallbackLiterals",
    "Hit",
    "HyperscanLiterals",
    "LiteralSet",
    "Matcher",
    "build_literal_set",
    "hyperscan_available",
]
