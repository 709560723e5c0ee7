"""The desktop's in-memory copy of ``settings.toml``: read on a worker at start and after each
save, so the UI reads :attr:`SettingsStore.current` and never touches the file itself.

Saves run on one worker thread of their own, in the order they were asked for (a save is a
read-modify-write of the whole file, so two at once could lose a change).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.workers import Job, JobContext, JobRunner
from scanner import settings as settings_mod
from scanner.settings import Settings


class SettingsStore(QObject):
    """Holds the current :class:`Settings` (immutable); emits :attr:`changed` with each new copy."""

    changed = Signal(object)  # Settings
    save_failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.current = Settings()
        self.problem: str | None = None  # why the file could not be read, if it could not
        self.loaded = False
        self._runner = JobRunner(self, max_threads=1)

    def reload(self) -> Job:
        """Read the file on the worker; :attr:`changed` follows."""
        return self._runner.submit(
            lambda _ctx: settings_mod.load_or_default(),
            on_success=self._loaded,
            on_error=lambda message: self._set(Settings(), message),  # the defaults, and why
            name="settings",
        )

    def update(
        self,
        *,
        then: Callable[[JobContext], Any] | None = None,
        on_saved: Callable[[Settings], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        **changes: Any,
    ) -> Job:
        """Save ``changes`` on the worker (``then`` runs there right after, e.g. a login-item
        change); on success :attr:`current` is the saved copy, :attr:`changed` is emitted and
        ``on_saved`` gets it. Failures go to ``on_error``, or :attr:`save_failed`."""

        def save(ctx: JobContext) -> Settings:
            saved = settings_mod.update(**changes)
            if then is not None:
                then(ctx)
            return saved

        def done(saved: Settings) -> None:
            self._set(saved, None)
            if on_saved is not None:
                on_saved(saved)

        return self._runner.submit(
            save, on_success=done, on_error=on_error or self.save_failed.emit, name="settings-save"
        )

    def wait(self, timeout_ms: int = 5000) -> bool:
        return self._runner.wait(timeout_ms)

    def _loaded(self, result: tuple[Settings, str | None]) -> None:
        self._set(*result)

    def _set(self, settings: Settings, problem: str | None) -> None:
        self.current, self.problem, self.loaded = settings, problem, True
        self.changed.emit(settings)
