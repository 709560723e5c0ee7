"""AWS access key ids: the owning account is encoded in the id itself."""

from __future__ import annotations

import regex

from scanner.validators import Validation, register
from scanner.validators.checksums import aws_account_id

KEY_ID = regex.compile(
    r"(?P<kind>AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|ASCA)"
    r"[A-Z2-7]{16}"
)
KINDS = {
    "AKIA": "long-term access key",
    "ASIA": "temporary (STS) access key; needs its session token",
    "ABIA": "AWS STS service bearer token",
    "ACCA": "context-specific credential",
}


@register("aws_access_key_id")
def aws_access_key_id(secret: str) -> Validation:
    match = KEY_ID.fullmatch(secret)
    if match is None:
        return Validation(valid=False, reason="not an AWS access key id")
    kind = match["kind"]
    details: list[tuple[str, str]] = [("key_type", kind)]
    account = aws_account_id(secret)
    if account is not None:
        details.append(("aws_account", account))
    reason = KINDS.get(kind, "AWS unique identifier (not an access key)")
    if kind not in KINDS:
        return Validation(valid=False, reason=reason, details=tuple(details))
    # The key id is half a credential: nothing to verify offline beyond its alphabet.
    return Validation(valid=None, reason=reason, details=tuple(details))
