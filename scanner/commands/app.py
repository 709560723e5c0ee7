"""``stowaway app [--tray]``: start the desktop app (its own program; scanner stays Qt-free)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "app", help="open the desktop app", description="Open Stowaway's window and tray monitor."
    )
    parser.add_argument("--tray", action="store_true", help="start minimised to the tray")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    extra = ["--tray"] if args.tray else []
    beside = Path(sys.executable).with_name("stowaway-app")
    exe = str(beside) if beside.exists() else shutil.which("stowaway-app")
    if exe:
        os.execv(exe, [exe, *extra])
    os.execv(sys.executable, [sys.executable, "-m", "desktop.app", *extra])
    return 0  # not reached
