"""Grafana, Atlassian/Bitbucket and Cloudflare tokens: a trailing CRC32 in hex."""

from __future__ import annotations

import regex

from scanner.validators import Validation, register
from scanner.validators._util import checksum_result
from scanner.validators.checksums import atlassian_checksum, cloudflare_checksum, grafana_checksum

GRAFANA = regex.compile(r"glsa_[A-Za-z0-9]{32}_(?P<crc>[0-9a-fA-F]{8})")
ATLASSIAN = regex.compile(r"(?:ATATT|ATCTT|ATBB|ATOA)[A-Za-z0-9_=+/-]+[0-9A-Fa-f]{8}")
CLOUDFLARE = regex.compile(
    r"(?P<prefix>cfk_|cfut_|cfat_)(?P<body>[A-Za-z0-9]{40})(?P<crc>[0-9a-f]{8})"
)
CLOUDFLARE_KINDS = {
    "cfk_": "global API key",
    "cfut_": "user API token",
    "cfat_": "account API token",
}
ATLASSIAN_KINDS = {
    "ATATT": "Atlassian API token",
    "ATCTT": "Atlassian Cloud token",
    "ATBB": "Bitbucket app password",
    "ATOA": "Bitbucket OAuth/access token",
}


@register("grafana_crc32")
def grafana_crc32(secret: str) -> Validation:
    """CRC32 of the first 37 characters equals the 8 hex digits read as a little-endian uint32."""
    match = GRAFANA.fullmatch(secret)
    if match is None:
        return Validation(valid=False, reason="not a Grafana service-account token")
    return checksum_result(grafana_checksum(secret[:37]) == match["crc"].lower())


@register("atlassian_crc32")
def atlassian_crc32(secret: str) -> Validation:
    """The last 8 hex digits are the CRC32 of every character before them, prefix included."""
    if ATLASSIAN.fullmatch(secret) is None:
        return Validation(valid=False, reason="not an Atlassian token")
    kind = next(v for k, v in ATLASSIAN_KINDS.items() if secret.startswith(k))
    result = checksum_result(atlassian_checksum(secret[:-8]) == secret[-8:].upper())
    return Validation(valid=result.valid, reason=result.reason, details=(("kind", kind),))


@register("cloudflare_crc32")
def cloudflare_crc32(secret: str) -> Validation:
    """Cloudflare documents a checksum after the 40 characters but not how it is computed.

    CRC32 over the body (or over prefix + body) confirms the token; a mismatch gives
    ``valid=None`` rather than ``False`` so an undocumented construction never hides a real key.
    """
    match = CLOUDFLARE.fullmatch(secret)
    if match is None:
        return Validation(valid=False, reason="not a Cloudflare scannable token")
    details = (("kind", CLOUDFLARE_KINDS[match["prefix"]]),)
    crc = match["crc"]
    if crc in {cloudflare_checksum(match["body"]), cloudflare_checksum(secret[:-8])}:
        return Validation(valid=True, reason="checksum ok", details=details)
    return Validation(valid=None, reason="structure ok; checksum not confirmed", details=details)
