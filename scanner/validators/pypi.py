"""PyPI API tokens: ``pypi-`` + a base64url macaroon (libmacaroons v2 binary format).

v2 layout: version byte ``0x02``; then packets ``<type byte><varint length><data>``: location (1),
identifier (2), end-of-section (0); each caveat is a section of packets ending in 0; an extra 0
ends the caveats; then the 32-byte signature (type 6). The signature needs PyPI's key, so only the
structure is checked. Caveats (project names, expiry) are reported, never the identifier.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from scanner.validators import Validation, register
from scanner.validators._util import b64url_decode

LOCATION, IDENTIFIER, VID, SIGNATURE, EOS = 1, 2, 4, 6, 0


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise ValueError("truncated macaroon")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def varint(self) -> int:
        shift = value = 0
        while True:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
            shift += 7
            if shift > 28:
                raise ValueError("varint too long")

    def packet(self) -> tuple[int, bytes]:
        kind = self.byte()
        if kind == EOS:
            return EOS, b""
        length = self.varint()
        end = self.pos + length
        if end > len(self.data):
            raise ValueError("truncated macaroon packet")
        data = self.data[self.pos : end]
        self.pos = end
        return kind, data


def _section(reader: _Reader) -> dict[int, bytes]:
    fields: dict[int, bytes] = {}
    while True:
        kind, data = reader.packet()
        if kind == EOS:
            return fields
        if kind in fields or kind not in (LOCATION, IDENTIFIER, VID):
            raise ValueError("unexpected macaroon packet")
        fields[kind] = data


def parse_macaroon(raw: bytes) -> tuple[str, list[bytes]]:
    """(location, caveat identifiers) of a v2 macaroon; raises ``ValueError`` when malformed."""
    reader = _Reader(raw)
    if reader.byte() != 2:
        raise ValueError("not a v2 macaroon")
    head = _section(reader)
    if IDENTIFIER not in head:
        raise ValueError("macaroon without identifier")
    caveats: list[bytes] = []
    while reader.pos < len(raw) and raw[reader.pos] != EOS:
        section = _section(reader)
        if IDENTIFIER not in section:
            raise ValueError("caveat without identifier")
        caveats.append(section[IDENTIFIER])
    if reader.byte() != EOS:
        raise ValueError("caveats not terminated")
    kind, signature = reader.packet()
    if kind != SIGNATURE or len(signature) != 32 or reader.pos != len(raw):
        raise ValueError("bad macaroon signature packet")
    return head.get(LOCATION, b"").decode("utf-8", "replace"), caveats


def _caveat_details(caveat: Any) -> tuple[list[tuple[str, str]], datetime | None]:
    """PyPI caveats.

    v1 ``{"version":1,"permissions":"user"|{"projects":[…]}}``; v2 lists
    ``[0, expires, not_before]``, ``[1, [project names]]``, ``[2, [project ids]]``,
    ``[3, user]``."""
    out: list[tuple[str, str]] = []
    expires: datetime | None = None
    if isinstance(caveat, dict):
        perms = caveat.get("permissions")
        if perms == "user":
            out.append(("scope", "entire account"))
        elif isinstance(perms, dict) and isinstance(perms.get("projects"), list):
            out.append(("scope", "projects: " + ", ".join(map(str, perms["projects"]))))
    elif isinstance(caveat, list) and caveat and isinstance(caveat[0], int):
        tag = caveat[0]
        if tag == 0 and len(caveat) >= 2 and isinstance(caveat[1], int):
            expires = datetime.fromtimestamp(caveat[1], tz=UTC)
        elif tag == 1 and len(caveat) >= 2 and isinstance(caveat[1], list):
            out.append(("scope", "projects: " + ", ".join(map(str, caveat[1]))))
        elif tag == 2:
            out.append(("scope", "specific project ids"))
        elif tag == 3:
            out.append(("scope", "bound to one user"))
    return out, expires


@register("pypi_macaroon")
def pypi_macaroon(secret: str) -> Validation:
    if not secret.startswith("pypi-"):
        return Validation(valid=False, reason="not a PyPI token")
    try:
        location, caveats = parse_macaroon(b64url_decode(secret[5:]))
    except ValueError:
        return Validation(valid=False, reason="not a PyPI macaroon")
    details: list[tuple[str, str]] = [("index", location)]
    expires: datetime | None = None
    for raw in caveats:
        try:
            parsed = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            continue
        found, caveat_expiry = _caveat_details(parsed)
        details.extend(found)
        if caveat_expiry is not None:
            expires = caveat_expiry if expires is None else min(expires, caveat_expiry)
    if not any(key == "scope" for key, _ in details):
        details.append(("scope", "unrestricted" if not caveats else "restricted"))
    return Validation(
        valid=True, reason="macaroon structure ok", expires_at=expires, details=tuple(details)
    )
