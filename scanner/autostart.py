"""Start at login, per OS, for the current user only.

* Linux: an XDG autostart entry ``$XDG_CONFIG_HOME/autostart/stowaway.desktop``; disabling keeps
  the file with ``Hidden=true`` (the XDG Autostart spec's way to switch an entry off), removing
  deletes it (uninstall).
* macOS: a LaunchAgent ``~/Library/LaunchAgents/app.stowaway.tray.plist`` with ``RunAtLoad``.
* Windows: the ``Stowaway`` value under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``;
  status also reads ``…\\Explorer\\StartupApproved\\Run``, where Task Manager records that the
  user switched the entry off.

The launched command is ``stowaway-app --tray`` (the tray starts minimised).
"""

from __future__ import annotations

import importlib
import os
import plistlib
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

DESKTOP_FILE = "stowaway.desktop"
LAUNCH_AGENT_LABEL = "app.stowaway.tray"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
APPROVED_KEY = r"Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run"
RUN_VALUE = "Stowaway"
TRAY_ARG = "--tray"


class AutostartError(RuntimeError):
    pass


@dataclass(frozen=True)
class AutostartStatus:
    enabled: bool
    mechanism: str  # "xdg-autostart" | "launch-agent" | "registry-run"
    location: str  # file path or registry key
    command: str  # what runs at login ("" when no entry)
    detail: str = ""  # e.g. "disabled in Task Manager"


def app_command() -> list[str]:
    """The command line that starts the tray app, as absolute as we can make it."""
    if getattr(sys, "frozen", False):  # PyInstaller bundle: stowaway-app sits beside us
        exe = Path(sys.executable).with_name("stowaway-app" + (".exe" if os.name == "nt" else ""))
        return [str(exe), TRAY_ARG]
    beside = Path(sys.executable).with_name("stowaway-app")
    found = shutil.which("stowaway-app")
    if beside.exists():
        return [str(beside), TRAY_ARG]
    if found:
        return [str(Path(found).resolve()), TRAY_ARG]
    return [sys.executable, "-m", "desktop.app", TRAY_ARG]


# --- Linux / XDG -------------------------------------------------------------------------------


def _desktop_exec(command: list[str]) -> str:
    """Quote for the Exec key (Desktop Entry spec: double quotes, escape \\ " ` $)."""

    def quote(arg: str) -> str:
        if arg and all(c.isalnum() or c in "-_./=:+," for c in arg):
            return arg
        escaped = "".join("\\" + c if c in '\\"`$' else c for c in arg)
        return f'"{escaped}"'

    return " ".join(quote(a) for a in command)


def desktop_entry(command: list[str], *, hidden: bool = False) -> str:
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.1",
        "Name=Stowaway",
        "GenericName=Token hygiene monitor",
        "Comment=Watches for API tokens copied into files and keeps them in the keychain",
        f"Exec={_desktop_exec(command)}",
        "Icon=stowaway",
        "Terminal=false",
        "Categories=Utility;Security;",
        "StartupNotify=false",
        "X-GNOME-Autostart-enabled=" + ("false" if hidden else "true"),
        "X-GNOME-Autostart-Delay=5",
        f"Hidden={'true' if hidden else 'false'}",
    ]
    return "\n".join(lines) + "\n"


def parse_desktop_entry(text: str) -> dict[str, str]:
    """The keys of the ``[Desktop Entry]`` group (enough of the spec for our own files)."""
    entries: dict[str, str] = {}
    group = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1]
            continue
        if group == "Desktop Entry" and "=" in line:
            key, _, value = line.partition("=")
            entries[key.strip()] = value.strip()
    return entries


def xdg_autostart_path() -> Path:
    return Path(platformdirs.user_config_dir()) / "autostart" / DESKTOP_FILE


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# --- macOS --------------------------------------------------------------------------------------


def launch_agent_path(home: Path | None = None) -> Path:
    base = home if home is not None else Path.home()
    return base / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"


def launch_agent_plist(command: list[str]) -> bytes:
    return plistlib.dumps(
        {
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": command,
            "RunAtLoad": True,
            "KeepAlive": False,
            "ProcessType": "Interactive",
            "LimitLoadToSessionType": "Aqua",
        }
    )


# --- Windows ------------------------------------------------------------------------------------


def windows_run_value(command: list[str]) -> str:
    """The ``Run`` value string: each argument quoted the way Windows' command line parser reads."""
    import subprocess

    return subprocess.list2cmdline(command)


def startup_approved_enabled(data: bytes | None) -> bool:
    """Task Manager's StartupApproved record: first byte even (0x02/0x06) = enabled, odd = off.

    A missing value means the user never touched it: enabled.
    """
    if not data:
        return True
    return data[0] % 2 == 0


# --- the OS-independent API ---------------------------------------------------------------------


def _platform() -> str:
    return sys.platform


def status() -> AutostartStatus:
    plat = _platform()
    if plat.startswith("linux") or plat.startswith("freebsd"):
        path = xdg_autostart_path()
        if not path.exists():
            return AutostartStatus(False, "xdg-autostart", str(path), "")
        entry = parse_desktop_entry(path.read_text(encoding="utf-8", errors="replace"))
        hidden = entry.get("Hidden", "false").lower() == "true"
        gnome_off = entry.get("X-GNOME-Autostart-enabled", "true").lower() == "false"
        enabled = not hidden and not gnome_off
        return AutostartStatus(
            enabled,
            "xdg-autostart",
            str(path),
            entry.get("Exec", ""),
            "" if enabled else "entry present but switched off (Hidden=true)",
        )
    if plat == "darwin":
        path = launch_agent_path()
        if not path.exists():
            return AutostartStatus(False, "launch-agent", str(path), "")
        data = plistlib.loads(path.read_bytes())
        return AutostartStatus(
            bool(data.get("RunAtLoad")),
            "launch-agent",
            str(path),
            shlex.join(data.get("ProgramArguments", [])),
        )
    if plat == "win32":
        return _windows_status()
    raise AutostartError(f"start at login is not supported on {plat}")


def enable() -> AutostartStatus:
    command = app_command()
    plat = _platform()
    if plat.startswith("linux") or plat.startswith("freebsd"):
        _write_atomic(xdg_autostart_path(), desktop_entry(command).encode("utf-8"))
    elif plat == "darwin":
        _write_atomic(launch_agent_path(), launch_agent_plist(command))
    elif plat == "win32":
        _windows_set(windows_run_value(command))
    else:
        raise AutostartError(f"start at login is not supported on {plat}")
    return status()


def disable() -> AutostartStatus:
    plat = _platform()
    if plat.startswith("linux") or plat.startswith("freebsd"):
        path = xdg_autostart_path()
        if path.exists():
            entry = parse_desktop_entry(path.read_text(encoding="utf-8", errors="replace"))
            command = shlex.split(entry.get("Exec", "")) or app_command()
            _write_atomic(path, desktop_entry(command, hidden=True).encode("utf-8"))
        return status()
    return remove()


def remove() -> AutostartStatus:
    """Delete the entry entirely (uninstall)."""
    plat = _platform()
    if plat.startswith("linux") or plat.startswith("freebsd"):
        xdg_autostart_path().unlink(missing_ok=True)
    elif plat == "darwin":
        launch_agent_path().unlink(missing_ok=True)
    elif plat == "win32":
        _windows_delete()
    else:
        raise AutostartError(f"start at login is not supported on {plat}")
    return status()


def _winreg() -> Any:
    return importlib.import_module("winreg")


def _windows_status() -> AutostartStatus:  # pragma: no cover - exercised on Windows only
    winreg = _winreg()

    location = f"HKCU\\{RUN_KEY}"
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
            command, _ = winreg.QueryValueEx(key, RUN_VALUE)
    except FileNotFoundError:
        return AutostartStatus(False, "registry-run", location, "")
    approved: bytes | None = None
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, APPROVED_KEY) as key:
            approved, _ = winreg.QueryValueEx(key, RUN_VALUE)
    except FileNotFoundError:
        pass
    on = startup_approved_enabled(approved)
    return AutostartStatus(
        on, "registry-run", location, str(command), "" if on else "disabled in Task Manager"
    )


def _windows_set(value: str) -> None:  # pragma: no cover - Windows only
    winreg = _winreg()

    with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
        winreg.SetValueEx(key, RUN_VALUE, 0, winreg.REG_SZ, value)


def _windows_delete() -> None:  # pragma: no cover - Windows only
    winreg = _winreg()

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
            winreg.DeleteValue(key, RUN_VALUE)
    except FileNotFoundError:
        pass
