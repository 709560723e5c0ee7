"""Shared fixtures: a throw-away home, the real Secret Service, Qt, screenshots.

Run the suite with ``bash tests/run.sh``: it provides the D-Bus session, an unlocked
gnome-keyring and an Xvfb display with a tray host. Keychain and display tests fail (rather than
silently pass) inside that harness when their service is missing, and skip outside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).parent / "artifacts"
IN_HARNESS = os.environ.get("STOWAWAY_TEST_SESSION") == "1"

XDG_VARS = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")


def _missing(reason: str) -> None:
    if IN_HARNESS:
        pytest.fail(f"test harness is incomplete: {reason}")
    pytest.skip(f"{reason} (run the suite with `bash tests/run.sh`)")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty home directory with HOME and the XDG base dirs pointing into it."""
    home_dir = tmp_path / "home"
    home_dir.mkdir()
    monkeypatch.setenv("HOME", str(home_dir))
    monkeypatch.setenv("USERPROFILE", str(home_dir))
    for var, rel in zip(
        XDG_VARS, (".config", ".local/share", ".local/state", ".cache"), strict=True
    ):
        path = home_dir / rel
        path.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(path))
    return home_dir


@pytest.fixture
def keychain() -> Iterator[Any]:
    """The real Secret Service keyring backend, selected explicitly (never keyrings.alt).

    Items created during the test are deleted afterwards.
    """
    import keyring
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    try:
        backend.priority  # noqa: B018  raises when the service is unavailable
        collection = backend.get_preferred_collection()
    except Exception as exc:
        _missing(f"no Secret Service available: {exc}")
    before = {item.item_path for item in collection.get_all_items()}
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
        for item in collection.get_all_items():
            if item.item_path not in before:
                item.delete()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """``screenshot(name, widget=None)``: save a PNG of a widget, or of the whole screen, under
    ``tests/artifacts/``. Returns the file's path."""

    def take(name: str, widget: Any = None) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        target = ARTIFACTS / f"{name}.png"
        if widget is not None:
            if not widget.grab().save(str(target), "PNG"):
                raise RuntimeError(f"could not save screenshot {target}")
            return target
        display = os.environ.get("DISPLAY")
        if display and shutil.which("import"):
            subprocess.run(["import", "-window", "root", str(target)], check=True, timeout=30)
            return target
        from PySide6.QtGui import QGuiApplication

        screen = QGuiApplication.primaryScreen()
        if screen is None or not screen.grabWindow(0).save(str(target), "PNG"):
            raise RuntimeError(f"could not save screenshot {target}")
        return target

    return take


@pytest.fixture
def require_display() -> None:
    """For tests marked ``display``: the real X display must be there."""
    if not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        _missing("no X display (tests marked `display` run in the Xvfb pass)")
