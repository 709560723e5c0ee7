"""What every filter looks at: the secret, where it sits in its line, and how sure its rule is."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import regex

from scanner.model import Confidence, Rule

KEY_BEFORE = regex.compile(
    r"""(?P<key>[A-Za-z_][\w.\-]*)["'\]]?\s*(?::=|=>|\?=|\+=|=|:|\s)\s*["'`]?\s*$"""
)
COMPONENT_SPLIT = regex.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])")


def generic_value(rule: Rule) -> bool:
    """A low-confidence or ``generic``-tagged rule: its whole value is secret (no public prefix)
    and the aggressive filters apply to it."""
    return rule.confidence == Confidence.LOW or "generic" in rule.tags


@dataclass(frozen=True)
class Candidate:
    """One match under review. Never stored or printed: it holds the plaintext."""

    secret: str
    line: str
    rule: Rule
    path: str
    column: int | None = None  # 0-based offset of the secret in ``line`` when the caller knows it

    def __repr__(self) -> str:  # the secret (and the line holding it) never appears in a repr
        return f"Candidate({self.rule.id} in {self.path or '<text>'})"

    @cached_property
    def span(self) -> tuple[int, int]:
        if self.column is not None and self.line.startswith(self.secret, self.column):
            return self.column, self.column + len(self.secret)
        start = self.line.find(self.secret) if self.secret else -1
        if start < 0:
            return len(self.line), len(self.line)
        return start, start + len(self.secret)

    @property
    def before(self) -> str:
        return self.line[: self.span[0]]

    @property
    def after(self) -> str:
        return self.line[self.span[1] :]

    @cached_property
    def key_name(self) -> str:
        """The variable/field the secret is assigned to (``GITHUB_TOKEN`` in
        ``export GITHUB_TOKEN=…``), or ``""``."""
        match = KEY_BEFORE.search(self.before[-200:])
        return match["key"] if match else ""

    @property
    def generic(self) -> bool:
        """Generic rules (keyword + random-looking value) get the aggressive filters."""
        return generic_value(self.rule)

    @property
    def structured(self) -> bool:
        return self.rule.confidence == Confidence.HIGH and not self.generic


def words(text: str) -> frozenset[str]:
    """A word list written as one whitespace-separated string."""
    return frozenset(text.split())


def components(text: str) -> list[str]:
    """Lower-cased words of an identifier or value: ``TEST_TOKEN`` / ``fakeKey`` → test, token…"""
    return [part.lower() for part in COMPONENT_SPLIT.split(text) if part]


def longest_run(text: str) -> int:
    """Length of the longest run of one repeated character (case-insensitive)."""
    best = run = 0
    prev = ""
    for ch in text.lower():
        run = run + 1 if ch == prev else 1
        prev = ch
        best = max(best, run)
    return best


def longest_sequence(text: str) -> int:
    """Length of the longest ascending or descending run like ``12345`` or ``abcdef``."""
    best = run = 1 if text else 0
    step = 0
    for a, b in zip(text.lower(), text.lower()[1:], strict=False):
        diff = ord(b) - ord(a)
        if diff in (1, -1) and (run == 1 or diff == step):
            run += 1
            step = diff
        elif diff in (1, -1):
            run, step = 2, diff
        else:
            run, step = 1, 0
        best = max(best, run)
    return best
