"""Reading the live secrets a plan refers to, at run time, from the file's current bytes."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable

from scanner.migrate.plan import KeychainItem, SecretSource


class ValueError_(Exception):
    """The file no longer holds the secret the plan expects."""


def _decoded(raw: str) -> str:
    try:
        return base64.b64decode(raw, validate=True).decode("utf-8", "surrogateescape")
    except (binascii.Error, ValueError) as exc:
        raise ValueError_("an encoded value is no longer valid base64") from exc


def candidates(raw: str, encoding: str | None) -> list[str]:
    """The values a span may stand for (the raw text, or what an encoded blob holds)."""
    if encoding is None:
        return [raw]
    decoded = _decoded(raw)
    user, _, secret = decoded.partition(":")
    if encoding == "docker-auth":
        return [secret]
    if encoding == "docker-auth-user":
        return [user]
    return [decoded, secret, user, raw]


def source_value(
    data: bytes, source: SecretSource, fingerprint: Callable[[str], str] | None
) -> str:
    raw = data[source.byte_start : source.byte_end].decode("utf-8", "surrogateescape")
    options = candidates(raw, source.encoding)
    if source.fingerprint is None or fingerprint is None:
        return options[0]
    if source.encoding == "docker-auth" and source.fingerprint in (
        fingerprint(options[0]),
        fingerprint(_decoded(raw)),
    ):
        return options[0]
    for value in options:
        if fingerprint(value) == source.fingerprint:
            return value
    raise ValueError_(
        f"{source.path}: the token at bytes {source.byte_start}-{source.byte_end} is not the one "
        "that was scanned (its fingerprint differs). Scan again and make a new plan."
    )


def item_value(
    item: KeychainItem,
    data_for: Callable[[str], bytes],
    fingerprint: Callable[[str], str] | None,
) -> str:
    def resolve(spec: object) -> object:
        if isinstance(spec, dict) and set(spec) == {"source"}:
            src = item.sources[int(spec["source"])]
            return source_value(data_for(src.path), src, fingerprint)
        return spec

    if "source" in item.value:
        return str(resolve(item.value))
    doc = {key: resolve(spec) for key, spec in item.value["json"].items()}
    return json.dumps(doc, separators=(",", ":"))
