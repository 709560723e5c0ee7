"""Generic rules only: values or names that say they are tests, and strings too regular to be
random. A checksum-valid structured token in a test file is still real, so these never apply
to structured rules."""

from __future__ import annotations

import regex

from scanner.entropy import shannon_entropy
from scanner.filters._context import Candidate, components, words

TEST_WORDS = words(
    """
    test tests testing fake dummy example examples sample samples mock mocked stub demo
    fixture fixtures lorem ipsum foo bar baz qux quux hunter2 placeholder
    """
)
KEYBOARD = ("qwerty", "asdf", "zxcv", "1qaz", "qazwsx", "abc123", "123abc", "letmein", "passw0rd")


SEPARATORS = regex.compile(r"[^A-Za-z0-9]+")


def _bounded(text: str, form: str, at_start: bool) -> bool:
    """``form`` at the start/end of ``text``, not running on into more letters of its case."""
    if not (text.startswith(form) if at_start else text.endswith(form)):
        return False
    neighbour = text[len(form) : len(form) + 1] if at_start else text[-len(form) - 1 : -len(form)]
    if not neighbour:
        return True
    edge = form[-1] if at_start else form[0]
    return not (neighbour.isalpha() and neighbour.islower() == edge.islower())


def _says_test(secret: str) -> bool:
    """A test word as a separated part (``test-api-key``) or at either end (``mockToken1``).

    Camel-case pieces in the middle are ignored and words at the ends must match in one case
    (``mock``/``MOCK``/``Mock``) and stop there: random strings spell ``Quux`` or ``4mOCk`` by
    chance.
    """
    parts = [p.lower() for p in SEPARATORS.split(secret) if p]
    if len(parts) > 1 and TEST_WORDS.intersection(parts):
        return True
    for word in TEST_WORDS:
        if len(word) < 4:
            continue
        for form in (word, word.upper(), word.capitalize()):
            if _bounded(secret, form, True) or _bounded(secret, form, False):
                return True
    return False


# Whole words in a value: ``V1SecretVolumeSource`` -> V, Secret, Volume, Source.
VALUE_WORDS = regex.compile(r"[A-Z]?[a-z]{2,}|[A-Z]{2,}(?![a-z])")
KIND_WORDS = words("secret secrets token tokens password passwords passwd credential credentials")


def names_its_kind(secret: str) -> bool:
    """The value spells out what it is (``V1SecretProjection``, ``SomeKindOfPassword1``): a type
    or a description. A random value holds such a bounded word by chance about once in 10^9."""
    return any(w.lower() in KIND_WORDS for w in VALUE_WORDS.findall(secret))


def test_value(c: Candidate) -> str | None:
    if not c.generic:
        return None
    if _says_test(c.secret):
        return "test or example value"
    if names_its_kind(c.secret):
        return "value names a secret's kind (a type or a description)"
    if TEST_WORDS.intersection(components(c.key_name)):
        return "test or example variable"
    return None


def low_diversity(c: Candidate) -> str | None:
    if not c.generic:
        return None
    secret = c.secret
    lowered = secret.lower()
    rest = lowered
    for pattern in KEYBOARD:
        rest = rest.replace(pattern, "")
    if rest != lowered and len(rest.strip("0123456789")) <= 3:
        return "keyboard pattern"
    distinct = len(set(secret))
    if len(secret) >= 8 and (distinct <= 4 or shannon_entropy(secret) < 2.0):
        return "too little variety to be random"
    return None
