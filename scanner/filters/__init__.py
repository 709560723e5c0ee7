"""False-positive filters: drop matches that are placeholders, references, hashes, examples…

``false_positive_reason`` returns a short reason (for ``--explain`` output and tests) or ``None``
when the match should be kept.

Recall comes first. Every rule is checked for documented example values, explicit placeholders,
values that are themselves references (``${{ secrets.X }}``) and data-URI payloads. The aggressive
checks (surrounding expressions, hashes, UUIDs, lockfiles, test words, low variety) apply only to
generic rules (``confidence = "low"`` or tag ``generic``); minified-code detection also applies
to medium-confidence rules. High-confidence structured tokens are never dropped for where they
sit: a checksum-valid ``ghp_`` token in a test file is still a live credential.
"""

from __future__ import annotations

from collections.abc import Callable

from scanner.filters._context import Candidate
from scanner.filters.encoded import inside_data_uri, minified
from scanner.filters.examples import documented_example
from scanner.filters.hashes import hash_or_id
from scanner.filters.placeholders import placeholder
from scanner.filters.references import reference
from scanner.filters.testvalues import low_diversity, test_value
from scanner.model import Rule

Filter = Callable[[Candidate], "str | None"]

# Cheap and certain first.
FILTERS: tuple[Filter, ...] = (
    documented_example,
    reference,
    placeholder,
    inside_data_uri,
    hash_or_id,
    minified,
    test_value,
    low_diversity,
)


def false_positive_reason(secret: str, line: str, rule: Rule, path: str = "") -> str | None:
    """Why this match is not a real credential, or ``None`` to keep it."""
    candidate = Candidate(secret=secret, line=line, rule=rule, path=path)
    for check in FILTERS:
        reason = check(candidate)
        if reason is not None:
            return reason
    return None


__all__ = ["FILTERS", "Candidate", "false_positive_reason"]
