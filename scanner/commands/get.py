"""``stowaway get NAME``: print a secret from the keychain (for scripts); ``--exports`` for the
shell integration; ``--list`` shows the entries Stowaway knows (names only)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scanner import shellint
from scanner.keychain import SERVICE, KeychainError, open_keychain
from scanner.migrate.journal import Journal


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "get",
        help="print a secret from the keychain (for scripts)",
        description="Print the secret stored under NAME. Use in scripts as "
        "TOKEN=$(stowaway get NAME). --exports prints shell code exporting the variables "
        "migrations registered (the shell integration runs it).",
    )
    parser.add_argument("name", nargs="?", help="keychain entry name, e.g. github/3f2a9c1d")
    parser.add_argument("--service", default=SERVICE, help="keychain service (default: stowaway)")
    parser.add_argument("-n", "--no-newline", action="store_true", help="no trailing newline")
    parser.add_argument("--exports", action="store_true", help="print export lines")
    parser.add_argument("--shell", choices=shellint.SHELLS, default=None)
    parser.add_argument("--list", action="store_true", help="list the entries (no values)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        if args.list:
            with Journal.open() as jr:
                for e in jr.entries():
                    where = "" if e.service == SERVICE else f"  (service {e.service})"
                    kinds = ",".join(e.kinds)
                    print(f"{e.account}\t{e.provider}\t{kinds}\t{e.created}\t{e.source}{where}")
            return 0
        if args.exports:
            with Journal.open() as jr:
                pairs = jr.exports()
            kc = open_keychain() if pairs else None
            resolved = []
            for var, service, account in pairs:
                assert kc is not None
                value = kc.get(account, service=service)
                if value is None:
                    print(f"stowaway: no keychain entry {account!r} for ${var}", file=sys.stderr)
                    continue
                resolved.append((var, value))
            sys.stdout.write(
                shellint.exports_script(resolved, args.shell or shellint.current_shell())
            )
            return 0
        if not args.name:
            print("stowaway get: give a NAME (see `stowaway get --list`)", file=sys.stderr)
            return 2
        value = open_keychain().get(args.name, service=args.service)
    except KeychainError as exc:
        print(f"stowaway: {exc}", file=sys.stderr)
        return 2
    if value is None:
        print(f"stowaway: no keychain entry {args.name!r}", file=sys.stderr)
        return 1
    sys.stdout.write(value if args.no_newline else value + "\n")
    return 0
