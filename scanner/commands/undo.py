"""``stowaway undo MIGRATION`` / ``stowaway undo --list``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scanner.migrate import forget_undo, list_migrations, undo
from scanner.migrate.undo import UndoError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "undo",
        help="revert a migration: files back byte for byte, keychain entries removed",
        description="Restore every file a migration changed exactly as it was (rebuilt from the "
        "keychain), remove the tool configuration it added and the keychain entries it created.",
    )
    parser.add_argument("migration", nargs="?", help="migration id (see --list)")
    parser.add_argument("--list", action="store_true", help="list migrations")
    parser.add_argument(
        "--forget",
        metavar="MIGRATION",
        help="keep a finished migration: delete its undo data (the text around the tokens it "
        "removed, kept in the keychain) so it can no longer be undone",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.forget:
        try:
            print(forget_undo(args.forget))
        except UndoError as exc:
            print(f"stowaway undo: {exc}", file=sys.stderr)
            return 2
        return 0
    if args.list or not args.migration:
        records = list_migrations()
        if not records:
            print("No migrations yet.")
        for r in records:
            note = f"\t{r.error}" if r.error else ""
            print(f"{r.id}\t{r.state}\t{r.created}\t{r.summary}{note}")
        return 0 if args.list else 2
    try:
        result = undo(args.migration)
    except UndoError as exc:
        print(f"stowaway undo: {exc}", file=sys.stderr)
        return 2
    for path in result.restored:
        print(f"restored {path}")
    for message in result.messages:
        print(f"note: {message}")
    return 0 if result.state == "undone" else 2
