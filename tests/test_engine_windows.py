"""Keyword windows: a rule's pattern runs only where its match can be, with the same findings."""

from __future__ import annotations

import random

import pytest

from scanner.fingerprint import Fingerprinter
from scanner.match.matcher import QUICK_PASS_MAX, KeywordFinder, Matcher
from scanner.match.reach import char_reach, line_reach
from scanner.rules import default_rules
from tests import tokens

KEY = b"w" * 32


@pytest.mark.parametrize(
    ("pattern", "lines"),
    [
        (r"(?<![A-Za-z0-9_])(?P<secret>ghp_[A-Za-z0-9]{36})(?![A-Za-z0-9_])", 0),
        (r"pass\s{0,4}=\s{0,4}(?P<secret>[^\s]{8,})", 8),
        (r"(?=[^\n]{0,20}x)key(?P<secret>[^\s]+)", 0),
        (r"(?=[\s\S]{0,3}x)key", 3),  # a lookahead reads text too
        (r"a\nb\nc", 2),
        (r"(?s)key.{0,50}", None),  # > 16 lines: character windows instead
        (r"(?s:key.{0,3})", 3),
        (r"key[\s\S]+?end", None),
        (r"(?P<secret>a)|(?P<secret>b\n)", 1),  # duplicate group names (regex module syntax)
    ],
)
def test_line_reach(pattern: str, lines: int | None) -> None:
    assert line_reach(pattern) == lines


def test_char_reach() -> None:
    assert char_reach(r"(?<![a-z])ghp_[A-Za-z0-9]{36}") == 41
    assert char_reach(r"key\s+x") is None
    assert char_reach(r"-----BEGIN[\s\S]{20,100}?-----END") == 10 + 100 + 8


def test_keyword_finder_keeps_offsets_when_lowercasing_changes_length() -> None:
    text = "İİ PASSWORD pass"  # 'İ'.lower() is two characters
    finder = KeywordFinder(text)
    assert finder.positions(("password",)) == [(3, 11)]
    assert finder.positions(("password", "pass")) == [(3, 7), (3, 11), (12, 16)]


def test_prefilter_places_match_searched_places() -> None:
    matcher = Matcher(default_rules(), Fingerprinter(KEY))
    for i, doc in enumerate(_documents(5)[:10]):
        if i % 2:  # non-ASCII: byte places are converted to character places
            doc = doc.replace("the", "thé").replace("path", "päth ✓ 日本")
        data = doc.encode()
        _, _, ends = matcher._candidates(data)
        if data.isascii():
            told = KeywordFinder(doc, ends, exact=True)
        else:
            told = KeywordFinder(doc, ends, utf8=data)
        searched = KeywordFinder(doc, ends)
        for keyword in ends:
            assert told.positions((keyword,)) == searched.positions((keyword,)), keyword


class WholeTextMatcher(Matcher):
    """Reference: every candidate rule over the whole text (no windows)."""

    def _windows(self, rule_index: int, text: str, finder: KeywordFinder) -> list[tuple[int, int]]:
        return [(0, len(text))]


def _documents(seed: int) -> list[str]:
    rng = random.Random(seed)
    tokens.seed(seed)
    filler = ["the", "path", "default", "machine", "public", "meta", "build_", "ssl.", "://"]
    docs = []
    for _ in range(40):
        lines = []
        for _ in range(rng.randint(1, 400)):
            r = rng.random()
            if r < 0.03:
                lines.append(f"export GITHUB_TOKEN={tokens.github('ghp')}")
            elif r < 0.05:
                lines.append(f"password =\n   {tokens.random_secret(20)}")  # across lines
            elif r < 0.06:
                lines.append(tokens.pem_private_key("rsa"))
            elif r < 0.07:
                lines.append(
                    f"machine git.corp.invalid\n  login me\n  password {tokens.random_secret(16)}"
                )
            elif r < 0.08:
                lines.append(f"https://ci:{tokens.random_secret(14)}@nexus.corp.invalid/x")
            elif r < 0.09:
                key_id, secret = tokens.aws_access_key_id(), tokens.aws_secret_access_key()
                lines.append(f"{key_id}\n{' ' * rng.randint(0, 40)}{secret}")
            else:
                lines.append(" ".join(rng.choice(filler) for _ in range(rng.randint(1, 30))))
        docs.append("\n".join(lines) + "\n")
    return docs


def test_windows_give_the_same_findings_as_whole_text() -> None:
    pack = default_rules()
    windowed = Matcher(pack, Fingerprinter(KEY))
    whole = WholeTextMatcher(pack, Fingerprinter(KEY))
    total = 0
    for i, doc in enumerate(_documents(11)):
        raw = doc.encode()
        a, _ = windowed.scan_bytes(raw, f"doc{i}.txt", "text")
        b, _ = whole.scan_bytes(raw, f"doc{i}.txt", "text")
        assert [h.finding for h in a] == [h.finding for h in b]
        total += len(a)
    assert total > 50


def test_single_line_rule_runs_only_on_its_keyword_lines() -> None:
    pack = default_rules()
    matcher = Matcher(pack, Fingerprinter(KEY))
    index = next(i for i, r in enumerate(matcher.rules) if r.id == "github-pat-classic")
    half = QUICK_PASS_MAX // 2  # small texts may get one pass when the pattern is quick
    text = "a\n" * half + "x ghp_ y\n" + "b\n" * half
    (window,) = matcher._windows(index, text, KeywordFinder(text))
    assert text[window[0] : window[1]] == "x ghp_ y"


def test_keywords_on_every_line_get_one_pass() -> None:
    matcher = Matcher(default_rules(), Fingerprinter(KEY))
    index = next(i for i, r in enumerate(matcher.rules) if r.id == "datadog-client-token")
    text = "public class Foo { public int x; }\n" * 20000
    assert matcher._windows(index, text, KeywordFinder(text)) == [(0, len(text))]
