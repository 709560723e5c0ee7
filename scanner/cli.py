"""``stowaway`` command line: one sub-command per module in :mod:`scanner.commands`.

Each command module exposes ``register(subparsers) -> None`` and sets ``func`` on its parser; the
function takes the parsed namespace and returns the process exit code (0 ok / clean, 1 findings,
2 error).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from scanner import __version__

# Order is the order shown in --help.
COMMAND_MODULES: tuple[str, ...] = (
    "scan",
    "inventory",
    "ignore",
    "watch",
    "migrate",
    "undo",
    "get",
    "exec",
    "credential",
    "remind",
    "incident",
    "rules",
    "autostart",
    "app",
)

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stowaway",
        description=(
            "Find every copy of your API tokens on this machine, move them into the OS keychain "
            "and keep the tools that use them working. Offline: nothing leaves this machine "
            "unless you ask for that one action."
        ),
    )
    parser.add_argument("--version", action="version", version=f"stowaway {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"scanner.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"scanner.commands.{name}":
                continue  # command not built yet in this checkout
            raise
        module.register(sub)
    return parser


def _recover_interrupted_migrations() -> None:
    """Finish or roll back a migration a crash interrupted (journal in the data dir)."""
    try:
        from scanner.migrate.recovery import recover

        for message in recover():
            print(f"stowaway: {message}", file=sys.stderr)
    except Exception as exc:  # never block the command itself; the journal stays for next time
        print(f"stowaway: could not check interrupted migrations: {exc}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_OK
    _recover_interrupted_migrations()
    try:
        return int(func(args))
    except KeyboardInterrupt:
        print("stowaway: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
