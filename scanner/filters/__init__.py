"""False-positive filters: drop matches that are placeholders, references, hashes, examples…

``false_positive_reason`` returns a short reason (for ``--explain`` output and tests) or ``None``
when the match should be kept.

Recall comes first. Every rule is checked for documented example values, explicit placeholders,
values that are themselves references (``${{ secrets.X }}``, Stowaway's own keychain entry names)
and data-URI payloads; rules that are not high-confidence also for bare placeholder words
(``https://user:TOKEN@host``). The aggressive checks (surrounding expressions and calls, hashes,
UUIDs, lockfiles, test words and test files, low variety) apply only to generic rules
(``confidence = "low"`` or tag ``generic``); minified-code detection also applies to
medium-confidence rules. High-confidence structured tokens are never dropped for where they
sit: a checksum-valid ``ghp_`` token in a test file is still a live credential.
"""

from __future__ import annotations

from collections.abc import Callable

from scanner.filters._context import Candidate, generic_value
from scanner.filters.encoded import inside_data_uri, minified
from scanner.filters.examples import documented_example
from scanner.filters.hashes import hash_or_id
from scanner.filters.placeholders import placeholder
from scanner.filters.references import reference
from scanner.filters.testfiles import test_file
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
    test_file,
    low_diversity,
)


def false_positive_reason(
    secret: str, line: str, rule: Rule, path: str = "", column: int | None = None
) -> str | None:
    """Why this match is not a real credential, or ``None`` to keep it.

    ``column`` is the secret's 0-based offset in ``line`` (else its first occurrence is used).
    """
    candidate = Candidate(secret=secret, line=line, rule=rule, path=path, column=column)
    for check in FILTERS:
        reason = check(candidate)
        if reason is not None:
            return reason
    return None


__all__ = ["FILTERS", "Candidate", "false_positive_reason", "generic_value"]
