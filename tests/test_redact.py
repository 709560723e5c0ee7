"""Redacted previews never show more than the provider's public prefix and a short tail."""

from __future__ import annotations

from scanner.redact import known_prefix, preview


def test_prefix_comes_only_from_the_rules_keywords() -> None:
    assert known_prefix("ghp_abcdefghijklmnopqrstuvwxyz0123456789", ("ghp_",)) == "ghp_"
    assert known_prefix("AKIAZZZZZZZZZZZZZZZZ", ("akia", "asia")) == "AKIA"
    # a dash in a password is not a public prefix
    assert known_prefix("tok-value-secret-123", ("token",)) == ""
    assert known_prefix("sk-proj-abc123", ("sk-", "sk-proj-")) == "sk-proj-"
    assert known_prefix("ghp_abcdef", ("ghp_",), generic=True) == ""


def test_preview_shows_at_most_a_quarter_of_the_random_part() -> None:
    assert preview("hunter2hunter2!!") == "…r2!!"
    assert preview("short12") == "…2"
    assert preview("abc") == "…"
    assert preview("ghp_" + "x" * 32 + "WXYZ", "ghp_") == "ghp_…WXYZ"
