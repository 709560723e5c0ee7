"""GitHub and npm tokens: CRC32 checksum in base62 (GitHub's 2021 token format)."""

from __future__ import annotations

from scanner.validators import Validation, register
from scanner.validators._util import ALNUM, checksum_result, only
from scanner.validators.checksums import github_checksum

GITHUB_KINDS = {
    "ghp": "personal access token (classic)",
    "gho": "OAuth access token",
    "ghu": "GitHub App user-to-server token",
    "ghs": "GitHub App installation (server-to-server) token",
    "ghr": "GitHub App refresh token",
}


def _crc_body_ok(rest: str) -> bool:
    return len(rest) > 6 and github_checksum(rest[:-6]) == rest[-6:]


@register("github_crc32")
def github_crc32(secret: str) -> Validation:
    prefix, sep, rest = secret.partition("_")
    if not sep or prefix not in GITHUB_KINDS or not only(rest, ALNUM):
        return Validation(valid=False, reason="not a GitHub token")
    details = (("kind", GITHUB_KINDS[prefix]),)
    if prefix == "ghr" and len(rest) != 36:
        # Refresh tokens are longer than the 30+6 layout; the checksum scheme is not documented
        # for them, so a match confirms it and a mismatch proves nothing.
        if _crc_body_ok(rest):
            return Validation(valid=True, reason="checksum ok", details=details)
        return Validation(
            valid=None, reason="refresh token: no documented checksum", details=details
        )
    if len(rest) != 36:
        return Validation(valid=False, reason="wrong length", details=details)
    result = checksum_result(_crc_body_ok(rest))
    return Validation(valid=result.valid, reason=result.reason, details=details)


@register("github_fine_grained")
def github_fine_grained(secret: str) -> Validation:
    """``github_pat_`` + 22 + ``_`` + 59: GitHub documents no checksum, only the shape."""
    if not secret.startswith("github_pat_"):
        return Validation(valid=False, reason="not a fine-grained GitHub token")
    parts = secret[len("github_pat_") :].split("_")
    if len(parts) != 2 or len(parts[0]) != 22 or len(parts[1]) != 59:
        return Validation(valid=False, reason="wrong structure")
    if not (only(parts[0], ALNUM) and only(parts[1], ALNUM)):
        return Validation(valid=False, reason="wrong alphabet")
    return Validation(
        valid=None,
        reason="structure ok (no checksum in this format)",
        details=(("kind", "fine-grained personal access token"),),
    )


@register("npm_crc32")
def npm_crc32(secret: str) -> Validation:
    if not secret.startswith("npm_"):
        return Validation(valid=False, reason="not an npm token")
    rest = secret[4:]
    if len(rest) != 36 or not only(rest, ALNUM):
        return Validation(valid=False, reason="wrong structure")
    return checksum_result(_crc_body_ok(rest))
