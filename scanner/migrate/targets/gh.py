"""GitHub CLI ``hosts.yml`` tokens → keyring entries gh reads itself.

When gh cannot reach the system keyring it writes ``oauth_token: <token>`` into hosts.yml in
plain text. gh 2.24+ reads tokens from the keyring through zalando/go-keyring, service
``gh:<host>``:

* user ``""`` (empty) is the *active* slot: what gh uses for API calls and git;
* user ``<login>`` (gh 2.40+, multi-account) is that account's own slot, used by
  ``gh auth switch`` / ``gh auth status`` / ``gh auth token --user``.

So a host-level ``oauth_token`` (the active account's token) goes into both the active slot and
the ``user:`` login's slot, and ``users: <login>: oauth_token`` into that login's slot. Only the
``oauth_token:`` lines are removed; ``user:``, ``git_protocol:`` and the ``users:`` map stay
byte for byte (a login with no keys left under it is exactly what gh itself writes).

On Linux go-keyring's Secret Service item carries the attributes ``service`` and ``username``,
which is what Python keyring's SecretService backend writes; macOS generic passwords use the same
service/account pair. Windows is refused: go-keyring names the credential ``gh:<host>:<login>``
and stores UTF-8 bytes, which keyring's Windows backend cannot produce.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from scanner.migrate.plan import Edit, KeychainItem, PlannedChange, line_of
from scanner.migrate.targets.base import (
    Context,
    PlanError,
    Span,
    change,
    file_edit,
    line_bounds,
    ref,
    removal,
    simple_item,
)

KIND = "gh"
TOKEN_KEY = "oauth_token"
ACTIVE_SLOT = ""  # go-keyring user name of gh's active-token entry


def service_for(host: str) -> str:
    return f"gh:{host}"


@dataclass(frozen=True)
class Entry:
    """One ``key: value`` line of hosts.yml, with its path of keys from the top."""

    path: tuple[str, ...]
    line_start: int
    line_end: int  # includes the line break
    value_start: int
    value_end: int  # the value without quotes
    value: str


def _unquote(raw: bytes, start: int) -> tuple[int, int]:
    """(start, end) offsets of a scalar value inside ``raw`` (which begins at ``start``)."""
    if len(raw) >= 2 and raw[:1] == raw[-1:] and raw[:1] in (b'"', b"'"):
        return start + 1, start + len(raw) - 1
    return start, start + len(raw)


def parse(path: Path, data: bytes) -> list[Entry]:
    """The block-style mapping gh writes (indentation, ``key: value``); anything else refused."""
    entries: list[Entry] = []
    stack: list[tuple[int, str]] = []
    pos = 0
    while pos < len(data):
        start, end = line_bounds(data, pos)
        pos = end
        line = data[start:end].rstrip(b"\r\n")
        stripped = line.lstrip(b" ")
        if not stripped.strip() or stripped.startswith(b"#"):
            continue
        if stripped.startswith(b"\t") or b":" not in stripped:
            raise PlanError(
                f"{path}:{line_of(data, start)}: not the plain `key: value` layout gh writes; "
                "the file is left as it is."
            )
        indent = len(line) - len(stripped)
        key_raw, _, rest = stripped.partition(b":")
        if rest and not rest.startswith((b" ", b"\t")):
            raise PlanError(f"{path}:{line_of(data, start)}: unexpected `:` in a key")
        key = key_raw.strip().strip(b"\"'").decode("utf-8", "replace")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        keys = (*(k for _, k in stack), key)
        value = rest.split(b" #", 1)[0].strip()
        if value:
            offset = start + indent + len(key_raw) + 1 + rest.index(value)
            v_start, v_end = _unquote(value, offset)
            entries.append(
                Entry(
                    keys, start, end, v_start, v_end, data[v_start:v_end].decode("utf-8", "replace")
                )
            )
        else:
            stack.append((indent, key))
    return entries


def _token_path(keys: tuple[str, ...]) -> bool:
    """``<host>.oauth_token`` or ``<host>.users.<login>.oauth_token``."""
    if keys[-1] != TOKEN_KEY:
        return False
    return len(keys) == 2 or (len(keys) == 4 and keys[1] == "users")


def plan(ctx: Context, path: Path, data: bytes, spans: list[Span]) -> PlannedChange:
    if sys.platform == "win32":
        raise PlanError(
            f"{path}: on Windows gh names its Credential Manager entries in a way Stowaway "
            "cannot write yet (`gh:<host>:<login>`, UTF-8); the token stays where it is. "
            "`gh auth login` without --insecure-storage stores it there itself."
        )
    entries = parse(path, data)
    by_value = {(e.value_start, e.value_end): e for e in entries}
    users = {e.path[0]: e.value for e in entries if len(e.path) == 2 and e.path[1] == "user"}
    located: list[tuple[Span, Entry]] = []
    for span in sorted(spans, key=lambda s: s.byte_start):
        entry = by_value.get((span.byte_start, span.byte_end))
        if entry is None or span.encoding or not _token_path(entry.path):
            raise PlanError(
                f"{path}:{line_of(data, span.byte_start)}: only `oauth_token: <token>` under a "
                "host (or under one of its `users:`) can be migrated"
            )
        located.append((span, entry))

    per_user_slots = {(e.path[0], e.path[2]) for _, e in located if len(e.path) == 4}
    items: list[KeychainItem] = []
    edits: list[Edit] = []
    hosts: list[str] = []
    for span, entry in located:
        host = entry.path[0]
        service = service_for(host)
        if len(entry.path) == 2:
            login = users.get(host, "")
            if not login:
                raise PlanError(
                    f"{path}: {host} has an oauth_token but no `user:` line; gh's keyring entry "
                    "is named after the account's login. Run `gh auth status` once (gh fills it "
                    "in), then scan again."
                )
            slots = [ACTIVE_SLOT] + ([] if (host, login) in per_user_slots else [login])
        else:
            login = entry.path[2]
            slots = [login]
        for slot in slots:
            items.append(
                simple_item(
                    slot,
                    span,  # its offsets are the entry's value (found by them above)
                    path,
                    KIND,
                    service=service,
                    split=False,
                    default_provider="github",
                    meta={"host": host, "user": login, "slot": "active" if not slot else "account"},
                )
            )
        secret = [(entry.value_start, entry.value_end, ref(slots[0], service=service))]
        edits.append(removal(data, entry.line_start, entry.line_end, secret))
        label = f"{login}@{host}"
        if label not in hosts:
            hosts.append(label)
    plural = "s" if len(hosts) > 1 else ""
    return change(
        KIND,
        path,
        ctx,
        title=f"GitHub CLI token{plural} for {', '.join(hosts)} into the keychain",
        before="`oauth_token: <token>` in gh's hosts.yml",
        after="no oauth_token in hosts.yml; keyring entries under gh's own names (gh:<host>)",
        consumer=(
            "gh reads the token from the system keyring itself (gh 2.24 or newer; "
            '`gh auth status` shows "(keyring)"). Older gh versions would find no token.'
        ),
        items=items,
        files=[file_edit(path, data, edits)],
        spans=spans,
    )
