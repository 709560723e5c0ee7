"""``stowaway scan [PATH…]``: find credentials (default: this user's personal locations).

Exit code: 0 clean, 1 credentials found (informational ones don't count), 2 error.

Recording hook: when ``scanner.recording`` provides ``cli_hook(args, engine)`` returning
``(on_file, finish)``, every scanned file is passed to ``on_file`` and ``finish(result)`` runs
after the scan (unless ``--no-save``). :func:`run_scan` is the reusable core.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from scanner.ignore import IgnoreFileError
from scanner.report import FORMATS, human_size, render
from scanner.rules import RuleError
from scanner.scan import Engine, FileScan, ScanOptions, ScanProgress, ScanResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "scan",
        help="find credentials in files (default: your histories, config files, notes, projects)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to scan")
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    parser.add_argument("--no-progress", action="store_true", help="no progress line on stderr")
    info = parser.add_mutually_exclusive_group()
    info.add_argument(
        "--include-informational", dest="informational", action="store_true", default=True,
        help="list informational findings such as encrypted private keys (default)",
    )  # fmt: skip
    info.add_argument("--hide-informational", dest="informational", action="store_false")
    parser.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB",
        help="skip paths matching GLOB (gitignore-like; repeatable)",
    )  # fmt: skip
    parser.add_argument("--ignore-file", metavar="FILE", help="fingerprints to ignore (TOML)")
    parser.add_argument(
        "--no-hyperscan", action="store_true", help="use the pure-Python keyword prefilter"
    )
    parser.add_argument(
        "--workers", type=int, metavar="N", help="parallel processes (default: cores)"
    )
    parser.add_argument(
        "--max-size", type=float, metavar="MB", default=20.0,
        help="skip files larger than this, except known credential files (default 20)",
    )  # fmt: skip
    parser.add_argument(
        "--no-save", action="store_true", help="don't record the results in the inventory"
    )
    parser.set_defaults(func=run)


def options_from(args: argparse.Namespace) -> ScanOptions:
    return ScanOptions(
        max_file_size=int(args.max_size * 1024 * 1024),
        workers=args.workers,
        include_informational=args.informational,
        extra_excludes=tuple(args.exclude),
        use_hyperscan=False if args.no_hyperscan else None,
        ignore_file=args.ignore_file,
    )


class Progress:
    """A single self-overwriting status line on a terminal (throttled)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._last = 0.0
        self._width = 0

    def __call__(self, progress: ScanProgress) -> None:
        now = time.monotonic()
        if now - self._last < 0.1:
            return
        self._last = now
        name = os.path.basename(progress.current)[:40]
        text = f"scanning… {progress.files_done:,} files, {human_size(progress.bytes_done)}  {name}"
        self._width = max(self._width, len(text))
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()

    def clear(self) -> None:
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()


def _recording_hook(args: argparse.Namespace, engine: Engine) -> tuple[Any, Any]:
    if getattr(args, "no_save", False):
        return None, None
    try:
        module = importlib.import_module("scanner.recording")
    except ImportError:
        return None, None
    hook = getattr(module, "cli_hook", None)
    return hook(args, engine) if hook is not None else (None, None)


def run_scan(
    args: argparse.Namespace,
    *,
    on_file: Callable[[FileScan], None] | None = None,
    on_progress: Callable[[ScanProgress], None] | None = None,
    cancel: threading.Event | None = None,
) -> tuple[ScanResult, Engine]:
    """Build the engine from the arguments and scan (raises RuleError / IgnoreFileError)."""
    engine = Engine(options=options_from(args))
    paths = [Path(p) for p in args.paths] if args.paths else None
    result = engine.scan(paths, on_file=on_file, on_progress=on_progress, cancel=cancel)
    return result, engine


def run(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not os.path.lexists(p)]
    if missing:
        print(f"stowaway scan: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_ERROR
    if args.workers is not None and args.workers < 1:
        print("stowaway scan: --workers must be at least 1", file=sys.stderr)
        return EXIT_ERROR
    show_progress = not args.no_progress and sys.stderr.isatty()
    progress = Progress(sys.stderr) if show_progress else None
    try:
        engine = Engine(options=options_from(args))
        on_file, finish = _recording_hook(args, engine)
        paths = [Path(p) for p in args.paths] if args.paths else None
        try:
            result = engine.scan(paths, on_file=on_file, on_progress=progress)
        finally:
            if progress is not None:
                progress.clear()
        if finish is not None:
            finish(result)
    except (RuleError, IgnoreFileError) as exc:
        print(f"stowaway scan: {exc}", file=sys.stderr)
        return EXIT_ERROR
    rules = engine.rules.by_id()
    if args.output:
        text = render(result, args.format, rules, colour=False)
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"stowaway scan: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
            return EXIT_ERROR
    else:
        colour = args.format == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        sys.stdout.write(render(result, args.format, rules, colour=colour))
        sys.stdout.flush()
    leaks = any(not f.informational for f in result.findings)
    return EXIT_FINDINGS if leaks else EXIT_CLEAN
