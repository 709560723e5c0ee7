"""Tray menu, window/tray lifecycle, live notifications and the single-instance handshake."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.controller import Controller
from desktop.icons import TrayStatus
from desktop.services import Services
from scanner import settings as settings_mod
from tests.test_desktop_support import started_controller, wait_until
from tests.tokens import TokenFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tray_controller(home: Path, qtbot):
    ctl = started_controller(qtbot, tray_available=True)
    yield ctl
    ctl.shutdown()


def test_tray_menu_actions(tray_controller: Controller, home: Path, monkeypatch) -> None:
    ctl = tray_controller
    tray = ctl.tray
    assert tray is not None
    ctl.settings.update(monitoring_enabled=True)  # saved on a worker, then applied
    assert wait_until(lambda: tray.state.monitoring)
    tray.menu.aboutToShow.emit()  # what opening the menu does
    actions = tray.actions_by_text()
    assert {
        "Open Stowaway",
        "Scan now",
        "For 1 hour",
        "Until tomorrow",
        "Reminders…",
        "Quit Stowaway",
    } <= set(actions)

    actions["For 1 hour"].trigger()
    assert wait_until(lambda: tray.state.status is TrayStatus.PAUSED)  # saved on a worker
    paused = settings_mod.load().paused_until
    assert paused is not None
    assert timedelta(minutes=59) < paused - datetime.now(UTC) <= timedelta(hours=1)
    assert tray.state.status is TrayStatus.PAUSED
    tray.menu.aboutToShow.emit()
    actions = tray.actions_by_text()
    assert "Resume monitoring" in actions and "For 1 hour" not in actions
    assert any("paused until" in text for text in actions)
    actions["Resume monitoring"].trigger()
    assert wait_until(lambda: tray.state.status is not TrayStatus.PAUSED)
    assert settings_mod.load().paused_until is None
    assert tray.state.status is not TrayStatus.PAUSED

    ctl.window.hide()
    tray.menu.aboutToShow.emit()
    tray.actions_by_text()["Open Stowaway"].trigger()
    assert ctl.window.isVisible()

    tray.actions_by_text()["Reminders…"].trigger()
    assert ctl.window.tabs.currentWidget() is ctl.window.reminders

    (home / ".bash_history").write_text("ls\n")
    tray.actions_by_text()["Scan now"].trigger()
    assert ctl.window.scanning
    assert wait_until(lambda: not ctl.window.scanning, timeout=60)

    quits: list[bool] = []
    monkeypatch.setattr("desktop.controller.QApplication.exit", lambda _code=0: quits.append(True))
    tray.menu.aboutToShow.emit()
    tray.actions_by_text()["Quit Stowaway"].trigger()
    assert quits == [True]


def test_closing_the_window_keeps_the_tray(tray_controller: Controller) -> None:
    window = tray_controller.window
    window.show()
    assert window.close() is False  # ignored: we live on in the tray
    assert not window.isVisible()
    assert window.banner.isHidden()


def test_without_a_tray_there_is_a_banner_and_closing_quits(home: Path, qtbot, monkeypatch) -> None:
    ctl = started_controller(qtbot)
    assert ctl.tray is None
    assert not ctl.window.banner.isHidden()
    assert "No system tray" in ctl.window.banner.text()
    quits: list[bool] = []
    monkeypatch.setattr("desktop.controller.QApplication.exit", lambda _code=0: quits.append(True))
    assert ctl.window.close() is True
    assert quits == [True]
    ctl.shutdown()


def test_saving_a_token_in_a_watched_folder_notifies(home: Path, qtbot) -> None:
    watched = home / "notes"
    watched.mkdir()
    settings_mod.update(
        first_run_done=True, monitoring_enabled=True, watched_folders=(str(watched),)
    )
    ctl = Controller(Services(), tray_available=True, use_dbus=False)
    qtbot.addWidget(ctl.window)
    ctl.start()
    try:
        assert wait_until(lambda: ctl.monitor is not None, timeout=10)  # settings read on a worker
        assert wait_until(lambda: ctl.monitor.watcher is not None, timeout=30)
        assert ctl.monitor.watcher.wait_ready(30)
        shown: list[tuple[str, object]] = []
        ctl.notifier.shown.connect(lambda channel, alert: shown.append((channel, alert)))
        token = TokenFactory(seed=5).github("ghp")
        saved = time.monotonic()
        (watched / "todo.md").write_text(f"- rotate the deploy token {token}\n")
        assert wait_until(lambda: bool(shown), timeout=10)
        latency = time.monotonic() - saved
        assert latency < 1.5, f"notified after {latency:.2f} s"
        channel, alert = shown[0]
        assert channel in ("tray", "list")
        assert alert.credential_id is not None
        assert token not in alert.title + alert.body
        assert "todo.md" in alert.body or "ghp_" in alert.body
        assert ctl.window.alerts.count() == 1
        # clicking the notification opens that credential
        ctl.window.hide()
        ctl.notifier.activated.emit(alert.credential_id)
        assert ctl.window.isVisible()
        assert wait_until(lambda: ctl.window.inventory.selected_id() == alert.credential_id)
    finally:
        ctl.shutdown()


def _app_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_second_launch_focuses_the_running_instance(home: Path) -> None:
    settings_mod.update(first_run_done=True, monitoring_enabled=False)
    env = _app_env(home)
    log = home / ".local" / "state" / "stowaway" / "desktop.log"
    first = subprocess.Popen(
        [sys.executable, "-m", "desktop.app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (log.exists() and "ready" in log.read_text()):
            assert first.poll() is None, first.stderr.read().decode() if first.stderr else ""
            time.sleep(0.1)
        assert "ready" in log.read_text()
        second = subprocess.run(
            [sys.executable, "-m", "desktop.app", "--scan"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=30,
        )
        assert second.returncode == 0, second.stderr.decode()
        deadline = time.monotonic() + 10
        while (
            time.monotonic() < deadline
            and "request from another launch: scan" not in log.read_text()
        ):
            time.sleep(0.1)
        assert "request from another launch: scan" in log.read_text()
        assert first.poll() is None  # the first one keeps running
    finally:
        first.terminate()
        first.wait(15)


def test_without_a_session_bus_notifications_fall_back_off_the_ui_thread(
    home: Path, qtbot, monkeypatch
) -> None:
    """No bus to talk to: availability is decided on the sender thread, notify() returns at once
    and the alert still reaches the in-app list (no tray here)."""
    from desktop.notifications import Alert, Notifier

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={home / 'no-bus'}")
    notifier = Notifier(use_dbus=True)
    shown: list[tuple[str, Alert]] = []
    notifier.shown.connect(lambda channel, alert: shown.append((channel, alert)))
    alert = Alert("Token saved in plain text", "~/notes/todo.md", credential_id=7)
    started = time.monotonic()
    notifier.notify(alert)
    assert time.monotonic() - started < 0.05
    assert notifier.alerts == [alert]
    assert wait_until(lambda: bool(shown), timeout=5)
    assert shown == [("list", alert)]
    assert not notifier.dbus_available
    notifier.close()
