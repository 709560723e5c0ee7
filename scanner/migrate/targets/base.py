"""What every target shares: the secret spans it is given, the context, line helpers."""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import regex

from scanner.keychain import SERVICE, default_account
from scanner.migrate.plan import (
    Edit,
    FileEdit,
    KeychainItem,
    PlannedChange,
    SecretSource,
    Segment,
    content_hash,
    lines_in,
    template,
)
from scanner.paths import display_path


class PlanError(Exception):
    """This file (or this secret in it) cannot be migrated safely; the message says why."""


@dataclass(frozen=True)
class Span:
    """One located copy of a secret (from a Finding)."""

    byte_start: int
    byte_end: int
    fingerprint: str
    provider: str
    rule_id: str
    preview: str
    encoding: str | None = None
    expires_at: str | None = None
    context_key: str | None = None


@dataclass
class Context:
    home: Path
    command: list[str]  # how a consuming tool starts Stowaway (absolute)
    fingerprint: Callable[[str], str]
    name: str | None = None  # user-chosen keychain NAME for a single credential
    taken: dict[tuple[str, str], str] = field(default_factory=dict)  # account -> fingerprint key

    @property
    def command_line(self) -> str:
        return shlex.join(self.command)

    def account_for(self, provider: str, fingerprint: str, preferred: str | None = None) -> str:
        """A keychain account name for this secret, unique within the plan."""
        base = self.name or preferred or default_account(provider, fingerprint)
        account = base
        n = 2
        while self.taken.get((SERVICE, account), fingerprint) != fingerprint:
            account = f"{base}-{n}"
            n += 1
        self.taken[(SERVICE, account)] = fingerprint
        return account


def stowaway_command() -> list[str]:
    """Absolute command that runs this Stowaway: the frozen bundle, the `stowaway` script next
    to the running interpreter (a venv or pipx install), or ``python -m scanner``."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    exe = Path(sys.executable)
    for name in ("stowaway", "stowaway.exe"):
        script = exe.parent / name
        if script.is_file() and os.access(script, os.X_OK):
            return [str(script)]
    return [str(exe), "-m", "scanner"]


def line_bounds(data: bytes, offset: int) -> tuple[int, int]:
    """(start, end) of the line holding ``offset``; ``end`` includes the line break if any."""
    start = data.rfind(b"\n", 0, offset) + 1
    nl = data.find(b"\n", offset)
    end = len(data) if nl < 0 else nl + 1
    return start, end


def line_text(data: bytes, start: int, end: int) -> bytes:
    """A line without its line break (``\\n`` or ``\\r\\n``)."""
    return data[start:end].rstrip(b"\n").removesuffix(b"\r")


class ValueLine(NamedTuple):
    """The line holding a secret whose ``value`` group is exactly that secret."""

    start: int
    end: int  # includes the line break
    text: bytes  # without the line break
    match: regex.Match[bytes]


def value_line(pattern: regex.Pattern[bytes], data: bytes, span: Span) -> ValueLine | None:
    """``span``'s line if ``pattern`` matches it with the ``value`` group spanning exactly the
    secret (never for an encoded secret), else None."""
    start, end = line_bounds(data, span.byte_start)
    text = line_text(data, start, end)
    m = pattern.match(text)
    if (
        m is None
        or span.encoding
        or start + m.start("value") != span.byte_start
        or start + m.end("value") != span.byte_end
    ):
        return None
    return ValueLine(start, end, text, m)


def eol(data: bytes) -> bytes:
    return b"\r\n" if b"\r\n" in data else b"\n"


def file_edit(
    path: Path,
    data: bytes | None,
    edits: list[Edit],
    *,
    role: str = "secret",
    create_mode: int = 0o600,
) -> FileEdit:
    real = Path(os.path.realpath(path))
    display = display_path(str(path))  # ~-relative, as the user knows it
    if data is None:
        return FileEdit(
            path=str(real),
            display_path=display,
            before_hash=None,
            before_size=0,
            before_mtime_ns=0,
            edits=tuple(edits),
            lines_changed=(),
            create_mode=create_mode,
            role=role,
        )
    st = real.stat()
    lines: set[int] = set()
    for e in edits:
        lines.update(lines_in(data, e.start, max(e.end, e.start + 1)))
    return FileEdit(
        path=str(real),
        display_path=display,
        before_hash=content_hash(data),
        before_size=len(data),
        before_mtime_ns=st.st_mtime_ns,
        edits=tuple(edits),
        lines_changed=tuple(sorted(lines)),
        role=role,
    )


def ref(
    account: str,
    *,
    service: str = SERVICE,
    field_name: str | None = None,
    transform: str | None = None,
) -> Segment:
    return Segment(account=account, service=service, field=field_name, transform=transform)


def removal(
    data: bytes,
    start: int,
    end: int,
    secrets: list[tuple[int, int, Segment]],
    replacement: bytes = b"",
    shared: str | None = None,
) -> Edit:
    return Edit(
        start=start,
        end=end,
        replacement=replacement,
        original=template(data, start, end, secrets),
        shared=shared,
    )


def replace_secret(
    data: bytes, start: int, end: int, span: Span, account: str, replacement: bytes = b""
) -> Edit:
    """``data[start:end]`` (holding the one secret ``span``, stored as ``account``) becomes
    ``replacement``."""
    return removal(data, start, end, [(span.byte_start, span.byte_end, ref(account))], replacement)


def simple_item(
    account: str,
    span: Span,
    path: Path,
    kind: str,
    *,
    service: str = SERVICE,
    split: bool = True,
    meta: dict[str, str] | None = None,
    default_provider: str = "",
) -> KeychainItem:
    return KeychainItem(
        account=account,
        service=service,
        provider=span.provider or default_provider,
        kind=kind,
        sources=(
            SecretSource(
                str(path), span.byte_start, span.byte_end, span.fingerprint, span.encoding
            ),
        ),
        value={"source": 0},
        split=split,
        expires_at=span.expires_at,
        meta=meta or {},
    )


@dataclass
class SimpleItems:
    """One keychain item per distinct secret of a file, each under its own plan-unique name."""

    ctx: Context
    path: Path
    kind: str
    accounts: dict[str, str] = field(default_factory=dict)  # fingerprint -> account
    items: list[KeychainItem] = field(default_factory=list)

    def account(self, span: Span) -> str:
        """The account holding ``span``'s secret, adding its item on first sight."""
        account = self.accounts.get(span.fingerprint)
        if account is None:
            account = self.ctx.account_for(span.provider, span.fingerprint)
            self.accounts[span.fingerprint] = account
            self.items.append(simple_item(account, span, self.path, self.kind))
        return account


def display(path: Path, home: Path) -> str:
    try:
        return "~/" + str(path.relative_to(home))
    except ValueError:
        return str(path)


def change(
    target: str,
    path: Path,
    ctx: Context,
    title: str,
    before: str,
    after: str,
    consumer: str,
    items: list[KeychainItem],
    files: list[FileEdit],
    spans: list[Span],
    warnings: list[str] | None = None,
    exports: list[tuple[str, str]] | None = None,
) -> PlannedChange:
    return PlannedChange(
        target=target,
        path=display(path, ctx.home),
        title=title,
        before=before,
        after=after,
        consumer=consumer,
        items=tuple(items),
        files=tuple(files),
        fingerprints=tuple(dict.fromkeys(s.fingerprint for s in spans)),
        warnings=tuple(warnings or ()),
        exports=tuple(exports or ()),
    )


def marker(account: str) -> str:
    return f"[stowaway:keychain:{account}]"
