"""Redacted previews: enough to recognise a token, never enough to use it."""

from __future__ import annotations

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


def known_prefix(secret: str) -> str:
    """The public, non-random prefix of a token (``ghp_``, ``xoxb-``, ``sk-proj-``, ``AKIA``…)."""
    for sep in ("_", "-", "."):
        head, found, _ = secret.partition(sep)
        if found and 1 < len(head) <= 10 and head.isascii() and head.replace("-", "").isalpha():
            # include one more segment for two-part prefixes like sk-proj- or github_pat_
            candidate = head + sep
            rest = secret[len(candidate) :]
            nxt, found2, _ = rest.partition(sep)
            if found2 and nxt.isalpha() and len(nxt) <= 8 and nxt.islower():
                candidate += nxt + sep
            return candidate
    if len(secret) >= 16 and secret[:4] in {"AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIza"}:
        return secret[:4]
    return ""
