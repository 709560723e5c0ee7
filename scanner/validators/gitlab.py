"""GitLab tokens: routable tokens (2025+) carry a base36 CRC32; classic ``glpat-`` ones don't.

Routable layout: prefix, base64url payload, ``.``, 2-char version (``01``), ``.``, 2-char base36
payload length, 7-char base36 CRC32 of everything before it (prefix included). The payload is
``c:<cell>\\no:<org>\\nu:<user>…`` (ids in base36), then the random bytes and their count.
"""

from __future__ import annotations

import regex

from scanner.validators import Validation, register
from scanner.validators._util import URLSAFE, b64url_decode, only
from scanner.validators.checksums import BASE36, gitlab_routable_checksum

ROUTABLE = regex.compile(
    r"(?P<prefix>[a-z]+-)?(?P<payload>[\w-]{27,300})\.(?P<version>[0-9a-z]{2})\."
    r"(?P<length>[0-9a-z]{2})(?P<crc>[0-9a-z]{7})"
)
ROUTING_KEYS = {
    "c": "gitlab_cell",
    "g": "gitlab_group",
    "o": "gitlab_org",
    "u": "gitlab_user",
    "p": "gitlab_project",
    "t": "gitlab_type",
}


def _routing_details(payload: bytes) -> tuple[tuple[str, str], ...]:
    if not payload:
        return ()
    count = payload[-1]
    if count + 1 > len(payload):
        return ()
    routing = payload[: len(payload) - count - 1]
    out: list[tuple[str, str]] = []
    try:
        text = routing.decode("ascii")
    except UnicodeDecodeError:
        return ()
    for line in text.split("\n"):
        key, sep, value = line.partition(":")
        if sep and key in ROUTING_KEYS and value and all(c in BASE36 for c in value):
            number = str(int(value, 36)) if key != "t" else value
            out.append((ROUTING_KEYS[key], number))
    return tuple(out)


@register("gitlab_routable")
def gitlab_routable(secret: str) -> Validation:
    match = ROUTABLE.fullmatch(secret)
    if match is None:
        body = secret.split("-", 1)[-1]
        if secret.startswith("gl") and len(body) == 20 and only(body, URLSAFE):
            return Validation(valid=None, reason="classic token: no checksum in this format")
        return Validation(valid=False, reason="not a GitLab routable token")
    if int(match["length"], 36) != len(match["payload"]):
        return Validation(valid=False, reason="payload length mismatch")
    head = secret[: -len(match["crc"])]
    if gitlab_routable_checksum(head) != match["crc"]:
        return Validation(valid=False, reason="checksum mismatch")
    try:
        details = _routing_details(b64url_decode(match["payload"]))
    except ValueError:
        details = ()
    return Validation(
        valid=True, reason="checksum ok", details=(("version", match["version"]), *details)
    )
