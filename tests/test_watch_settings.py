"""scanner.settings: typed load/save of settings.toml used by the watcher and the desktop."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scanner import settings
from scanner.settings import Settings, SettingsError


def test_defaults_when_missing(home: Path) -> None:
    s = settings.load()
    assert s == Settings()
    assert s.notification_lead_days == (14, 3, 1) and s.monitoring_enabled
    assert settings.settings_path() == home / ".config/stowaway/settings.toml"


def test_round_trip_atomic_private_and_keeps_unknown_keys(home: Path) -> None:
    path = settings.settings_path()
    path.write_text('future_option = "kept"\n[future_table]\nx = 1\n')
    paused = datetime(2031, 5, 6, 7, 8, tzinfo=UTC)
    new = settings.update(
        watched_folders=("~/vault", '/data/we"ird\\name'),
        excludes=("*/fixtures/*",),
        paused_until=paused,
        notification_lead_days=(1, 30),
        first_run_done=True,
        theme="dark",
    )
    again = settings.load()
    assert again == new
    assert again.paused_until == paused and again.notification_lead_days == (30, 1)
    assert again.extra == {"future_option": "kept", "future_table": {"x": 1}}
    assert again.watched_paths()[0] == home / "vault"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]  # no temp left behind


def test_monitoring_active() -> None:
    now = datetime.now(UTC)
    assert Settings().monitoring_active(now)
    assert not Settings(monitoring_enabled=False).monitoring_active(now)
    assert not Settings(paused_until=now + timedelta(hours=1)).monitoring_active(now)
    assert Settings(paused_until=now - timedelta(seconds=1)).monitoring_active(now)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("watched_folders = 3\n", "watched_folders must be a list of strings"),
        ("theme = 'neon'\n", "theme must be one of"),
        ("monitoring_enabled = 'yes'\n", "true or false"),
        ("notification_lead_days = [-1]\n", "whole days"),
        ("this is not toml\n", "not valid TOML"),
    ],
)
def test_bad_file_gives_a_clear_message_and_is_kept(home: Path, text: str, reason: str) -> None:
    path = settings.settings_path()
    path.write_text(text)
    with pytest.raises(SettingsError, match=reason):
        settings.load()
    s, problem = settings.load_or_default()
    assert s == Settings() and problem is not None and str(path) in problem
    assert path.read_text() == text
