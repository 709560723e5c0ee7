"""``stowaway watch``: watch your histories, config files, notes and projects in the foreground
and print each change to the inventory (redacted) as it happens. Ctrl-C or SIGTERM stops it.

Watches the personal locations plus ``watched_folders`` from the settings (and any --folder),
skipping ``excludes``. On start it first catches up on what changed while it was not running.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from scanner import settings as settings_mod
from scanner.inventory import InventoryEvent, SchemaError
from scanner.rules import RuleError
from scanner.scan import Engine, ScanOptions
from scanner.watch import Watcher, describe

EXIT_OK, EXIT_ERROR = 0, 2


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "watch",
        help="watch for new copies of tokens in the foreground",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--folder", action="append", default=[], metavar="DIR",
        help="also watch DIR (repeatable; adds to watched_folders in the settings)",
    )  # fmt: skip
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB")
    parser.add_argument("--polling", action="store_true", help="poll instead of inotify")
    parser.add_argument(
        "--no-catch-up", action="store_true", help="don't rescan what changed while off"
    )
    parser.add_argument(
        "--quiet-period", type=float, default=0.2, metavar="S",
        help="wait until a file has been quiet this long before reading it (default 0.2)",
    )  # fmt: skip
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    def err(message: str) -> None:
        print(f"stowaway watch: {message}", file=sys.stderr, flush=True)

    conf, problem = settings_mod.load_or_default()
    if problem:
        err(f"ignoring the settings file: {problem}")
    missing = [f for f in args.folder if not Path(f).expanduser().is_dir()]
    if missing:
        err(f"not a folder: {', '.join(missing)}")
        return EXIT_ERROR
    if not conf.monitoring_enabled:
        err("monitoring is turned off in the settings; watching anyway because you asked")
    folders = [*conf.watched_paths(), *(Path(f).expanduser() for f in args.folder)]
    excludes = [*conf.excludes, *args.exclude]
    try:
        engine = Engine(options=ScanOptions(extra_excludes=tuple(excludes)))
    except (RuleError, OSError) as exc:
        err(str(exc))
        return EXIT_ERROR

    def on_event(event: InventoryEvent) -> None:
        print(describe(event), flush=True)

    watcher = Watcher(
        None,
        engine,
        on_event,
        extra_folders=folders,
        excludes=excludes,
        quiet_period=max(0.0, args.quiet_period),
        on_status=err,
        polling=args.polling,
        catch_up=not args.no_catch_up,
    )
    stop = threading.Event()

    def handle(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, handle) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            watcher.start()
        except (SchemaError, OSError) as exc:
            err(str(exc))
            return EXIT_ERROR
        where = len(watcher.targets)
        err(f"watching {where} locations; Ctrl-C to stop")
        while not stop.wait(3600):
            pass
    finally:
        watcher.stop()
        for sig, old in previous.items():
            signal.signal(sig, old)
    err("stopped")
    return EXIT_OK
