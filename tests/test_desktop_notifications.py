"""Desktop notifications through a real notification server (dunst on the Xvfb display, on the
harness's session bus): a token saved in a watched folder pops up with redacted text only, read
back from the server's own history. (The tray-balloon fallback is tested in test_tray.py.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.controller import Controller
from desktop.notifications import DBUS_SERVICE, Alert
from desktop.services import Services
from scanner import settings as settings_mod
from tests.conftest import IN_HARNESS
from tests.test_desktop_support import wait_until
from tests.tokens import TokenFactory

pytestmark = pytest.mark.display


def _name_owned() -> bool:
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(bus="SESSION") as conn:
        reply = conn.send_and_get_reply(message_bus.NameHasOwner(DBUS_SERVICE), timeout=2)
        return bool(reply.body[0])


def _unavailable(reason: str) -> None:
    if IN_HARNESS:
        pytest.fail(f"test harness is incomplete: {reason}")
    pytest.skip(f"{reason} (run the suite with `bash tests/run.sh`)")


@pytest.fixture
def notification_server(tmp_path: Path, require_display: None) -> Iterator[str]:
    """dunst owning org.freedesktop.Notifications for the test; stopped afterwards."""
    dunst, dunstctl = shutil.which("dunst"), shutil.which("dunstctl")
    if not (dunst and dunstctl):
        _unavailable("dunst is not installed (apt install dunst)")
        raise AssertionError  # unreachable: skip/fail raise
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        _unavailable("no D-Bus session bus")
    if _name_owned():
        pytest.fail("another notification server already owns the name on this session bus")
    config = tmp_path / "dunstrc"
    config.write_text("[global]\n    history_length = 50\n")
    proc = subprocess.Popen(
        [dunst, "-config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        if not wait_until(_name_owned, timeout=10):
            proc.kill()
            _, err = proc.communicate()
            pytest.fail(f"dunst did not take the bus name: {err.decode()[-500:]}")
        yield dunstctl
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        wait_until(lambda: not _name_owned(), timeout=5)


def _history(dunstctl: str) -> list[dict[str, str]]:
    """Everything the server received: close what is on screen, then read its history."""
    subprocess.run([dunstctl, "close-all"], check=True, timeout=10)
    time.sleep(0.3)
    out = subprocess.run(
        [dunstctl, "history"], check=True, capture_output=True, text=True, timeout=10
    ).stdout
    return [
        {key: value["data"] for key, value in item.items() if isinstance(value, dict)}
        for item in json.loads(out)["data"][0]
    ]


def test_new_exposure_pops_a_real_desktop_notification(
    home: Path, qtbot, notification_server: str
) -> None:
    watched = home / "notes"
    watched.mkdir()
    settings_mod.update(
        first_run_done=True, monitoring_enabled=True, watched_folders=(str(watched),)
    )
    ctl = Controller(Services(), use_dbus=True)
    qtbot.addWidget(ctl.window)
    assert wait_until(lambda: ctl.notifier.dbus_available, timeout=5)  # decided off the UI thread
    ctl.start()
    try:
        assert wait_until(lambda: ctl.monitor is not None and ctl.monitor.watcher is not None, 30)
        assert ctl.monitor.watcher.wait_ready(30)
        shown: list[tuple[str, Alert]] = []
        ctl.notifier.shown.connect(lambda channel, alert: shown.append((channel, alert)))
        token = TokenFactory(seed=31).github("ghp")
        (watched / "todo.md").write_text(f"- rotate the deploy token {token}\n")
        assert wait_until(lambda: bool(shown), timeout=10)
        channel, alert = shown[0]
        assert channel == "dbus"

        received = _history(notification_server)
        ours = [n for n in received if n.get("appname") == "Stowaway"]
        assert len(ours) == 1, received
        note = ours[0]
        assert note["summary"] == "Token saved in plain text" == alert.title
        assert note["body"] == alert.body
        assert "~/notes/todo.md" in note["body"]
        assert str(home) not in note["body"]
        assert token not in json.dumps(received)
        assert token[:4] in note["body"] or "GitHub" in note["body"]  # a redacted preview
    finally:
        ctl.shutdown()
