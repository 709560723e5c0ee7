"""At start the app finishes or rolls back a migration a crash interrupted, on a worker, and says
so in the window (status bar, alert list) — as the CLI does before any command."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.migrate.journal import Journal
from tests.test_crash_safety import ROOT, SCRIPT, env_for, make_home
from tests.test_desktop_support import started_controller, wait_until

pytestmark = pytest.mark.keychain


def _interrupt_migration(tmp_path: Path, step: str) -> tuple[Path, dict[str, str], dict]:
    """A real migration of four files, SIGKILLed by the fault hook right after ``step``."""
    home, tokens, originals = make_home(tmp_path)
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env=env_for(home, tokens, STOWAWAY_FAULT_KILL_AT=step),
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == -signal.SIGKILL, run.stdout + run.stderr
    return home, tokens, originals


def _journal_states(home: Path) -> list[str]:
    with Journal.open(home / ".local/share/stowaway/migrations.sqlite3") as jr:
        return [record.state for record in jr.migrations()]


@pytest.mark.parametrize(
    ("step", "state", "said"),
    [
        ("write:2", "done", "interrupted after the keychain step: finished"),
        ("store:2", "rolled_back", "interrupted before any file changed: rolled back"),
    ],
    ids=["committed-rolls-forward", "begun-rolls-back"],
)
def test_start_recovers_an_interrupted_migration(
    tmp_path: Path, home: Path, keychain, qtbot, step: str, state: str, said: str
) -> None:
    fake_home, tokens, originals = _interrupt_migration(tmp_path, step)
    assert fake_home == home  # the same throw-away HOME the `home` fixture points at
    assert _journal_states(home) in (["begun"], ["committed"])
    ctl = started_controller(qtbot)  # returns at once: recovery runs on a worker
    try:
        assert wait_until(lambda: ctl.window.alerts.count() > 0, timeout=60)
        alert = ctl.notifier.alerts[0]
        assert alert.title == "Interrupted migration"
        assert said in alert.body
        assert said in ctl.window.statusBar().currentMessage()
        assert _journal_states(home) == [state]
        changed = [path.read_bytes() != data for path, data in originals.items()]
        assert all(changed) if state == "done" else not any(changed)
        shown = alert.body + ctl.window.statusBar().currentMessage()
        assert not any(value in shown for value in tokens.values())
    finally:
        ctl.shutdown()


def test_nothing_to_recover_says_nothing(home: Path, qtbot) -> None:
    ctl = started_controller(qtbot)
    try:
        job = ctl.recovery  # may be done already: started_controller waits for the settings
        assert job.name == "recover-migrations"
        assert wait_until(job.done.is_set)
        assert job.result == [] and job.error is None
        wait_until(lambda: False, timeout=0.2)
        assert ctl.window.alerts.count() == 0
        assert "migration" not in ctl.window.banner.text()
    finally:
        ctl.shutdown()
