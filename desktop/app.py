"""Composition root of the desktop app (``stowaway-app``).

``stowaway-app``            open the window (or raise the running one)
``stowaway-app --tray``     start in the tray (used at login); the window opens from the tray
``stowaway-app --scan``     open and scan now (the .desktop "Scan now" action)
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from scanner import __version__

if TYPE_CHECKING:
    from desktop.controller import Controller


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="stowaway-app",
        description="Stowaway: find your API tokens and move them into the keychain.",
    )
    parser.add_argument(
        "--tray", action="store_true", help="start minimised to the tray (used at login)"
    )
    parser.add_argument("--scan", action="store_true", help="start a scan right away")
    parser.add_argument("--version", action="version", version=f"stowaway-app {__version__}")
    parser.add_argument("--inventory", type=Path, help=argparse.SUPPRESS)  # tests and benchmarks
    known, _qt_args = parser.parse_known_args(list(argv) if argv is not None else sys.argv[1:])
    return known


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from PySide6.QtWidgets import QApplication

    from desktop.controller import Controller
    from desktop.single_instance import SingleInstance

    QApplication.setApplicationName("Stowaway")
    QApplication.setOrganizationName("Stowaway")
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName("stowaway")
    app = QApplication([sys.argv[0], *(_qt_passthrough(argv))])
    app.setQuitOnLastWindowClosed(False)
    instance = SingleInstance()
    if not instance.acquire():
        delivered = instance.send("scan" if args.scan else "show")
        if not delivered:
            print(
                "stowaway-app: another instance holds the lock but does not answer", file=sys.stderr
            )
            return 1
        return 0
    from desktop.services import Services
    from desktop.signals import SignalWatcher

    _setup_logging()
    controller = Controller(
        Services(args.inventory), start_in_tray=args.tray, scan_on_start=args.scan
    )
    instance.message.connect(controller.handle_message)
    signals = SignalWatcher()
    signals.received.connect(lambda signum: _quit_on_signal(controller, signum))
    controller.start()
    log = logging.getLogger("desktop")
    log.info("ready (pid %d)", os.getpid())
    status = app.exec()
    clean = controller.shutdown()
    instance.release()
    signals.close()
    log.info("stopped")
    if not clean:
        # a worker is stuck in code that cannot be cancelled (a keychain or file call): Qt's
        # thread pool would wait for it forever when the app object is destroyed. The inventory
        # and the migration journal are transactional, so leaving now loses nothing.
        log.warning("background work did not stop in time; exiting anyway")
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status


def _quit_on_signal(controller: Controller, signum: int) -> None:
    logging.getLogger("desktop").info("%s received: quitting", signal.Signals(signum).name)
    controller.quit()


def _setup_logging() -> None:
    """A small log in the state dir (redacted messages only: the core never logs secrets)."""
    from logging.handlers import RotatingFileHandler

    from scanner import paths

    handler = RotatingFileHandler(
        paths.state_dir() / "desktop.log", maxBytes=512_000, backupCount=1
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("desktop")
    root.setLevel(logging.INFO)
    root.addHandler(handler)


def _qt_passthrough(argv: Sequence[str] | None) -> list[str]:
    """Qt's own options (-platform, -style...) after our known ones were parsed out."""
    items = list(argv) if argv is not None else sys.argv[1:]
    ours = {"--tray", "--scan", "--version"}
    out: list[str] = []
    skip = False
    for item in items:
        if skip:
            skip = False
            continue
        if item == "--inventory":
            skip = True
            continue
        if item in ours or item.startswith("--inventory="):
            continue
        out.append(item)
    return out


if __name__ == "__main__":
    sys.exit(main())
