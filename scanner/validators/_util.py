"""Helpers shared by validator modules."""

from __future__ import annotations

import base64
import binascii

from scanner.validators import Validation

ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
HEX = frozenset("0123456789abcdefABCDEF")
URLSAFE = ALNUM | frozenset("-_")


def only(text: str, alphabet: frozenset[str]) -> bool:
    return bool(text) and all(c in alphabet for c in text)


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; raises ``ValueError`` on bad input."""
    if not only(text.rstrip("="), URLSAFE):
        raise ValueError("not base64url")
    stripped = text.rstrip("=")
    if len(stripped) % 4 == 1:
        raise ValueError("impossible base64 length")
    try:
        return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


def checksum_result(ok: bool, what: str = "checksum") -> Validation:
    return (
        Validation(valid=True, reason=f"{what} ok")
        if ok
        else Validation(valid=False, reason=f"{what} mismatch")
    )
