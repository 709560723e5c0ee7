"""``stowaway ignore``: stop reporting a credential (by fingerprint) or a path (glob).

A fingerprint rule marks that credential ``ignored``; a path rule stops recording copies in
matching files. Rules live in the inventory; ``--list`` shows them, ``--remove ID`` deletes one.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from scanner.inventory import Inventory, InventoryError, SchemaError

EXIT_OK, EXIT_ERROR = 0, 2
GLOB_CHARS = set("*?[")


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "ignore",
        help="ignore a credential (fingerprint) or a path (glob); --list, --remove",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "target", nargs="?", metavar="FINGERPRINT|PATH",
        help="fp_… fingerprint (see `stowaway inventory`), or a file/folder path or glob",
    )  # fmt: skip
    parser.add_argument("--reason", metavar="TEXT", help="why (required when adding a rule)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--list", action="store_true", help="list the ignore rules")
    group.add_argument("--remove", type=int, metavar="ID", help="delete ignore rule ID")
    parser.set_defaults(func=run)


def normalize_glob(target: str) -> str:
    """``~`` expanded; a relative path made absolute (globs included) against the cwd."""
    expanded = os.path.expanduser(target)
    if not os.path.isabs(expanded):
        expanded = os.path.join(os.getcwd(), expanded)
    if GLOB_CHARS & set(expanded):
        return expanded
    return os.path.normpath(expanded)


def run(args: argparse.Namespace) -> int:
    def fail(message: str) -> int:
        print(f"stowaway ignore: {message}", file=sys.stderr)
        return EXIT_ERROR

    if not args.list and args.remove is None and not args.target:
        return fail("give a fingerprint or a path to ignore, or --list / --remove ID")
    if (args.list or args.remove is not None) and args.target:
        return fail("--list and --remove take no fingerprint or path")
    try:
        inv = Inventory.open()
    except SchemaError as exc:
        return fail(str(exc))
    with inv:
        if args.list:
            rules = inv.ignore_rules()
            if not rules:
                print("No ignore rules.")
            for rule in rules:
                what = rule.fingerprint or rule.path_glob
                when = rule.created_at.astimezone().strftime("%Y-%m-%d")
                print(f"{rule.id:>4}  {what}  ({when}) {rule.reason}")
            return EXIT_OK
        try:
            if args.remove is not None:
                inv.remove_ignore(args.remove)
                print(f"Removed ignore rule {args.remove}.")
                return EXIT_OK
            if not args.reason or not args.reason.strip():
                return fail("say why with --reason TEXT (kept with the rule for later audits)")
            target: str = args.target
            if target.startswith("fp_"):
                known = inv.credential_by_fingerprint(target)
                rule_id = inv.add_ignore(fingerprint=target, reason=args.reason)
                label = f"{known.rule_name} {known.preview}" if known else target
                note = "" if known else " (not seen yet; applies when it is)"
                print(f"Ignoring {label}{note}: rule {rule_id}.")
            else:
                glob = normalize_glob(target)
                rule_id = inv.add_ignore(path_glob=glob, reason=args.reason)
                print(f"Ignoring copies in {glob}: rule {rule_id}.")
        except InventoryError as exc:
            return fail(str(exc))
    return EXIT_OK
