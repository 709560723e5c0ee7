"""False-positive filters: drop matches that are placeholders, references, hashes, examples…

``false_positive_reason`` returns a short reason (for ``--explain`` output and tests) or ``None``
when the match should be kept.
"""

from __future__ import annotations

from scanner.model import Rule


def false_positive_reason(secret: str, line: str, rule: Rule, path: str = "") -> str | None:
    """Why this match is not a real credential, or ``None`` to keep it."""
    return None
