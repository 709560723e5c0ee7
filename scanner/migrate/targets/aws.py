"""``~/.aws/credentials`` access keys → ``credential_process`` in ``~/.aws/config``.

The profile's key lines leave the credentials file; the keychain entry ``aws/<profile>`` holds the
JSON botocore/the AWS CLI expect from a credential process, which ``stowaway credential aws
<profile>`` prints. Other keys of the profile (region, output…) stay.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from scanner.keychain import SERVICE
from scanner.migrate.atomic import read_bytes
from scanner.migrate.plan import Edit, KeychainItem, PlannedChange, SecretSource
from scanner.migrate.targets import ini
from scanner.migrate.targets.base import (
    Context,
    PlanError,
    Span,
    change,
    eol,
    file_edit,
    ref,
    removal,
)

KIND = "aws"
FIELDS = {
    "aws_access_key_id": "AccessKeyId",
    "aws_secret_access_key": "SecretAccessKey",
    "aws_session_token": "SessionToken",
}


def config_path(credentials: Path) -> Path:
    env = os.environ.get("AWS_CONFIG_FILE")
    return Path(os.path.expanduser(env)) if env else credentials.parent / "config"


def _config_edit(ctx: Context, cfg: Path, cfg_data: bytes | None, profile: str) -> Edit:
    header = "default" if profile == "default" else f"profile {profile}"
    command = f"{ctx.command_line} credential aws {shlex.quote(profile)}"
    nl = eol(cfg_data or b"")
    line = f"credential_process = {command}".encode() + nl
    data = cfg_data or b""
    for section in ini.sections(data):
        if section.header is not None and section.name == header:
            if section.key("credential_process"):
                raise PlanError(
                    f"{cfg}: [{header}] already has a credential_process; Stowaway will not "
                    "replace it."
                )
            pos = section.header.end
            prefix = b"" if data[pos - 1 : pos] == b"\n" else nl
            return Edit(pos, pos, prefix + line, ())
    pos = len(data)
    prefix = b"" if not data or data.endswith(b"\n") else nl
    if data.strip():
        prefix += nl
    return Edit(pos, pos, prefix + f"[{header}]".encode() + nl + line, ())


def plan(ctx: Context, path: Path, data: bytes, spans: list[Span]) -> PlannedChange:
    profiles: dict[str, ini.Section] = {}
    for span in spans:
        section = ini.section_at(data, span.byte_start)
        if section is None or section.header is None:
            raise PlanError(f"{path}: the key is not inside a [profile] section")
        profiles[section.name] = section
    cfg = config_path(path)
    cfg_data = read_bytes(cfg)
    items: list[KeychainItem] = []
    edits: list[Edit] = []
    cfg_edits: list[Edit] = []
    by_fp = {s.fingerprint: s for s in spans}
    for profile, section in profiles.items():
        account = ctx.account_for("aws", f"profile:{profile}", preferred=f"aws/{profile}")
        sources: list[SecretSource] = []
        value: dict[str, object] = {"Version": 1}
        for key, field_name in FIELDS.items():
            found = section.key(key)
            if not found:
                continue
            line, v_start, v_end = found
            fingerprint = next(
                (fp for fp, s in by_fp.items() if s.byte_start == v_start and s.byte_end == v_end),
                None,
            )
            value[field_name] = {"source": len(sources)}
            sources.append(SecretSource(str(path), v_start, v_end, fingerprint))
            edits.append(
                removal(
                    data,
                    line.start,
                    line.end,
                    [(v_start, v_end, ref(account, field_name=field_name))],
                )
            )
        if "AccessKeyId" not in value or "SecretAccessKey" not in value:
            raise PlanError(
                f"{path}: profile [{profile}] needs both aws_access_key_id and "
                "aws_secret_access_key to be served by a credential process."
            )
        items.append(
            KeychainItem(
                account=account,
                service=SERVICE,
                provider="aws",
                kind=KIND,
                sources=tuple(sources),
                value={"json": value},
                meta={"profile": profile},
            )
        )
        cfg_edits.append(_config_edit(ctx, cfg, cfg_data, profile))
    names = ", ".join(sorted(profiles))
    files = [
        file_edit(path, data, edits),
        file_edit(cfg, cfg_data, _merge_inserts(cfg_edits), role="config"),
    ]
    return change(
        KIND,
        path,
        ctx,
        title=f"AWS profile{'s' if len(profiles) > 1 else ''} {names}: keys into the keychain",
        before="access keys in the credentials file",
        after=f"`credential_process = stowaway credential aws …` in {cfg.name}",
        consumer=(
            "The AWS CLI and SDKs run `stowaway credential aws <profile>`, which reads the "
            "keys from the keychain each time they need credentials."
        ),
        items=items,
        files=files,
        spans=spans,
    )


def _merge_inserts(edits: list[Edit]) -> list[Edit]:
    """Several profiles appending at the same place become one insertion."""
    merged: dict[int, Edit] = {}
    for e in edits:
        if e.start in merged:
            prev = merged[e.start]
            merged[e.start] = Edit(e.start, e.end, prev.replacement + e.replacement, ())
        else:
            merged[e.start] = e
    return list(merged.values())
