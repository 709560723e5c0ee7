"""``~/.npmrc`` ``_authToken`` → ``${NPM_TOKEN}`` plus shell integration.

npm expands ``${VAR}`` in .npmrc values. The variable is exported by Stowaway's shell integration
block (``eval "$(stowaway get --exports)"`` in the shell's start-up file) or given per command by
``stowaway exec -- npm …``.
"""

from __future__ import annotations

from pathlib import Path

import regex

from scanner.migrate.plan import Edit, KeychainItem, PlannedChange
from scanner.migrate.targets.base import (
    Context,
    PlanError,
    Span,
    change,
    file_edit,
    replace_secret,
    simple_item,
    value_line,
)

KIND = "npm"
LINE = regex.compile(
    rb"^[ \t]*(?P<key>[^=\s]+)[ \t]*=[ \t]*(?P<q>[\"']?)(?P<value>[^\s\"']+)(?P=q)"
    rb"[ \t]*$"
)


def variable_for(key: str) -> str:
    host = key.lstrip("/").split("/", 1)[0].split(":", 1)[0]
    if host in ("", "registry.npmjs.org") or key.startswith("_"):
        return "NPM_TOKEN"
    slug = regex.sub(r"[^A-Za-z0-9]+", "_", host).strip("_").upper()
    return f"NPM_TOKEN_{slug}"


def plan(ctx: Context, path: Path, data: bytes, spans: list[Span]) -> PlannedChange:
    items: list[KeychainItem] = []
    edits: list[Edit] = []
    exports: list[tuple[str, str]] = []
    used: dict[str, str] = {}
    for span in sorted(spans, key=lambda s: s.byte_start):
        found = value_line(LINE, data, span)
        if found is None:
            raise PlanError(f"{path}: only `key=token` lines can be migrated automatically")
        key = found.match.group("key").decode()
        var = variable_for(key)
        account = ctx.account_for(
            span.provider, span.fingerprint, preferred=f"npm/{var.lower().replace('_', '-')}"
        )
        if used.setdefault(var, account) != account:
            raise PlanError(f"{path}: two different tokens would share ${{{var}}}")
        if (var, account) not in exports:
            exports.append((var, account))
            items.append(simple_item(account, span, path, KIND, meta={"variable": var, "key": key}))
        edits.append(
            replace_secret(
                data, span.byte_start, span.byte_end, span, account, f"${{{var}}}".encode()
            )
        )
    names = ", ".join(f"${{{v}}}" for v, _ in exports)
    return change(
        KIND,
        path,
        ctx,
        title=f"npm token → {names}",
        before="the token written in .npmrc",
        after=f"{names} in .npmrc",
        consumer=(
            "npm reads the token from the environment variable, which Stowaway's shell "
            "integration exports from the keychain in new shells (or run "
            "`stowaway exec -- npm …`)."
        ),
        items=items,
        files=[file_edit(path, data, edits)],
        spans=spans,
        exports=exports,
        warnings=[
            'Open a new shell (or run `eval "$(stowaway get --exports)"`) before the next '
            "npm command in a shell that is already open."
        ],
    )
