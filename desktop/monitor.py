"""Live monitoring in the app: the core's :class:`scanner.watch.Watcher` wrapped in Qt signals.

The watcher calls back on its own thread; this object lives on the UI thread, so emitting from
the callback queues the signal to the UI. Starting (compiling the engine, arming inotify watches)
happens on a worker so the window never waits for it.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.services import Services, load_settings
from scanner.inventory.models import EventKind, InventoryEvent

NEW_KINDS = {EventKind.NEW_EXPOSURE.value, EventKind.NEW_CREDENTIAL.value}


class Monitor(QObject):
    new_exposures = Signal(list)  # [InventoryEvent] for copies that just appeared
    inventory_changed = Signal()  # debounced: something in the inventory changed
    status = Signal(str)
    failed = Signal(str)
    started = Signal()
    _event = Signal(object)  # internal: from the watcher thread to the UI thread

    def __init__(
        self, services: Services, parent: QObject | None = None, *, quiet_period: float = 0.2
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.quiet_period = quiet_period
        self.watcher: Any = None
        self._lock = threading.Lock()
        self._stopped = False
        self._changed = QTimer(self)
        self._changed.setSingleShot(True)
        self._changed.setInterval(300)
        self._changed.timeout.connect(self.inventory_changed)
        self._event.connect(self._on_event_ui)

    @property
    def folder_count(self) -> int:
        return len(self.watcher.targets) if self.watcher is not None else 0

    def start(self) -> None:
        thread = threading.Thread(
            target=self._start_watcher, name="stowaway-monitor-start", daemon=True
        )
        thread.start()

    def _start_watcher(self) -> None:
        from scanner.watch import Watcher

        try:
            settings = load_settings()
            watcher = Watcher(
                self.services.inventory_path,
                self.services.engine(),
                self._event.emit,
                extra_folders=settings.watched_paths(),
                excludes=settings.excludes,
                quiet_period=self.quiet_period,
                on_status=self.status.emit,
            )
            with self._lock:
                if self._stopped:
                    return
                watcher.start()
                self.watcher = watcher
        except Exception as exc:
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.started.emit()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            watcher, self.watcher = self.watcher, None
        if watcher is not None:
            watcher.stop(timeout=5.0)

    def _on_event_ui(self, event: InventoryEvent) -> None:
        self._changed.start()
        if event.kind in NEW_KINDS and event.credential_id is not None:
            self.new_exposures.emit([event])
