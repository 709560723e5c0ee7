"""Redacted previews: enough to recognise a token, never enough to use it."""

from __future__ import annotations

from collections.abc import Iterable

MASK = "…"
MAX_PREFIX = 12


def preview(secret: str, known_prefix: str = "") -> str:
    """Known (public) prefix + mask + last 4 characters at most.

    Short secrets show fewer trailing characters so that a preview never reveals more than a
    quarter of the secret.
    """
    prefix = known_prefix[:MAX_PREFIX] if secret.startswith(known_prefix) else ""
    rest = secret[len(prefix) :]
    tail_len = min(4, len(rest) // 4)
    tail = rest[-tail_len:] if tail_len else ""
    return f"{prefix}{MASK}{tail}"


def known_prefix(secret: str, keywords: Iterable[str], *, generic: bool = False) -> str:
    """The public, non-random prefix of a token (``ghp_``, ``xoxb-``, ``sk-proj-``, ``AKIA``…).

    Only a rule's own keyword can be a known prefix — a prefix is public because the provider
    documents it, not because the value happens to contain a dash. Generic rules (passwords,
    assignments) have none: every character of such a secret is secret.
    """
    if generic:
        return ""
    lowered = secret.lower()
    best = ""
    for keyword in keywords:
        if len(keyword) > len(best) and lowered.startswith(keyword) and len(keyword) < len(secret):
            best = keyword
    return secret[: len(best)]
