"""Credentials stored base64-encoded under well-known keys.

docker ``config.json`` ``auths.<registry>.auth`` = base64("user:token"), kubeconfig
``client-key-data`` = base64(PEM key), ``.npmrc`` ``_auth`` = base64("user:password"). The decoded
text becomes a segment whose findings point at the encoded blob (``encoding="base64"``).
"""

from __future__ import annotations

import base64
import binascii

import regex

from scanner.formats.base import Segment

ENCODED_KEYS = ("auth", "_auth", "client-key-data")
TRIGGERS = (b'"auth"', b"_auth", b"client-key-data")

BLOB = regex.compile(
    r"""(?<![\w-])["']?(?P<key>auth|_auth|client-key-data)["']?\s*[:=]\s*["']?"""
    r"""(?P<blob>[A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])"""
)


def encoded_blobs(text: str) -> list[Segment]:
    segments = []
    for match in BLOB.finditer(text):
        blob = match.group("blob")
        try:
            decoded = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True)
            plain = decoded.decode("utf-8")
        except (binascii.Error, ValueError):
            continue
        if not plain.isprintable() and not all(c.isprintable() or c in "\r\n\t" for c in plain):
            continue
        segments.append(
            Segment(
                plain,
                blob=match.span("blob"),
                encoding="base64",
                context_key=match.group("key"),
            )
        )
    return segments
