"""Where Stowaway keeps its own files, via platformdirs (so XDG_* and HOME isolate everything)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "stowaway"


def _ensure_private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def data_dir() -> Path:
    """Inventory database, fingerprint key, migration journal."""
    return _ensure_private_dir(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


def config_dir() -> Path:
    """Settings and the user's ignore file."""
    return _ensure_private_dir(Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)))


def state_dir() -> Path:
    """Logs and runtime state (never a secret)."""
    return _ensure_private_dir(Path(platformdirs.user_state_dir(APP_NAME, appauthor=False)))


def cache_dir() -> Path:
    return _ensure_private_dir(Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)))


def home_dir() -> Path:
    return Path(os.path.expanduser("~"))


def display_path(path: str) -> str:
    """``path`` with the home directory shown as ``~`` (for people, not for file access)."""
    home = os.path.expanduser("~")
    if path == home or path.startswith(home + os.sep):
        return "~" + path[len(home) :]
    return path
