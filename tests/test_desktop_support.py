"""Helpers shared by the desktop tests: token files in a fake home, waiting on the event loop, a
started controller and a scanned inventory."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from desktop.controller import Controller
from desktop.services import Services
from scanner import settings as settings_mod
from scanner.inventory.models import Credential
from tests.tokens import TokenFactory


def write_tokens(home: Path, seed: int = 11) -> dict[str, str]:
    """A small realistic home: a .env, a shell history and notes holding fake tokens."""
    gen = TokenFactory(seed=seed)
    values = {
        "github": gen.github("ghp"),
        "npm": gen.npm(),
        "slack": gen.slack("bot"),
        "openai": gen.openai(),
    }
    project = home / "projects" / "shop"
    project.mkdir(parents=True, exist_ok=True)
    (project / ".env").write_text(
        f"DEBUG=1\nGITHUB_TOKEN={values['github']}\nSLACK_BOT_TOKEN={values['slack']}\n"
    )
    (home / ".bash_history").write_text(
        f"ls -la\nnpm config set //registry.npmjs.org/:_authToken {values['npm']}\n"
        f"export OPENAI_API_KEY={values['openai']}\ngit status\n"
    )
    return values


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0, step: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    app = QApplication.instance()
    while time.monotonic() < deadline:
        if app is not None:
            app.processEvents()
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def started_controller(qtbot: Any, *, tray_available: bool = False) -> Controller:
    """The app past its first run with monitoring off and no D-Bus, started (the caller shuts it
    down)."""
    settings_mod.update(first_run_done=True, monitoring_enabled=False)
    ctl = Controller(Services(), tray_available=tray_available, use_dbus=False)
    qtbot.addWidget(ctl.window)
    ctl.start()
    assert wait_until(lambda: ctl.started, timeout=10)  # settings are read on a worker
    return ctl


def scan_and_pick(ctl: Controller, home: Path, search: str) -> Credential:
    """Scan ``home`` (holding :func:`write_tokens`' four tokens) and return the first credential
    the inventory search ``search`` shows."""
    job = ctl.window.start_scan([home])
    assert job is not None and wait_until(lambda: not ctl.window.scanning, timeout=60)
    page = ctl.window.inventory
    assert wait_until(lambda: page.proxy.rowCount() == 4)
    page.search.setText(search)
    return page.proxy.credential_at(0)
