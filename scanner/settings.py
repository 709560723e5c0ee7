"""User settings shared by the CLI, the watcher and the desktop app: ``config_dir()/settings.toml``.

Typed, validated on load, written atomically (temp file + rename, mode 0600). Keys this version
doesn't know are kept on save, so an older and a newer Stowaway can share one file. A broken file
raises :class:`SettingsError` with the reason and is never overwritten by :func:`load_or_default`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scanner import paths

FILE_NAME = "settings.toml"
THEMES = ("system", "light", "dark")


class SettingsError(ValueError):
    """The settings file cannot be used; the message says which key or line is wrong."""


@dataclass(frozen=True)
class Settings:
    watched_folders: tuple[str, ...] = ()  # extra folders to scan and watch (recursive)
    excludes: tuple[str, ...] = ()  # path globs never scanned or watched
    monitoring_enabled: bool = True
    paused_until: datetime | None = None  # monitoring resumes at this time (UTC)
    notification_lead_days: tuple[int, ...] = (14, 3, 1)  # remind this many days before expiry
    first_run_done: bool = False
    theme: str = "system"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)  # unknown keys, kept

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    def monitoring_active(self, now: datetime | None = None) -> bool:
        """Enabled and not paused (a pause in the past has expired)."""
        if not self.monitoring_enabled:
            return False
        if self.paused_until is None:
            return True
        return (now or datetime.now(UTC)) >= self.paused_until

    def watched_paths(self) -> list[Path]:
        return [Path(os.path.expanduser(p)) for p in self.watched_folders]


def settings_path() -> Path:
    return paths.config_dir() / FILE_NAME


def _str_list(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{key} must be a list of strings")
    return tuple(value)


def _from_dict(data: dict[str, Any]) -> Settings:
    known = {f.name for f in fields(Settings)} - {"extra"}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            continue
        if key in ("watched_folders", "excludes"):
            values[key] = _str_list(key, value)
        elif key in ("monitoring_enabled", "first_run_done"):
            if not isinstance(value, bool):
                raise SettingsError(f"{key} must be true or false")
            values[key] = value
        elif key == "paused_until":
            if value in ("", None):
                values[key] = None
            elif isinstance(value, datetime):
                values[key] = value if value.tzinfo else value.replace(tzinfo=UTC)
            else:
                raise SettingsError("paused_until must be a date-time such as 2030-01-01T09:00Z")
        elif key == "notification_lead_days":
            if not isinstance(value, list) or not all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value
            ):
                raise SettingsError("notification_lead_days must be a list of whole days >= 0")
            values[key] = tuple(sorted(set(value), reverse=True))
        elif key == "theme":
            if value not in THEMES:
                raise SettingsError(f"theme must be one of {', '.join(THEMES)}")
            values[key] = value
    extra = {k: v for k, v in data.items() if k not in known}
    return Settings(**values, extra=extra)


def load(path: Path | None = None) -> Settings:
    """Read the settings; a missing file gives the defaults."""
    target = path or settings_path()
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{target}: cannot read settings: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{target}: not valid TOML: {exc}") from None
    try:
        return _from_dict(data)
    except SettingsError as exc:
        raise SettingsError(f"{target}: {exc}") from None


def load_or_default(path: Path | None = None) -> tuple[Settings, str | None]:
    """The settings, or the defaults plus the reason the file could not be used."""
    try:
        return load(path), None
    except SettingsError as exc:
        return Settings(), str(exc)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    if isinstance(value, str):
        out = value.replace("\\", "\\\\").replace('"', '\\"')
        for ch, esc in (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
            out = out.replace(ch, esc)
        out = "".join(c if ord(c) >= 0x20 and c != "\x7f" else f"\\u{ord(c):04x}" for c in out)
        return f'"{out}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise SettingsError(f"cannot store a {type(value).__name__} in settings")


def _toml_key(key: str) -> str:
    bare = key.replace("_", "").replace("-", "").isalnum() and key.isascii()
    return key if bare else _toml_value(key)


def dumps(settings: Settings) -> str:
    lines = ["# Stowaway settings (edited by the app; safe to edit by hand).", ""]
    for f in fields(Settings):
        if f.name == "extra":
            continue
        value = getattr(settings, f.name)
        if value is None:
            continue  # TOML has no null: absent means unset
        lines.append(f"{f.name} = {_toml_value(value)}")
    for key, value in settings.extra.items():
        lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def save(settings: Settings, path: Path | None = None) -> Path:
    """Write atomically (temp file in the same folder, fsync, rename), mode 0600."""
    target = path or settings_path()
    text = dumps(settings)
    tomllib.loads(text)  # never write a file we could not read back
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def update(path: Path | None = None, **changes: Any) -> Settings:
    """Load, change some fields, save; returns the settings as stored (validated, normalised)."""
    save(load(path).with_changes(**changes), path)
    return load(path)
