"""kubeconfig ``user.token`` → an ``exec`` credential plugin (client.authentication.k8s.io/v1).

The ``token:`` line becomes an ``exec:`` block running ``stowaway credential kube <NAME>``, which
prints an ExecCredential with the token from the keychain entry ``kube/<user>``.
"""

from __future__ import annotations

import json
from pathlib import Path

import regex

from scanner.migrate.plan import Edit, KeychainItem, PlannedChange
from scanner.migrate.targets.base import (
    Context,
    PlanError,
    Span,
    change,
    file_edit,
    line_bounds,
    line_text,
    replace_secret,
    simple_item,
    value_line,
)

KIND = "kube"
API_VERSION = "client.authentication.k8s.io/v1"
TOKEN_LINE = regex.compile(
    rb"^(?P<indent>[ \t]*)token[ \t]*:[ \t]*(?P<q>[\"']?)(?P<value>[^\s\"']+)"
    rb"(?P=q)[ \t]*$"
)
NAME_LINE = regex.compile(rb"^(?P<indent>[ \t]*)-[ \t]+name[ \t]*:[ \t]*[\"']?(?P<name>[^\"'\s#]+)")


def _user_name(data: bytes, start: int, indent: int) -> str | None:
    pos = start
    while pos > 0:
        p_start, p_end = line_bounds(data, pos - 1)
        text = line_text(data, p_start, p_end)
        m = NAME_LINE.match(text)
        if m and len(m.group("indent")) < indent:
            return m.group("name").decode("utf-8", "replace")
        if text.strip() and len(text) - len(text.lstrip()) == 0 and not text.startswith(b"-"):
            return None  # left the users: list
        pos = p_start
    return None


def plan(ctx: Context, path: Path, data: bytes, spans: list[Span]) -> PlannedChange:
    items: list[KeychainItem] = []
    edits: list[Edit] = []
    names: list[str] = []
    for span in sorted(spans, key=lambda s: s.byte_start):
        found = value_line(TOKEN_LINE, data, span)
        if found is None:
            raise PlanError(
                f"{path}: only a block-style `token: <value>` line under a user can be "
                "migrated automatically"
            )
        start, end, text, m = found
        indent = m.group("indent").decode()
        user = _user_name(data, start, len(indent)) or span.fingerprint[3:11]
        account = ctx.account_for("kube", span.fingerprint, preferred=f"kube/{user}")
        names.append(user)
        items.append(simple_item(account, span, path, KIND, meta={"user": user}))
        command, *prefix_args = ctx.command
        args = [*prefix_args, "credential", "kube", account]
        nl = b"\r\n" if data[start:end].endswith(b"\r\n") else b"\n"
        block = nl.join(
            line.encode()
            for line in (
                f"{indent}exec:",
                f"{indent}  apiVersion: {API_VERSION}",
                f"{indent}  command: {json.dumps(command)}",
                f"{indent}  args: {json.dumps(args)}",
                f"{indent}  interactiveMode: Never",
                f"{indent}  provideClusterInfo: false",
            )
        )
        edits.append(replace_secret(data, start, start + len(text), span, account, block))
    _check(path, data, edits)
    return change(
        KIND,
        path,
        ctx,
        title=f"kubeconfig user{'s' if len(names) > 1 else ''} {', '.join(names)}: token into the "
        "keychain",
        before="`token:` in the kubeconfig",
        after="an `exec:` credential plugin entry running `stowaway credential kube`",
        consumer=(
            "kubectl and the client libraries run the exec plugin, which prints the token "
            "from the keychain as an ExecCredential."
        ),
        items=items,
        files=[file_edit(path, data, edits)],
        spans=spans,
    )


def _check(path: Path, data: bytes, edits: list[Edit]) -> None:
    """When PyYAML is there, prove the result still parses and has no token left."""
    try:
        import yaml
    except ImportError:
        return
    from scanner.migrate.plan import apply_edits

    try:
        doc = yaml.safe_load(apply_edits(data, edits))
    except yaml.YAMLError as exc:
        raise PlanError(f"{path}: the edited kubeconfig would not parse ({exc})") from exc
    for user in (doc or {}).get("users") or []:
        entry = user.get("user") if isinstance(user, dict) else None
        if isinstance(entry, dict) and "exec" in entry and "token" in entry:
            raise PlanError(f"{path}: unexpected kubeconfig layout")
