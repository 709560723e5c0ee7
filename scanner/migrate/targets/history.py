"""Shell histories: whole entries holding the token are removed, keeping the format valid.

bash: the line, plus its ``#<epoch>`` timestamp line (HISTTIMEFORMAT). zsh: an extended entry
``: <epoch>:<d>;cmd`` with its ``\\``-continued lines (bytes are compared raw, so metafied bytes
stay as they are). fish: the ``- cmd:`` entry with its ``  when:``/``  paths:`` lines. PowerShell
(PSReadLine): the line with its backtick-continued lines.
"""

from __future__ import annotations

from pathlib import Path

import regex

from scanner.migrate.plan import PlannedChange
from scanner.migrate.targets.base import (
    Context,
    PlanError,
    SimpleItems,
    Span,
    change,
    file_edit,
    line_bounds,
    line_text,
    ref,
    removal,
)

KIND = "history"
BASH_STAMP = regex.compile(rb"^#\d+$")

ADVICE = {
    "bash": "bash: start a command with a space and set HISTCONTROL=ignorespace (or list patterns "
    "in HISTIGNORE) so it is not saved; `history -d N` removes an entry from a running shell.",
    "zsh": "zsh: `setopt HIST_IGNORE_SPACE` and start secret commands with a space (or set "
    "HISTORY_IGNORE).",
    "fish": "fish: use private mode (`fish --private`) for secret commands, or "
    "`history delete --exact '<command>'` in each open fish.",
    "powershell": "PowerShell: set a PSReadLine AddToHistoryHandler that returns $false for lines "
    "holding secrets (PSReadLine already skips lines with words like password/token/apikey).",
}


def shell_of(path: Path, file_kind: str) -> str:
    if file_kind.endswith("_history"):
        return file_kind.removesuffix("_history")
    name = path.name.lower()
    if "zsh" in name:
        return "zsh"
    if name == "fish_history":
        return "fish"
    if name.endswith("_history.txt"):
        return "powershell"
    return "bash"


def _continued(data: bytes, start: int, end: int, mark: bytes) -> bool:
    return line_text(data, start, end).endswith(mark)


def entry_bounds(data: bytes, offset: int, shell: str) -> tuple[int, int]:
    start, end = line_bounds(data, offset)
    if shell in ("zsh", "powershell"):
        mark = b"\\" if shell == "zsh" else b"`"
        while start > 0:
            p_start, p_end = line_bounds(data, start - 1)
            if not _continued(data, p_start, p_end, mark):
                break
            start = p_start
        while end < len(data) and _continued(data, *line_bounds(data, end - 1), mark):
            end = line_bounds(data, end)[1]
    elif shell == "fish":
        while not data[start:].startswith(b"- cmd:"):
            if start == 0:
                raise PlanError("this fish history entry has no `- cmd:` line")
            start = line_bounds(data, start - 1)[0]
        while end < len(data) and not data[end:].startswith(b"- cmd:"):
            end = line_bounds(data, end)[1]
    elif start > 0:
        p_start, p_end = line_bounds(data, start - 1)
        if BASH_STAMP.match(line_text(data, p_start, p_end)):
            start = p_start
    return start, end


def plan(ctx: Context, path: Path, data: bytes, spans: list[Span], file_kind: str) -> PlannedChange:
    shell = shell_of(path, file_kind)
    stored = SimpleItems(ctx, path, KIND)
    entries: dict[tuple[int, int], list[Span]] = {}
    for span in sorted(spans, key=lambda s: s.byte_start):
        if span.encoding:
            raise PlanError(f"{path}: encoded tokens in a history file are not supported")
        bounds = entry_bounds(data, span.byte_start, shell)
        entries.setdefault(bounds, []).append(span)
        stored.account(span)
    accounts = stored.accounts
    merged: list[tuple[int, int, list[Span]]] = []
    for (start, end), group in sorted(entries.items()):
        if merged and start < merged[-1][1]:
            prev = merged[-1]
            merged[-1] = (prev[0], max(prev[1], end), prev[2] + group)
        else:
            merged.append((start, end, group))
    edits = [
        removal(
            data,
            start,
            end,
            [(s.byte_start, s.byte_end, ref(accounts[s.fingerprint])) for s in group],
        )
        for start, end, group in merged
    ]
    return change(
        KIND,
        path,
        ctx,
        title=f"Remove {len(edits)} {shell} history entr{'y' if len(edits) == 1 else 'ies'} "
        "holding the token",
        before=f"{len(edits)} command{'s' if len(edits) != 1 else ''} with the token in history",
        after="those commands are gone from the history file; the token is in the keychain",
        consumer=(
            f"Nothing reads a token from history. Get it back with `stowaway get "
            f"{', '.join(accounts.values())}` if you need it."
        ),
        items=stored.items,
        files=[file_edit(path, data, edits)],
        spans=spans,
        warnings=[
            "A shell that is open now keeps its history in memory and may write these commands "
            "back when it exits: close open shells (or remove the entries there too) and "
            "re-scan.",
            ADVICE.get(shell, ADVICE["bash"]),
        ],
    )
