"""Generic rules only: matches in test code and fixtures (``tests/``, ``test_*.py``, ``*.spec.ts``).

Test suites are full of made-up credentials passed to the code under test (``login(user,
token="…")``). A generic match there is almost always such a value. Structured tokens are never
dropped for sitting in a test file: a checksum-valid ``ghp_`` pasted into a test still works.
Only the path below the user's home counts, so a home folder named ``test`` changes nothing.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import PurePath

import regex

from scanner.filters._context import Candidate, words

TEST_DIRS = words(
    """
    test tests __tests__ testdata test-data test_data spec specs __specs__ fixtures __fixtures__
    fixture mocks __mocks__
    """
)
TEST_FILE = regex.compile(
    r"""(?x)
    ^tests?\.[A-Za-z0-9]+$ | ^test_[^/]*\.py$ | ^[^/]*_tests?\.py$ | ^conftest\.py$
    | ^[^/]*_test\.go$
    | ^[^/]*\.(?:test|spec)\.[cm]?[jt]sx?$
    | ^[^/]*_spec\.rb$ | ^[^/]*_test\.rb$
    | ^[^/]*Tests?\.(?:java|kt|cs|swift|scala|groovy)$
    | ^[^/]*_test\.(?:rs|exs|dart|cc|cpp|c)$ | ^test_[^/]*\.(?:rb|php|sh)$ | ^[^/]*Test\.php$
    """
)


@cache
def _home() -> str:
    try:
        return os.path.expanduser("~").rstrip("/\\")
    except Exception:  # pragma: no cover - no home at all
        return ""


def is_test_path(path: str) -> bool:
    """Whether ``path`` is test code or a fixture (judged below the home folder)."""
    if not path or path.startswith("<"):
        return False
    home = _home()
    if home and (path.startswith(home + "/") or path.startswith(home + "\\")):
        path = path[len(home) + 1 :]
    parts = PurePath(path).parts
    if not parts:
        return False
    if TEST_FILE.match(parts[-1]):
        return True
    return any(part.lower() in TEST_DIRS for part in parts[:-1])


def test_file(c: Candidate) -> str | None:
    if not c.generic or not is_test_path(c.path):
        return None
    return "test code or fixture"
