"""``.env`` files and shell start-up files.

.env: ``VAR=token`` becomes the comment ``# VAR=[stowaway:keychain:NAME] …``; ``stowaway exec --
CMD`` (run in that folder) reads those references and gives CMD the variable, as does ``stowaway
exec --env VAR=NAME -- CMD`` anywhere. Shell rc: ``export VAR=token`` becomes
``export VAR="$(stowaway get NAME)"`` (fish: ``set -gx VAR (stowaway get NAME)``; PowerShell:
``$env:VAR = (& 'stowaway' get NAME)``), so every new shell still has it.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import regex

from scanner.migrate.plan import PlannedChange
from scanner.migrate.targets import marker as marker_target
from scanner.migrate.targets.base import (
    Context,
    SimpleItems,
    Span,
    change,
    file_edit,
    marker,
    replace_secret,
    value_line,
)
from scanner.shellint import pwsh_command

KIND_ENV = "env"
KIND_RC = "rc"

POSIX = regex.compile(
    rb"^(?P<indent>[ \t]*)(?P<export>export[ \t]+)?(?P<var>[A-Za-z_][A-Za-z0-9_]*)"
    rb"[ \t]*=[ \t]*(?P<q>[\"']?)(?P<value>[^\"'\s]*)(?P=q)[ \t]*(?P<rest>#.*)?$"
)
FISH = regex.compile(
    rb"^(?P<indent>[ \t]*)set[ \t]+(?:-[a-zA-Z]+[ \t]+)*(?P<var>[A-Za-z_][A-Za-z0-9_]*)"
    rb"[ \t]+(?P<q>[\"']?)(?P<value>[^\"'\s]*)(?P=q)[ \t]*$"
)
PWSH = regex.compile(
    rb"^(?P<indent>[ \t]*)\$env:(?P<var>[A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*"
    rb"(?P<q>[\"']?)(?P<value>[^\"'\s]*)(?P=q)[ \t]*$",
    regex.IGNORECASE,
)

ENV_REFERENCE = regex.compile(
    r"^\s*#\s*(?P<var>[A-Za-z_][A-Za-z0-9_]*)=\[stowaway:keychain:(?P<account>[^\]]+)\]"
)


def _flavour(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".fish"):
        return "fish"
    if name.endswith(".ps1"):
        return "pwsh"
    return "posix"


def plan(ctx: Context, path: Path, data: bytes, spans: list[Span], *, rc: bool) -> PlannedChange:
    flavour = _flavour(path) if rc else "posix"
    pattern = {"posix": POSIX, "fish": FISH, "pwsh": PWSH}[flavour]
    edits = []
    stored = SimpleItems(ctx, path, KIND_RC if rc else KIND_ENV)
    items = stored.items
    leftovers: list[Span] = []
    handled_lines: set[int] = set()
    names: list[str] = []
    for span in sorted(spans, key=lambda s: s.byte_start):
        found = value_line(pattern, data, span)
        if found is None:
            leftovers.append(span)
            continue
        start, _end, text, m = found
        if start in handled_lines:
            continue
        handled_lines.add(start)
        var = m.group("var").decode()
        account = stored.account(span)
        names.append(f"{var} → {account}")
        indent = m.group("indent").decode()
        get = f"{ctx.command_line} get {shlex.quote(account)}"
        if not rc:
            new = (
                f"{indent}# {var}={marker(account)} "
                "(in the OS keychain; run: stowaway exec -- <command>)"
            )
        elif flavour == "fish":
            new = f"{indent}set -gx {var} ({get})"
        elif flavour == "pwsh":
            new = f"{indent}$env:{var} = (& {pwsh_command(ctx.command)} get '{account}')"
        else:
            export = m.group("export").decode() if m.group("export") else "export "
            new = f'{indent}{export}{var}="$({get})"'
        edits.append(replace_secret(data, start, start + len(text), span, account, new.encode()))
    if leftovers:
        marked = marker_target.plan(ctx, path, data, leftovers, tool_warning=True)
        items.extend(marked.items)
        edits.extend(marked.files[0].edits)
    if rc:
        consumer = (
            "Each new shell asks the keychain for the value (`stowaway get`), so programs "
            "started from it still see the variable; the file no longer holds it."
        )
        after = "the variable is read from the keychain when the shell starts"
    else:
        consumer = (
            "Start the program with `stowaway exec -- <command>` in this folder (or "
            "`stowaway exec --env VAR=NAME -- <command>`): it gets the variable from the "
            "keychain. Scripts can use `stowaway get NAME`."
        )
        after = "a comment naming the keychain entry"
    return change(
        KIND_RC if rc else KIND_ENV,
        path,
        ctx,
        title=f"Move {', '.join(names) or 'the token'} from {path.name} into the keychain",
        before="the token assigned in the file",
        after=after,
        consumer=consumer,
        items=items,
        files=[file_edit(path, data, edits)],
        spans=spans,
    )


def references(text: str) -> list[tuple[str, str]]:
    """``(VAR, account)`` pairs from the reference comments a migrated .env file holds."""
    out = []
    for line in text.splitlines():
        m = ENV_REFERENCE.match(line)
        if m:
            out.append((m.group("var"), m.group("account")))
    return out
