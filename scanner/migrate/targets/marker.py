"""Notes and documents: each copy of the token becomes ``[stowaway:keychain:NAME]`` in place."""

from __future__ import annotations

from pathlib import Path

from scanner.migrate.plan import PlannedChange
from scanner.migrate.targets.base import (
    Context,
    PlanError,
    SimpleItems,
    Span,
    change,
    file_edit,
    marker,
    replace_secret,
)

KIND = "marker"


def plan(
    ctx: Context, path: Path, data: bytes, spans: list[Span], *, tool_warning: bool = False
) -> PlannedChange:
    stored = SimpleItems(ctx, path, KIND)
    edits = []
    for span in sorted(spans, key=lambda s: s.byte_start):
        if span.encoding:
            raise PlanError(
                f"{path}: the token sits inside an encoded blob ({span.encoding}); it cannot be "
                "replaced by a marker without breaking the blob."
            )
        account = stored.account(span)
        edits.append(
            replace_secret(
                data, span.byte_start, span.byte_end, span, account, marker(account).encode()
            )
        )
    accounts = stored.accounts
    names = ", ".join(accounts.values())
    warnings = []
    if tool_warning:
        warnings.append(
            "A program that reads this file will no longer find the token there; give it the "
            "token with `stowaway exec` or `stowaway get` instead."
        )
    return change(
        KIND,
        path,
        ctx,
        title=f"Replace the token in {path.name} with a keychain marker",
        before=f"{len(edits)} cop{'y' if len(edits) == 1 else 'ies'} of the token in the text",
        after=f"the marker {marker(next(iter(accounts.values())))} in place of each copy",
        consumer=f"You read it with `stowaway get {names}` when you need it.",
        items=stored.items,
        files=[file_edit(path, data, edits)],
        spans=spans,
        warnings=warnings,
    )
