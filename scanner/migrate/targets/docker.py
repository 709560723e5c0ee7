"""``~/.docker/config.json`` ``auths`` → the ``docker-credential-stowaway`` helper.

The registry's ``"auth"`` member (base64 of ``user:secret``) is removed and
``"credHelpers": {"<registry>": "stowaway"}`` added, so docker runs ``docker-credential-stowaway
get`` for that registry; the keychain entry ``docker/<registry>`` holds
``{"ServerURL", "Username", "Secret"}`` (the helper protocol's shape). Edits are textual and
checked by parsing the result, so the rest of the file keeps its exact bytes.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import shutil
from pathlib import Path
from typing import Any

import regex

from scanner.keychain import SERVICE
from scanner.migrate.plan import Edit, KeychainItem, PlannedChange, SecretSource, apply_edits
from scanner.migrate.targets.base import (
    Context,
    PlanError,
    Span,
    change,
    file_edit,
    ref,
    removal,
)

KIND = "docker"
HELPER = "stowaway"
WS = b" \t\r\n"


def _skip_ws_back(data: bytes, pos: int) -> int:
    while pos > 0 and data[pos - 1] in WS:
        pos -= 1
    return pos


def _skip_ws(data: bytes, pos: int) -> int:
    while pos < len(data) and data[pos] in WS:
        pos += 1
    return pos


def _member_span(data: bytes, v_start: int, v_end: int) -> tuple[int, int]:
    """Span of ``"auth": "<blob>"`` plus one adjoining comma, from the blob's span."""
    key = regex.compile(rb'"auth"\s*:\s*"$')
    head = data[max(0, v_start - 64) : v_start]
    m = key.search(head)
    if not m:
        raise PlanError('config.json: the token is not the value of an "auth" field')
    start = v_start - (len(head) - m.start())
    end = v_end + 1  # closing quote
    after = _skip_ws(data, end)
    if data[after : after + 1] == b",":
        return start, _skip_ws(data, after + 1)
    before = _skip_ws_back(data, start)
    if data[before - 1 : before] == b",":
        return before - 1, end
    return start, end


def _decode_auth(blob: str) -> tuple[str, str]:
    try:
        raw = base64.b64decode(blob, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise PlanError('config.json: an "auth" value is not valid base64') from exc
    if base64.b64encode(raw.encode()).decode() != blob:
        raise PlanError('config.json: an "auth" value is not in canonical base64')
    user, sep, secret = raw.partition(":")
    if not sep or not secret:
        raise PlanError('config.json: an "auth" value is not user:secret')
    return user, secret


def plan(ctx: Context, path: Path, data: bytes, spans: list[Span]) -> PlannedChange:
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise PlanError(f"{path}: not valid JSON ({exc})") from exc
    auths = doc.get("auths") if isinstance(doc, dict) else None
    if not isinstance(auths, dict):
        raise PlanError(f'{path}: no "auths" section')
    expected = copy.deepcopy(doc)
    items: list[KeychainItem] = []
    edits: list[Edit] = []
    registries: list[str] = []
    for registry, entry in auths.items():
        blob = entry.get("auth") if isinstance(entry, dict) else None
        if not isinstance(blob, str) or not blob:
            continue
        quoted = json.dumps(blob).encode()
        hits = [m.start() + 1 for m in regex.finditer(regex.escape(quoted), data)]
        spans_here = [s for s in spans if any(h <= s.byte_start < h + len(blob) for h in hits)]
        if not spans_here:
            continue
        if len(hits) != 1:
            raise PlanError(
                f'{path}: the same "auth" value appears {len(hits)} times; migrate it by hand'
            )
        v_start, v_end = hits[0], hits[0] + len(blob)
        user, _secret = _decode_auth(blob)
        account = ctx.account_for(
            "docker", spans_here[0].fingerprint, preferred=f"docker/{registry}"
        )
        fingerprint = spans_here[0].fingerprint
        items.append(
            KeychainItem(
                account=account,
                service=SERVICE,
                provider="docker",
                kind=KIND,
                sources=(
                    SecretSource(str(path), v_start, v_end, None, "docker-auth-user"),
                    SecretSource(str(path), v_start, v_end, fingerprint, "docker-auth"),
                ),
                value={
                    "json": {
                        "ServerURL": registry,
                        "Username": {"source": 0},
                        "Secret": {"source": 1},
                    }
                },
                meta={"registry": registry, "username": user},
            )
        )
        m_start, m_end = _member_span(data, v_start, v_end)
        edits.append(
            removal(
                data,
                m_start,
                m_end,
                [(v_start, v_end, ref(account, field_name="auth", transform="docker-auth"))],
            )
        )
        del expected["auths"][registry]["auth"]
        expected.setdefault("credHelpers", {})[registry] = HELPER
        registries.append(registry)
    if not registries:
        raise PlanError(f'{path}: the token is not in an "auths" entry\'s "auth" field')
    edits.append(_cred_helpers_edit(data, doc, registries))
    result = apply_edits(data, edits)
    try:
        if json.loads(result) != expected:
            raise PlanError(f"{path}: could not edit the file safely (unexpected layout)")
    except ValueError as exc:
        raise PlanError(f"{path}: could not edit the file safely ({exc})") from exc
    warnings = []
    if shutil.which("docker-credential-stowaway") is None:
        warnings.append(
            "`docker-credential-stowaway` is not on PATH: docker will not find the "
            "helper until Stowaway's bin folder is on PATH."
        )
    return change(
        KIND,
        path,
        ctx,
        title=f"Docker login{'s' if len(registries) > 1 else ''} for {', '.join(registries)} "
        "into the keychain",
        before='base64 user:token in config.json "auths"',
        after='"credHelpers" → stowaway for the registry; no "auth" field',
        consumer="docker runs `docker-credential-stowaway get`, which answers from the keychain.",
        items=items,
        files=[file_edit(path, data, edits)],
        spans=spans,
        warnings=warnings,
    )


def _indent_of(data: bytes, pos: int) -> bytes:
    line_start = data.rfind(b"\n", 0, pos) + 1
    line = data[line_start:pos]
    return line[: len(line) - len(line.lstrip(b" \t"))]


def _cred_helpers_edit(data: bytes, doc: dict[str, Any], registries: list[str]) -> Edit:
    pairs = ", ".join(f"{json.dumps(r)}: {json.dumps(HELPER)}" for r in registries)
    if isinstance(doc.get("credHelpers"), dict):
        m = regex.search(rb'"credHelpers"\s*:\s*\{', data)
        if not m:
            raise PlanError('config.json: cannot locate "credHelpers"')
        pos = m.end()
        closing = _skip_ws(data, pos)
        sep = b"" if data[closing : closing + 1] == b"}" else b","
        return Edit(pos, pos, (" " + pairs).encode() + sep, ())
    brace = _skip_ws(data, 0)
    if data[brace : brace + 1] != b"{":
        raise PlanError("config.json: the top level is not an object")
    pos = brace + 1
    nxt = _skip_ws(data, pos)
    sep = b"" if data[nxt : nxt + 1] == b"}" else b","
    nl_indent = b""
    if data[pos:nxt].count(b"\n"):
        nl_indent = b"\n" + _indent_of(data, nxt)
    text = f'"credHelpers": {{{pairs}}}'.encode()
    return Edit(pos, pos, nl_indent + text + sep, ())
