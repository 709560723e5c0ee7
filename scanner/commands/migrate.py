"""``stowaway migrate ID…|--all|--file PATH [--dry-run] [--yes]``: show the plan, ask, act."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from scanner.migrate import MigrationError, MigrationPlan, plan_findings, plan_migration, run_plan
from scanner.migrate.plan import PlannedChange
from scanner.migrate.runner import Progress
from scanner.model import Finding


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "migrate",
        help="move tokens into the OS keychain, keeping their tools working",
        description="Show what goes into the keychain under which name, which lines of which "
        "files change and what each tool will do instead; then ask before acting. Every "
        "migration can be reverted byte for byte with `stowaway undo`.",
    )
    parser.add_argument(
        "ids", nargs="*", type=int, metavar="ID", help="credential ids from `stowaway inventory`"
    )
    parser.add_argument("--all", action="store_true", help="every active credential with copies")
    parser.add_argument(
        "--file",
        type=Path,
        action="append",
        default=[],
        help="migrate every token found in this file (repeatable)",
    )
    parser.add_argument("--name", help="keychain entry name (one credential only)")
    parser.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
    parser.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    parser.set_defaults(func=run)


def show(plan: MigrationPlan, out: TextIO) -> None:
    for n, change in enumerate(plan.changes, start=1):
        _show_change(n, change, out)
    for problem in plan.problems:
        out.write(f"! {problem}\n")


def _show_change(n: int, change: PlannedChange, out: TextIO) -> None:
    out.write(f"{n}. {change.title}\n")
    for item in change.items:
        where = "" if item.service == "stowaway" else f" (service {item.service})"
        out.write(f"   keychain: {item.account}{where}\n")
    for fe in change.files:
        lines = ", ".join(str(x) for x in fe.lines_changed[:12])
        more = "…" if len(fe.lines_changed) > 12 else ""
        action = "create" if fe.before_hash is None else f"lines {lines}{more}"
        out.write(f"   file: {fe.display_path} ({action})\n")
    out.write(f"   before: {change.before}\n   after:  {change.after}\n")
    out.write(f"   then:   {change.consumer}\n")
    for warning in change.warnings:
        out.write(f"   note:   {warning}\n")


def _select(args: argparse.Namespace) -> MigrationPlan:
    findings: list[Finding] = []
    if args.file:
        from scanner.scan import Engine

        engine = Engine()
        for path in args.file:
            scan = engine.scan_file(path.expanduser().absolute(), known_credential=True)
            if scan.issue and not scan.findings:
                raise MigrationError(f"{path}: {scan.issue.message}")
            findings.extend(f for f in scan.findings if not f.informational)
    ids: list[int] = list(args.ids)
    if not ids and not args.all:
        return plan_findings(findings, name=args.name)
    from scanner.inventory import Inventory
    from scanner.inventory.models import CredentialState

    with Inventory.open() as inv:
        if args.all:
            ids = [
                c.id
                for c in inv.credentials(state=CredentialState.ACTIVE, exposed_only=True)
                if not c.informational
            ]
        return plan_migration(inv, ids, findings=findings, name=args.name)


def run(args: argparse.Namespace) -> int:
    if not (args.ids or args.all or args.file):
        print("stowaway migrate: give credential IDs, --all or --file PATH", file=sys.stderr)
        return 2
    try:
        plan = _select(args)
    except MigrationError as exc:
        print(f"stowaway migrate: {exc}", file=sys.stderr)
        return 2
    if not plan.changes:
        show(plan, sys.stdout)
        print("Nothing to migrate.")
        return 2 if plan.problems else 0
    print(f"Migration plan {plan.id}:")
    show(plan, sys.stdout)
    if args.dry_run:
        print("Dry run: nothing was changed.")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            print("stowaway migrate: not a terminal; add --yes to go ahead", file=sys.stderr)
            return 2
        answer = input("Go ahead? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            print("Nothing was changed.")
            return 0

    def progress(p: Progress) -> None:
        if p.step in ("store", "write"):
            print(f"  {p.message}")

    try:
        result = run_plan(plan, on_progress=progress)
    except MigrationError as exc:
        print(f"stowaway migrate: {exc}", file=sys.stderr)
        return 2
    for message in result.messages:
        print(f"note: {message}")
    print(f"Done. Undo with: stowaway undo {result.migration_id}")
    return 0
