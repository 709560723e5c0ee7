"""``stowaway-app`` ends promptly: on SIGTERM/SIGINT and on "Quit Stowaway" in the tray menu,
with monitoring on (watcher threads running) and, for the tray, the real XEmbed tray icon."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scanner import settings as settings_mod
from tests.test_desktop_support import write_tokens

ROOT = Path(__file__).resolve().parent.parent
EXIT_WITHIN_S = 5.0

# The real entry point (desktop.app.main); the only addition is a timer, armed once the
# controller has started, that opens the tray menu and triggers its "Quit Stowaway" action the
# way a click does.
TRAY_QUIT = r"""
import sys
from PySide6.QtCore import QTimer
from desktop import controller as c

started = c.Controller.start

def start(self):
    started(self)
    assert self.tray is not None, "no system tray"

    def quit_from_tray():
        self.tray.menu.aboutToShow.emit()
        print("quitting from the tray", flush=True)
        self.tray.actions_by_text()["Quit Stowaway"].trigger()

    QTimer.singleShot(1500, quit_from_tray)

c.Controller.start = start
from desktop.app import main
sys.exit(main([]))
"""


def _env(platform: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOWAWAY_FAULT")}
    env["QT_QPA_PLATFORM"] = platform
    env["PYTHONPATH"] = str(ROOT)
    return env


def _log(home: Path) -> Path:
    return home / ".local" / "state" / "stowaway" / "desktop.log"


def _wait_ready(proc: subprocess.Popen[bytes], home: Path, timeout: float = 30.0) -> None:
    log = _log(home)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and "ready" in log.read_text():
            return
        if proc.poll() is not None:
            _out, err = proc.communicate()
            pytest.fail(f"stowaway-app ended early ({proc.returncode}): {err.decode()[-2000:]}")
        time.sleep(0.05)
    pytest.fail("stowaway-app never became ready")


def _watched_home(home: Path) -> None:
    """Monitoring on with a watched folder, so inotify and observer threads are running."""
    write_tokens(home)
    notes = home / "notes"
    notes.mkdir()
    settings_mod.update(first_run_done=True, monitoring_enabled=True, watched_folders=(str(notes),))


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_quits_promptly(home: Path, signum: signal.Signals) -> None:
    _watched_home(home)
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop.app"],
        cwd=ROOT,
        env=_env("offscreen"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_ready(proc, home)
        time.sleep(0.5)  # let the monitor start its threads
        sent = time.monotonic()
        proc.send_signal(signum)
        code = proc.wait(EXIT_WITHIN_S + 5)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 0, proc.stderr.read().decode()[-2000:] if proc.stderr else code
    assert elapsed < EXIT_WITHIN_S, f"exited {elapsed:.1f} s after {signum.name}"
    text = _log(home).read_text()
    assert f"{signum.name} received: quitting" in text
    assert "stopped" in text


@pytest.mark.display
def test_tray_quit_ends_the_process(home: Path, require_display: None) -> None:
    _watched_home(home)
    env = _env("xcb")
    proc = subprocess.Popen(
        [sys.executable, "-c", TRAY_QUIT],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_ready(proc, home)
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert "quitting from the tray" in line, line
        asked = time.monotonic()
        code = proc.wait(EXIT_WITHIN_S + 5)
        elapsed = time.monotonic() - asked
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 0, proc.stderr.read().decode()[-2000:] if proc.stderr else code
    assert elapsed < EXIT_WITHIN_S, f"exited {elapsed:.1f} s after Quit"
    assert "stopped" in _log(home).read_text()
