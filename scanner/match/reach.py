"""How far from a keyword a rule's match can reach, in lines: the window the engine searches.

A rule's pattern only runs around occurrences of its keywords. :func:`line_reach` reads the
pattern's syntax tree and returns how many line breaks one match (with its lookarounds) can
cross: 0 for the common single-line token (search only the keyword's own line), ``n`` for
patterns such as ``password\\s{0,4}=`` (the keyword's line ± n lines), ``None`` when it is
unbounded (``[\\s\\S]*``, ``\\s+``): the engine then uses character windows, as wide as
:func:`char_reach` (the longest text a match can cover) when that is bounded.

The tree comes from the standard library's regex parser (rule patterns are written in the
subset both it and the ``regex`` module understand); a pattern it can't read is unbounded.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

try:  # Python 3.11+
    import re._constants as sre_constants
    import re._parser as sre_parse
except ImportError:  # pragma: no cover - older interpreters
    import sre_constants
    import sre_parse

NEWLINE = ord("\n")
UNBOUNDED = -1
MAX_LINE_REACH = 16  # beyond this, character windows are cheaper to build than line windows
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
_C: Any = sre_constants
_NEWLINE_CATEGORIES = frozenset(
    getattr(_C, name)
    for name in (
        "CATEGORY_SPACE",
        "CATEGORY_NOT_DIGIT",
        "CATEGORY_NOT_WORD",
        "CATEGORY_LINEBREAK",
        "CATEGORY_UNI_SPACE",
        "CATEGORY_UNI_NOT_DIGIT",
        "CATEGORY_UNI_NOT_WORD",
        "CATEGORY_UNI_LINEBREAK",
    )
    if hasattr(_C, name)
)
_REPEATS = frozenset(
    getattr(_C, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(_C, name)
)
_ZERO_WIDTH = frozenset(
    getattr(_C, name) for name in ("AT", "GROUPREF", "FAILURE", "SUCCESS") if hasattr(_C, name)
)


def _set_has_newline(items: list[tuple[Any, Any]]) -> bool | None:
    negate = False
    hit = False
    for op, av in items:
        if op is _C.NEGATE:
            negate = True
        elif op is _C.LITERAL:
            hit |= av == NEWLINE
        elif op is _C.RANGE:
            hit |= av[0] <= NEWLINE <= av[1]
        elif op is _C.CATEGORY:
            hit |= av in _NEWLINE_CATEGORIES
        elif op is getattr(_C, "CHARSET", None) or op is getattr(_C, "BIGCHARSET", None):
            return None
        else:
            return None
    return hit != negate


def _add(a: int, b: int) -> int:
    return UNBOUNDED if UNBOUNDED in (a, b) else a + b


def _reach(tree: Any, dotall: bool, lines: bool = True) -> int:
    """Most line breaks (``lines``) or characters a sequence can match, lookarounds included
    (``UNBOUNDED`` if there is no limit or the syntax is unknown)."""
    total = 0
    for op, av in tree:
        if op is _C.LITERAL:
            n = 1 if av == NEWLINE or not lines else 0
        elif op is _C.NOT_LITERAL:
            n = 0 if av == NEWLINE and lines else 1
        elif op is _C.ANY:
            n = 1 if dotall or not lines else 0
        elif op is _C.IN:
            has = _set_has_newline(av) if lines else True
            n = UNBOUNDED if has is None else int(has)
        elif op in _REPEATS:
            _low, high, sub = av
            inner = _reach(sub, dotall, lines)
            if inner == 0:
                n = 0
            elif inner == UNBOUNDED or high == _C.MAXREPEAT:
                n = UNBOUNDED
            else:
                n = inner * high
        elif op is _C.SUBPATTERN:
            _, add, remove, sub = av
            flag = _C.SRE_FLAG_DOTALL
            n = _reach(sub, (dotall or bool(add & flag)) and not remove & flag, lines)
        elif op is _C.BRANCH:
            options = [_reach(branch, dotall, lines) for branch in av[1]]
            n = UNBOUNDED if UNBOUNDED in options else max(options, default=0)
        elif op in (_C.ASSERT, _C.ASSERT_NOT):  # lookarounds read text outside the match
            n = _reach(av[1], dotall, lines)
        elif op is getattr(_C, "ATOMIC_GROUP", None):
            n = _reach(av, dotall, lines)
        elif op is _C.GROUPREF_EXISTS:
            yes = _reach(av[1], dotall, lines)
            no = _reach(av[2], dotall, lines) if av[2] is not None else 0
            n = UNBOUNDED if UNBOUNDED in (yes, no) else max(yes, no)
        elif op in _ZERO_WIDTH:
            n = 0
        else:
            return UNBOUNDED
        total = _add(total, n)
        if total == UNBOUNDED:
            return UNBOUNDED
    return total


@cache
def _parse(pattern: str) -> Any:
    try:
        return sre_parse.parse(_NAMED_GROUP.sub("(?:", pattern), 0)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None


def line_reach(pattern: str) -> int | None:
    """Line breaks one match of ``pattern`` can span (None: unbounded, unknown or > 16)."""
    tree = _parse(pattern)
    if tree is None:
        return None
    reach = _reach(tree, bool(tree.state.flags & _C.SRE_FLAG_DOTALL))
    if reach == UNBOUNDED or reach > MAX_LINE_REACH:
        return None
    return reach


def char_reach(pattern: str) -> int | None:
    """Characters one match of ``pattern`` and its lookarounds can cover (None: unbounded)."""
    tree = _parse(pattern)
    if tree is None:
        return None
    reach = _reach(tree, bool(tree.state.flags & _C.SRE_FLAG_DOTALL), lines=False)
    return None if reach == UNBOUNDED else reach
