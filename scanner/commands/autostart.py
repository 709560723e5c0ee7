"""``stowaway autostart enable|disable|status|remove``: start the tray monitor at login."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scanner import autostart


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "autostart",
        help="start the tray monitor at login (enable, disable, status)",
        description="Start Stowaway's tray monitor when you log in. Only affects your user.",
    )
    parser.add_argument(
        "action",
        choices=("enable", "disable", "status", "remove"),
        nargs="?",
        default="status",
        help="disable keeps the entry switched off; remove deletes it (default: status)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    actions = {
        "enable": autostart.enable,
        "disable": autostart.disable,
        "status": autostart.status,
        "remove": autostart.remove,
    }
    try:
        state = actions[args.action]()
    except (autostart.AutostartError, OSError) as exc:
        print(f"stowaway: autostart: {exc}", file=sys.stderr)
        return 2
    word = "enabled" if state.enabled else "disabled"
    print(f"Start at login: {word} ({state.mechanism}: {state.location})")
    if state.command:
        print(f"  runs: {state.command}")
    if state.detail:
        print(f"  note: {state.detail}")
    return 0
