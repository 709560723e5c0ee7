"""Generic rules only: values or names that say they are tests, and strings too regular to be
random. A checksum-valid structured token in a test file is still real, so these never apply
to structured rules."""

from __future__ import annotations

from scanner.filters._context import Candidate, components, entropy, words

TEST_WORDS = words(
    """
    test tests testing fake dummy example examples sample samples mock mocked stub demo
    fixture fixtures lorem ipsum foo bar baz qux quux hunter2 placeholder
    """
)
KEYBOARD = ("qwerty", "asdf", "zxcv", "1qaz", "qazwsx", "abc123", "123abc", "letmein", "passw0rd")


def test_value(c: Candidate) -> str | None:
    if not c.generic:
        return None
    if TEST_WORDS.intersection(components(c.secret)):
        return "test or example value"
    if TEST_WORDS.intersection(components(c.key_name)):
        return "test or example variable"
    return None


def low_diversity(c: Candidate) -> str | None:
    if not c.generic:
        return None
    secret = c.secret
    lowered = secret.lower()
    if any(pattern in lowered for pattern in KEYBOARD):
        return "keyboard pattern"
    distinct = len(set(secret))
    if len(secret) >= 8 and (distinct <= 4 or entropy(secret) < 2.0):
        return "too little variety to be random"
    return None
