"""Start at login: the per-OS entries, generated and parsed back, and a real Linux round trip."""

from __future__ import annotations

import plistlib
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from scanner import autostart
from scanner.cli import main as cli_main


def test_desktop_entry_has_the_spec_keys_and_quotes_exec() -> None:
    command = ["/opt/My Apps/stowaway-app", "--tray"]
    entry = autostart.parse_desktop_entry(autostart.desktop_entry(command))
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Stowaway"
    assert entry["Hidden"] == "false"
    assert entry["Terminal"] == "false"
    assert entry["Exec"] == '"/opt/My Apps/stowaway-app" --tray'
    assert shlex.split(entry["Exec"]) == command
    hidden = autostart.parse_desktop_entry(autostart.desktop_entry(command, hidden=True))
    assert hidden["Hidden"] == "true"


def test_desktop_entry_validates_with_desktop_file_validate(tmp_path: Path) -> None:
    validator = subprocess.run(["which", "desktop-file-validate"], capture_output=True, text=True)
    if validator.returncode != 0:
        pytest.skip("desktop-file-validate not installed")
    path = tmp_path / "stowaway.desktop"
    path.write_text(autostart.desktop_entry(["/usr/bin/stowaway-app", "--tray"]))
    result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_launch_agent_plist_parses_back() -> None:
    data = plistlib.loads(autostart.launch_agent_plist(["/Applications/Stowaway.app/x", "--tray"]))
    assert data["Label"] == autostart.LAUNCH_AGENT_LABEL
    assert data["RunAtLoad"] is True
    assert data["ProgramArguments"] == ["/Applications/Stowaway.app/x", "--tray"]


def test_windows_run_value_and_task_manager_state() -> None:
    value = autostart.windows_run_value([r"C:\Program Files\Stowaway\stowaway-app.exe", "--tray"])
    assert value == r'"C:\Program Files\Stowaway\stowaway-app.exe" --tray'
    assert autostart.startup_approved_enabled(None)
    assert autostart.startup_approved_enabled(bytes([2]) + bytes(11))
    assert not autostart.startup_approved_enabled(bytes([3]) + bytes(11))


def test_linux_enable_status_disable_remove_round_trip(home: Path) -> None:
    path = home / ".config" / "autostart" / "stowaway.desktop"
    assert not autostart.status().enabled
    state = autostart.enable()
    assert state.enabled and Path(state.location) == path
    entry = autostart.parse_desktop_entry(path.read_text())
    assert shlex.split(entry["Exec"])[-1] == "--tray"
    state = autostart.disable()
    assert not state.enabled and path.exists()
    assert autostart.parse_desktop_entry(path.read_text())["Hidden"] == "true"
    assert autostart.enable().enabled
    assert not autostart.remove().enabled
    assert not path.exists()


def test_autostart_cli(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["autostart", "enable"]) == 0
    assert "enabled" in capsys.readouterr().out
    assert cli_main(["autostart"]) == 0
    assert "Start at login: enabled" in capsys.readouterr().out
    assert cli_main(["autostart", "disable"]) == 0
    assert "disabled" in capsys.readouterr().out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG autostart is Linux")
def test_app_command_points_at_an_existing_program() -> None:
    command = autostart.app_command()
    assert command[-1] == "--tray"
    assert Path(command[0]).exists()
