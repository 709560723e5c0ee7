"""``stowaway inventory``: the credentials Stowaway knows about and where their copies are.

JSON and CSV are the redacted inventory for audits: previews and fingerprints, never a secret.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import sys
from datetime import UTC, datetime
from typing import Any

from scanner.inventory import (
    Credential,
    CredentialState,
    Exposure,
    Inventory,
    SchemaError,
)
from scanner.paths import display_path
from scanner.risk import Risk, assess, assess_many

EXIT_OK, EXIT_ERROR = 0, 2
JSON_VERSION = 1
CSV_COLUMNS = (
    "credential_id", "fingerprint", "provider", "rule_id", "rule_name", "preview", "state",
    "exposed", "persistence", "confidence", "informational", "owner", "notes", "expires_at",
    "rotation_days", "last_rotated_at", "first_seen", "last_seen", "present_copies",
    "risk_score", "risk_level", "risk_explanation", "exposure_id", "path", "line", "column",
    "file_kind", "exposure_state", "exposure_first_seen", "exposure_last_seen",
)  # fmt: skip


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "inventory",
        help="list known credentials and their copies (text, JSON or CSV)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text")
    parser.add_argument(
        "--state", choices=[s.value for s in CredentialState], help="only credentials in STATE"
    )
    parser.add_argument("--provider", metavar="P", help="only this provider (e.g. GitHub)")
    parser.add_argument(
        "--all",
        action="store_true",
        help="every credential, not just those with a plaintext copy left",
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    actions = parser.add_subparsers(dest="inventory_action", metavar="ACTION")
    show = actions.add_parser("show", help="every copy (present and gone) of one credential")
    show.add_argument("credential", metavar="ID", help="credential id or fingerprint")
    show.add_argument("--format", dest="show_format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat(timespec="seconds")


def _local(value: datetime | None) -> str:
    return "" if value is None else value.astimezone().strftime("%Y-%m-%d %H:%M")


def credential_dict(cred: Credential, risk: Risk | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": cred.id,
        "fingerprint": cred.fingerprint,
        "provider": cred.provider,
        "rule_id": cred.rule_id,
        "rule_name": cred.rule_name,
        "preview": cred.preview,
        "state": cred.state.value,
        "exposed": cred.exposed,
        "persistence": cred.persistence,
        "confidence": cred.confidence,
        "informational": cred.informational,
        "owner": cred.owner,
        "notes": cred.notes,
        "expires_at": _iso(cred.expires_at),
        "rotation_days": cred.rotation_days,
        "last_rotated_at": _iso(cred.last_rotated_at),
        "first_seen": _iso(cred.first_seen),
        "last_seen": _iso(cred.last_seen),
        "present_copies": cred.present_copies,
        "file_kinds": list(cred.file_kinds),
    }
    if risk is not None:
        item["risk_score"] = risk.score
        item["risk_level"] = risk.level
        item["risk_explanation"] = risk.explanation
    return item


def exposure_dict(exp: Exposure) -> dict[str, Any]:
    return {
        "id": exp.id,
        "path": exp.path,
        "line": exp.line,
        "column": exp.column,
        "file_kind": exp.file_kind,
        "state": exp.state.value,
        "first_seen": _iso(exp.first_seen),
        "last_seen": _iso(exp.last_seen),
    }


def _safe_cell(value: Any) -> Any:
    """Keep spreadsheet apps from evaluating a cell as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _select(inv: Inventory, args: argparse.Namespace) -> list[tuple[Credential, Risk]]:
    """The selected credentials with their risk, riskiest first."""
    state = CredentialState(args.state) if args.state else None
    exposed_only = not args.all and state is None
    creds = inv.credentials(state=state, provider=args.provider, exposed_only=exposed_only)
    risks = assess_many(inv, creds)
    rated = [(cred, risks[cred.id]) for cred in creds]
    rated.sort(key=lambda pair: (-pair[1].score, -pair[0].present_copies, pair[0].id))
    return rated


def render_json(inv: Inventory, creds: list[tuple[Credential, Risk]], include_gone: bool) -> str:
    items = []
    for cred, risk in creds:
        item = credential_dict(cred, risk)
        item["exposures"] = [
            exposure_dict(e) for e in inv.exposures(cred.id, include_gone=include_gone)
        ]
        items.append(item)
    doc = {
        "version": JSON_VERSION,
        "generated_at": _iso(datetime.now(UTC)),
        "credentials": items,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_csv(inv: Inventory, creds: list[tuple[Credential, Risk]], include_gone: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for cred, risk in creds:
        c = credential_dict(cred, risk)
        base = [c[k] for k in (
            "id", "fingerprint", "provider", "rule_id", "rule_name", "preview", "state",
            "exposed", "persistence", "confidence", "informational", "owner", "notes",
            "expires_at", "rotation_days", "last_rotated_at", "first_seen", "last_seen",
            "present_copies", "risk_score", "risk_level", "risk_explanation",
        )]  # fmt: skip
        exposures = inv.exposures(cred.id, include_gone=include_gone)
        if not exposures:
            writer.writerow([_safe_cell(v) for v in base] + [""] * 8)
        for e in exposures:
            d = exposure_dict(e)
            row = [*base, d["id"], d["path"], d["line"], d["column"], d["file_kind"],
                   d["state"], d["first_seen"], d["last_seen"]]  # fmt: skip
            writer.writerow([_safe_cell(v) for v in row])
    return out.getvalue()


def render_text(inv: Inventory, creds: list[tuple[Credential, Risk]], *, all_: bool) -> str:
    stats = inv.stats()
    lines: list[str] = []
    if not creds:
        what = "credentials" if all_ else "credentials with a plaintext copy"
        lines.append(f"No {what} in the inventory.")
    for cred, risk in creds:
        flag = "EXPOSED" if cred.exposed else cred.state.value
        lines.append(
            f"#{cred.id:<4} {flag:<8} {cred.rule_name}  {cred.preview}  "
            f"({cred.present_copies} {'copy' if cred.present_copies == 1 else 'copies'})"
        )
        lines.append(f"       risk {risk.level} ({risk.score}): {risk.explanation}")
        details = [f"state {cred.state.value}", f"first seen {_local(cred.first_seen)}"]
        if cred.expires_at:
            details.append(f"expires {_local(cred.expires_at)}")
        if cred.owner:
            details.append(f"owner {cred.owner}")
        lines.append(f"       {', '.join(details)}  {cred.fingerprint}")
        for exp in inv.exposures(cred.id):
            lines.append(
                f"       {display_path(exp.path)}:{exp.line}:{exp.column}  [{exp.file_kind}]"
            )
    last = _local(stats.last_scan_at) or "never"
    lines.append("")
    lines.append(
        f"{stats.exposed_credentials} exposed of {stats.credentials} known credentials, "
        f"{stats.present_copies} plaintext copies; last scan {last}"
    )
    return "\n".join(lines) + "\n"


def render_show(inv: Inventory, cred: Credential, fmt: str) -> str:
    exposures = inv.exposures(cred.id, include_gone=True)
    if fmt == "json":
        item = credential_dict(cred, assess(inv, cred.id))
        item["exposures"] = [exposure_dict(e) for e in exposures]
        item["history"] = [
            {"at": _iso(e.at), "kind": e.kind, "message": e.message}
            for e in reversed(inv.recent_events(credential_id=cred.id, limit=100))
        ]
        return json.dumps(item, indent=2, ensure_ascii=False) + "\n"
    risk = assess(inv, cred.id)
    lines = [
        f"#{cred.id} {cred.rule_name} ({cred.provider})  {cred.preview}",
        f"  fingerprint  {cred.fingerprint}",
        f"  risk         {risk.level} ({risk.score}): {risk.explanation}",
        f"  state        {cred.state.value}{'  — EXPOSED' if cred.exposed else ''}",
        f"  persistence  {cred.persistence}, confidence {cred.confidence}",
        f"  first seen   {_local(cred.first_seen)}, last seen {_local(cred.last_seen)}",
    ]
    if cred.expires_at:
        lines.append(f"  expires      {_local(cred.expires_at)}")
    if cred.owner or cred.notes:
        lines.append(f"  owner/notes  {cred.owner} {cred.notes}".rstrip())
    lines.append(f"  copies ({cred.present_copies} present):")
    for e in exposures:
        lines.append(
            f"    {e.state.value:<8} {display_path(e.path)}:{e.line}:{e.column}  [{e.file_kind}]  "
            f"first {_local(e.first_seen)}, last {_local(e.last_seen)}"
        )
    return "\n".join(lines) + "\n"


def _write_private(target: str, text: str) -> None:
    """Write an export atomically, readable by this user only."""
    path = os.path.abspath(target)
    tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _find(inv: Inventory, ref: str) -> Credential | None:
    text = ref.lstrip("#")
    if text.isdigit():
        return inv.credential(int(text))
    return inv.credential_by_fingerprint(text)


def run(args: argparse.Namespace) -> int:
    try:
        inv = Inventory.open()
    except SchemaError as exc:
        print(f"stowaway inventory: {exc}", file=sys.stderr)
        return EXIT_ERROR
    with inv:
        if args.inventory_action == "show":
            cred = _find(inv, args.credential)
            if cred is None:
                print(f"stowaway inventory: no credential {args.credential!r}", file=sys.stderr)
                return EXIT_ERROR
            text = render_show(inv, cred, args.show_format)
        else:
            creds = _select(inv, args)
            include_gone = args.all or args.state is not None
            if args.format == "json":
                text = render_json(inv, creds, include_gone)
            elif args.format == "csv":
                text = render_csv(inv, creds, include_gone)
            else:
                text = render_text(inv, creds, all_=args.all or args.state is not None)
    if getattr(args, "output", None):
        try:
            _write_private(args.output, text)
        except OSError as exc:
            print(f"stowaway inventory: cannot write {args.output}: {exc}", file=sys.stderr)
            return EXIT_ERROR
    else:
        sys.stdout.write(text)
    return EXIT_OK
