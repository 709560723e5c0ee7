"""JSON Web Tokens (RFC 7519): decode header and claims; the signature can't be checked offline."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from scanner.validators import Validation, register
from scanner.validators._util import b64url_decode

DETAIL_CLAIMS = ("iss", "aud", "scope", "azp", "token_use", "typ")


def _claim_text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)[:200]
    return str(value)[:200]


def _json_part(part: str) -> dict[str, Any]:
    value = json.loads(b64url_decode(part).decode("utf-8"))
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def _timestamp(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


@register("jwt")
def jwt(secret: str) -> Validation:
    parts = secret.split(".")
    if len(parts) != 3:
        return Validation(valid=False, reason="jwt: not three parts")
    try:
        header = _json_part(parts[0])
        claims = _json_part(parts[1])
    except (ValueError, UnicodeDecodeError):
        return Validation(valid=False, reason="jwt: header or payload is not base64url JSON")
    alg = header.get("alg")
    if not isinstance(alg, str):
        return Validation(valid=False, reason="jwt: header has no alg")
    details: list[tuple[str, str]] = [("alg", alg)]
    for name in DETAIL_CLAIMS:
        if name in claims and claims[name] not in (None, ""):
            details.append((name, _claim_text(claims[name])))
    expires_at = _timestamp(claims.get("exp"))
    issued = _timestamp(claims.get("iat"))
    if issued is not None:
        details.append(("issued_at", issued.isoformat()))
    if alg.lower() == "none":
        reason = "jwt: unsigned (alg none)"
    elif not parts[2]:
        reason = "jwt: valid structure, signature missing"
    else:
        try:
            b64url_decode(parts[2])
        except ValueError:
            return Validation(valid=False, reason="jwt: signature is not base64url")
        reason = "jwt: valid structure"
    if expires_at is not None and expires_at < datetime.now(tz=UTC):
        reason += ", expired"
    return Validation(valid=True, reason=reason, expires_at=expires_at, details=tuple(details))
