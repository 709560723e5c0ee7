"""``~/.git-credentials`` lines and tokens in remote URLs → the ``stowaway credential git``
helper, configured in ``~/.gitconfig``.

The keychain entry ``git/<host>/<user>`` holds ``{"protocol", "host", "username", "password"}``;
``git credential fill`` asks the helper, which answers from the keychain. A ``helper = store``
line in ~/.gitconfig is replaced, since git would otherwise write the token back to
~/.git-credentials in plain text after the next successful push.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import regex

from scanner.keychain import SERVICE
from scanner.migrate.atomic import read_bytes
from scanner.migrate.plan import (
    Edit,
    FileEdit,
    KeychainItem,
    PlannedChange,
    SecretSource,
    line_of,
    text_segment,
)
from scanner.migrate.targets.base import (
    Context,
    PlanError,
    Span,
    change,
    eol,
    file_edit,
    line_bounds,
    line_text,
    ref,
    removal,
)

KIND = "git"
HELPER_SHARED = "git-credential-helper"
URL = regex.compile(
    rb"(?P<protocol>[a-z][a-z0-9+.\-]*)://(?:(?P<user>[^:@/\s]*)(?::(?P<password>[^@/\s]*))?@)?"
    rb"(?P<host>[^/\s\"']+)(?P<path>/[^\s\"']*)?"
)
STORE_HELPER = regex.compile(rb"^[ \t]*helper[ \t]*=[ \t]*store\b[^\r\n]*", regex.MULTILINE)


def _default_user(host: str) -> str:
    return "x-access-token" if "github" in host else "oauth2"


def plan(
    ctx: Context, path: Path, data: bytes, spans: list[Span], *, remote_urls: bool
) -> PlannedChange:
    items: list[KeychainItem] = []
    edits: list[Edit] = []
    seen: dict[tuple[int, int], str] = {}
    names: list[str] = []
    for span in sorted(spans, key=lambda s: s.byte_start):
        start, end = line_bounds(data, span.byte_start)
        text = line_text(data, start, end)
        url = next(
            (
                m
                for m in URL.finditer(text)
                if start + m.start() <= span.byte_start < start + m.end()
            ),
            None,
        )
        if url is None or span.encoding:
            raise PlanError(f"{path}:{line_of(data, start)}: the token is not in a URL")
        protocol = url.group("protocol").decode()
        host = url.group("host").decode()
        user_span = None
        if url.group("user") is not None:
            user_span = (start + url.start("user"), start + url.end("user"))
        if url.group("password") is not None:
            p_start, p_end = start + url.start("password"), start + url.end("password")
            username = unquote(url.group("user").decode())
            token_in = "password"
        else:
            assert user_span is not None
            p_start, p_end = user_span
            username = _default_user(host)
            token_in = "user"
        if (p_start, p_end) != (span.byte_start, span.byte_end):
            raise PlanError(f"{path}: the token is only part of the URL's credentials")
        if b"%" in data[p_start:p_end]:
            raise PlanError(f"{path}: percent-encoded tokens are not supported")
        if (p_start, p_end) in seen:
            continue
        account = ctx.account_for("git", span.fingerprint, preferred=f"git/{host}/{username}")
        seen[(p_start, p_end)] = account
        names.append(f"{username}@{host}")
        meta = {"protocol": protocol, "host": host, "username": username}
        items.append(
            KeychainItem(
                account=account,
                service=SERVICE,
                provider=span.provider or "git",
                kind=KIND,
                sources=(SecretSource(str(path), p_start, p_end, span.fingerprint),),
                value={
                    "json": {
                        "protocol": protocol,
                        "host": host,
                        "username": username,
                        "password": {"source": 0},
                    }
                },
                expires_at=span.expires_at,
                meta=meta,
            )
        )
        secret_ref = [(p_start, p_end, ref(account, field_name="password"))]
        if not remote_urls:
            edits.append(removal(data, start, end, secret_ref))
        elif token_in == "password":  # https://user:TOKEN@host → https://user@host
            edits.append(removal(data, p_start - 1, p_end, secret_ref))
        else:  # https://TOKEN@host → https://host
            edits.append(removal(data, p_start, p_end + 1, secret_ref))
    after = (
        "the line is gone from ~/.git-credentials"
        if not remote_urls
        else "the remote URL keeps only the user name"
    )
    return change(
        KIND,
        path,
        ctx,
        title=f"Git credentials for {', '.join(names)} into the keychain",
        before="the token in " + ("~/.git-credentials" if not remote_urls else "a remote URL"),
        after=after,
        consumer=(
            "git asks its credential helper `stowaway credential git` (set in ~/.gitconfig), "
            "which answers from the keychain."
        ),
        items=items,
        files=[file_edit(path, data, edits)],
        spans=spans,
    )


def helper_config(ctx: Context, gitconfig: Path) -> tuple[FileEdit | None, list[str]]:
    """The ~/.gitconfig edit that makes git ask Stowaway (None if already configured)."""
    data = read_bytes(gitconfig)
    helper = f"{ctx.command_line} credential git"
    existing = data or b""
    if helper.encode() in existing:
        return None, []
    nl = eol(existing)
    value = helper.replace("\\", "\\\\").replace('"', '\\"')
    warnings = []
    store = STORE_HELPER.search(existing)
    if store:
        indent = store.group(0)[: len(store.group(0)) - len(store.group(0).lstrip())]
        edit = Edit(
            store.start(),
            store.end(),
            indent + f'helper = "{value}"'.encode(),
            (text_segment(store.group(0)),),
            shared=HELPER_SHARED,
        )
        warnings.append(
            "~/.gitconfig used `helper = store` (plain-text ~/.git-credentials); it "
            "now uses Stowaway's keychain helper instead (undo puts it back)."
        )
    else:
        prefix = b"" if not existing or existing.endswith(b"\n") else nl
        block = prefix + b"[credential]" + nl + f'\thelper = "{value}"'.encode() + nl
        edit = Edit(len(existing), len(existing), block, (), shared=HELPER_SHARED)
    return file_edit(gitconfig, data, [edit], role="config"), warnings
