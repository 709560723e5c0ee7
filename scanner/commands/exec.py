"""``stowaway exec [--env VAR=NAME]… -- CMD``: run CMD with secrets from the keychain in its
environment (envchain-style). Without --env, the references a migrated ``.env`` in the current
folder holds (``# VAR=[stowaway:keychain:NAME]``) are used."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from scanner.keychain import KeychainError, open_keychain
from scanner.migrate.targets.env import references


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "exec",
        help="run a command with secrets from the keychain in its environment",
        description="Run CMD with environment variables read from the keychain. "
        "Example: stowaway exec --env GITHUB_TOKEN=github/3f2a9c1d -- gh repo list",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="VAR=NAME",
        help="set VAR to the keychain entry NAME (repeatable)",
    )
    parser.add_argument(
        "--env-file",
        type=Path,
        default=None,
        help="read VAR=NAME references from this migrated .env file "
        "(default: ./.env when no --env is given)",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- CMD [ARGS…]")
    parser.set_defaults(func=run)


def mapping(args: argparse.Namespace) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for spec in args.env:
        var, sep, name = spec.partition("=")
        if not sep or not var or not name:
            # not echoed: someone may have pasted a secret where the entry name belongs
            raise ValueError("--env expects VAR=NAME (a variable and a keychain entry name)")
        pairs.append((var, name))
    env_file = args.env_file or (Path(".env") if not args.env else None)
    if env_file is not None:
        try:
            pairs.extend(references(env_file.read_text("utf-8", "replace")))
        except FileNotFoundError:
            if args.env_file is not None:
                raise ValueError(f"{env_file} does not exist") from None
    return pairs


def run(args: argparse.Namespace) -> int:
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        print("stowaway exec: give a command after --", file=sys.stderr)
        return 2
    try:
        pairs = mapping(args)
    except ValueError as exc:
        print(f"stowaway exec: {exc}", file=sys.stderr)
        return 2
    if not pairs:
        print(
            "stowaway exec: nothing to provide (use --env VAR=NAME, or run it where a migrated "
            ".env is)",
            file=sys.stderr,
        )
        return 2
    env = dict(os.environ)
    try:
        kc = open_keychain()
        for var, name in pairs:
            value = kc.get(name)
            if value is None:
                print(f"stowaway exec: no keychain entry {name!r} (for {var})", file=sys.stderr)
                return 2
            env[var] = value
    except KeychainError as exc:
        print(f"stowaway exec: {exc}", file=sys.stderr)
        return 2
    try:
        return subprocess.call(command, env=env)
    except FileNotFoundError:
        print(f"stowaway exec: command not found: {command[0]}", file=sys.stderr)
        return 127
