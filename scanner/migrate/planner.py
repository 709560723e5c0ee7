"""Build a :class:`MigrationPlan` from findings or from inventory credential ids."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scanner import paths
from scanner.migrate import values
from scanner.migrate.atomic import read_bytes
from scanner.migrate.plan import Edit, FileEdit, MigrationPlan, PlannedChange, SecretSource
from scanner.migrate.targets import git as git_target
from scanner.migrate.targets import guess_kind, target_name
from scanner.migrate.targets.base import Context, PlanError, Span, display, stowaway_command
from scanner.model import Finding

SHELL_SHARED = "shell-integration"


def _span(f: Finding) -> Span:
    return Span(
        byte_start=f.byte_start,
        byte_end=f.byte_end,
        fingerprint=f.fingerprint,
        provider=f.provider,
        rule_id=f.rule_id,
        preview=f.preview,
        encoding=f.encoding,
        expires_at=f.expires_at.isoformat() if f.expires_at else None,
        context_key=f.context_key,
    )


def _fingerprinter() -> Callable[[str], str]:
    from scanner.fingerprint import Fingerprinter

    return Fingerprinter()


def new_id() -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return f"m-{stamp}-{uuid.uuid4().hex[:6]}"


def plan_findings(
    findings: Iterable[Finding],
    *,
    home: Path | None = None,
    name: str | None = None,
    command: list[str] | None = None,
    fingerprinter: Callable[[str], str] | None = None,
) -> MigrationPlan:
    """Plan the migration of the given copies (findings carry the byte spans)."""
    home = home or paths.home_dir()
    fp = fingerprinter or _fingerprinter()
    ctx = Context(home=home, command=command or stowaway_command(), fingerprint=fp, name=name)
    plan = MigrationPlan(
        id=new_id(), created=datetime.now(UTC).isoformat(timespec="seconds"), changes=[]
    )
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        if f.informational:
            continue
        by_path.setdefault(f.path, []).append(f)
    if name and len({f.fingerprint for fs in by_path.values() for f in fs}) > 1:
        plan.problems.append(
            "--name applies to a single credential; several were selected, so "
            "the default names are used."
        )
        ctx.name = None
    for path_text, group in sorted(by_path.items()):
        path = Path(path_text)
        try:
            data = path.read_bytes()
        except OSError as exc:
            plan.problems.append(f"{display(path, home)}: cannot read it ({exc.strerror or exc}).")
            continue
        spans = []
        for f in sorted(group, key=lambda x: x.byte_start):
            try:
                values.source_value(
                    data,
                    SecretSource(path_text, f.byte_start, f.byte_end, f.fingerprint, f.encoding),
                    fp,
                )
            except values.ValueError_:
                plan.problems.append(
                    f"{display(path, home)}:{f.line}: the file changed since the "
                    "scan; scan again before migrating."
                )
                continue
            spans.append(_span(f))
        if not spans:
            continue
        kind = group[0].file_kind or guess_kind(path)
        try:
            change = _plan_file(ctx, path, data, spans, kind)
        except PlanError as exc:
            plan.problems.append(str(exc))
            continue
        if change is None:
            plan.problems.append(
                f"{display(path, home)}: Stowaway has no safe way yet to keep the tool reading "
                f"this {kind} file working with the keychain; the token stays where it is."
            )
            continue
        plan.changes.append(change)
    _add_tool_config(ctx, plan)
    _merge_same_files(plan)
    return plan


def _plan_file(
    ctx: Context, path: Path, data: bytes, spans: list[Span], kind: str
) -> PlannedChange | None:
    from scanner.migrate.targets import aws, docker, env, gh, history, kube, marker, npm, pypi

    target = target_name(kind, path)
    if target is None:
        return None
    if target == "history":
        return history.plan(ctx, path, data, spans, kind)
    if target == "aws":
        return aws.plan(ctx, path, data, spans)
    if target == "git":
        return git_target.plan(ctx, path, data, spans, remote_urls=False)
    if target == "git-url":
        return git_target.plan(ctx, path, data, spans, remote_urls=True)
    if target == "docker":
        return docker.plan(ctx, path, data, spans)
    if target == "kube":
        return kube.plan(ctx, path, data, spans)
    if target == "npm":
        return npm.plan(ctx, path, data, spans)
    if target == "pypi":
        return pypi.plan(ctx, path, data, spans)
    if target == "gh":
        return gh.plan(ctx, path, data, spans)
    if target in ("env", "rc"):
        return env.plan(ctx, path, data, spans, rc=target == "rc")
    return marker.plan(
        ctx, path, data, spans, tool_warning=kind not in ("notes", "text", "markdown")
    )


def gitconfig_path(home: Path) -> Path:
    env = os.environ.get("GIT_CONFIG_GLOBAL")
    return Path(env) if env else home / ".gitconfig"


def _add_tool_config(ctx: Context, plan: MigrationPlan) -> None:
    from scanner import shellint
    from scanner.migrate.targets.base import file_edit

    files: list[FileEdit] = []
    warnings: list[str] = []
    lines: list[str] = []
    if any(c.target == "git" for c in plan.changes):
        cfg = gitconfig_path(ctx.home)
        edit, notes = git_target.helper_config(ctx, cfg)
        if edit:
            files.append(edit)
            warnings.extend(notes)
            lines.append(
                f"{display(cfg, ctx.home)}: git asks `stowaway credential git` for credentials"
            )
    if any(c.exports for c in plan.changes):
        shell = shellint.current_shell()
        rc = shellint.rc_file(shell, ctx.home)
        data = read_bytes(rc)
        if data is None or shellint.BEGIN.encode() not in data:
            existing = data or b""
            prefix = b"" if not existing or existing.endswith(b"\n") else b"\n"
            block = prefix + shellint.block(shell, ctx.command).encode() + b"\n"
            edit_ = Edit(len(existing), len(existing), block, (), shared=SHELL_SHARED)
            files.append(file_edit(rc, data, [edit_], role="config"))
            lines.append(
                f"{display(rc, ctx.home)}: new {shell} shells export the variables from "
                "the keychain"
            )
    if files:
        plan.changes.append(
            PlannedChange(
                target="tool-config",
                path=files[0].display_path,
                title="Point the tools at the keychain",
                before="nothing configured",
                after="; ".join(lines),
                consumer=(
                    "Tools and shells started from now on find the secrets through Stowaway; "
                    "nothing changes for the ones already running."
                ),
                items=(),
                files=tuple(files),
                fingerprints=(),
                warnings=tuple(warnings),
            )
        )


def _merge_same_files(plan: MigrationPlan) -> None:
    """Two changes editing one file (an rc export and the integration block) share one write."""
    first: dict[str, tuple[int, int]] = {}
    changes = list(plan.changes)
    for ci, change in enumerate(changes):
        keep: list[FileEdit] = []
        for fe in change.files:
            if fe.path not in first:
                first[fe.path] = (ci, len(keep))
                keep.append(fe)
                continue
            oi, fi = first[fe.path]
            owner = changes[oi] if oi != ci else replace(change, files=tuple(keep))
            target = owner.files[fi]
            if target.before_hash != fe.before_hash:
                raise PlanError(f"{fe.display_path} changed while the plan was made")
            merged = replace(
                target,
                edits=target.edits + fe.edits,
                lines_changed=tuple(sorted({*target.lines_changed, *fe.lines_changed})),
            )
            if oi == ci:
                keep[fi] = merged
            else:
                files = list(owner.files)
                files[fi] = merged
                changes[oi] = replace(owner, files=tuple(files))
        changes[ci] = replace(change, files=tuple(keep))
    plan.changes = changes


def plan_migration(
    inventory: Any,
    credential_ids: Iterable[int] | None = None,
    *,
    findings: Iterable[Finding] | None = None,
    engine: Any = None,
    name: str | None = None,
    home: Path | None = None,
) -> MigrationPlan:
    """Plan from inventory credential ids (their present copies are re-scanned for exact byte
    spans) and/or from findings directly."""
    selected: list[Finding] = list(findings or [])
    problems: list[str] = []
    if credential_ids:
        if engine is None:
            from scanner.scan import Engine

            engine = Engine()
        for cid in credential_ids:
            cred = inventory.credential(cid)
            if cred is None:
                problems.append(f"There is no credential #{cid} in the inventory.")
                continue
            exposures = inventory.exposures(cid)
            if not exposures:
                problems.append(f"Credential #{cid} ({cred.preview}) has no copy left in a file.")
            for path in sorted({e.path for e in exposures}):
                scan = engine.scan_file(Path(path), known_credential=True)
                hits = [f for f in scan.findings if f.fingerprint == cred.fingerprint]
                if not hits:
                    problems.append(f"{path}: credential #{cid} is no longer there; scan again.")
                selected.extend(hits)
    plan = plan_findings(selected, name=name, home=home)
    plan.problems[:0] = problems
    return plan
