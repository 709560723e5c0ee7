"""Wires the pieces together: window, tray, notifications, monitoring, wizards, reminders."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication

from desktop import theme
from desktop.icons import app_icon
from desktop.notifications import Alert, Notifier
from desktop.services import ScanSummary, Services
from desktop.settings_store import SettingsStore
from desktop.tray import Tray, TrayState
from desktop.views.main_window import MainWindow
from desktop.workers import JobRunner
from scanner.paths import display_path
from scanner.settings import Settings

log = logging.getLogger(__name__)


def _pause_end(settings: Settings) -> datetime | None:
    """When a pause still in force ends (None: not paused, or the pause has expired)."""
    until = settings.paused_until
    return until if until is not None and until > datetime.now(UTC) else None


REMINDER_CHECK_MS = 60 * 60 * 1000
SHUTDOWN_TIMEOUT_S = 4.0
MONITOR_START_DELAY_MS = 3000


class Controller(QObject):
    def __init__(
        self,
        services: Services,
        *,
        start_in_tray: bool = False,
        scan_on_start: bool = False,
        tray_available: bool | None = None,
        use_dbus: bool = True,
    ) -> None:
        super().__init__()
        self.services = services
        self.start_in_tray = start_in_tray
        self.scan_on_start = scan_on_start
        self.runner = JobRunner(self)
        # settings.toml is read on a worker; the UI reads this in-memory copy
        self.settings = SettingsStore(self)
        self.notifier = Notifier(self, use_dbus=use_dbus)
        available = Tray.available() if tray_available is None else tray_available
        self.tray: Tray | None = Tray(self) if available else None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setWindowIcon(app_icon())
            theme.follow_system(app)
        self.window = MainWindow(
            services, self.runner, self.notifier, tray_available=self.tray is not None
        )
        self.monitor: Any = None
        # Monitoring starts (engine compile, inotify, catch-up) once the window has shown its
        # first assessed snapshot, or after MONITOR_START_DELAY_MS: not during start-up.
        self._monitor_may_start = False
        self._quitting = False
        self._start_requested = False
        self.started = False  # True once start() has had the settings it needs
        self._theme: str | None = None
        self._reminded: set[tuple[int, str, str]] = set()
        self._pause_timer = QTimer(self)
        self._pause_timer.setSingleShot(True)
        self._pause_timer.timeout.connect(self._pause_expired)
        self._reminder_timer = QTimer(self)
        self._reminder_timer.timeout.connect(self.check_reminders)
        self._wire()

    def _wire(self) -> None:
        w = self.window
        w.quit_requested.connect(self.quit)
        w.settings_requested.connect(self.open_settings)
        w.migrate_requested.connect(self.open_migration)
        w.leak_requested.connect(self.open_leak_response)
        w.scan_finished.connect(self._scan_finished)
        w.refreshed.connect(self._refreshed)
        self.notifier.activated.connect(self._open_credential)
        self.settings.changed.connect(self._settings_changed)
        self.settings.save_failed.connect(
            lambda msg: self.window.set_banner(f"Settings not saved: {msg}")
        )
        self.settings.reload()
        if self.tray is not None:
            t = self.tray
            t.open_requested.connect(w.bring_to_front)
            t.scan_requested.connect(self.scan_now)
            t.pause_requested.connect(self.pause_monitoring)
            t.reminders_requested.connect(self.show_reminders)
            t.quit_requested.connect(self.quit)
            self.notifier.attach_tray(t.icon)

    # -- start / stop --------------------------------------------------------------------------
    def start(self) -> None:
        if self.tray is not None:
            self.tray.show()
        self.recovery = self.recover_migrations()
        self.window.refresh()
        self._start_requested = True
        if self.settings.loaded:
            self._finish_start(self.settings.current)

    def _finish_start(self, settings: Settings) -> None:
        """The part of start-up that depends on the settings (once they are read)."""
        self.started = True
        first_run = not settings.first_run_done
        if not self.start_in_tray or self.tray is None or first_run:
            self.window.show()
        self._apply_monitoring()
        QTimer.singleShot(MONITOR_START_DELAY_MS, self._release_monitor)
        self._reminder_timer.start(REMINDER_CHECK_MS)
        QTimer.singleShot(5000, self.check_reminders)
        if first_run:
            self.open_first_run()
        elif self.scan_on_start:
            self.scan_now()

    def shutdown(self, timeout_s: float = SHUTDOWN_TIMEOUT_S) -> bool:
        """Stop monitoring and background jobs; False when a job is still running after
        ``timeout_s`` (the caller may then exit without waiting for it)."""
        deadline = time.monotonic() + timeout_s
        self.runner.cancel_all()
        self._stop_monitor()
        self.notifier.close()
        self.settings.wait(max(0, int((deadline - time.monotonic()) * 1000)))
        if self.tray is not None:
            self.tray.hide()
        remaining_ms = max(0, int((deadline - time.monotonic()) * 1000))
        return self.runner.wait(remaining_ms)

    def recover_migrations(self) -> Any:
        """On a worker: finish or roll back migrations a crash interrupted; say what was done."""
        return self.runner.submit(
            self.services.recover_migrations,
            on_success=self._migrations_recovered,
            on_error=self._recovery_failed,
            name="recover-migrations",
        )

    def _migrations_recovered(self, messages: list[str]) -> None:
        if not messages:
            return
        for message in messages:
            log.info("recovery: %s", message)
            self.notifier.notify(Alert("Interrupted migration", message, kind="info"))
        self.window.statusBar().showMessage(messages[0], 15000)
        self.window.refresh()

    def _recovery_failed(self, message: str) -> None:
        text = (
            f"Could not check for interrupted migrations ({message}); "
            "Stowaway tries again at the next start."
        )
        log.warning(text)
        self.window.set_banner(text)

    @Slot()
    def quit(self) -> None:
        """Quit for good (tray menu, Ctrl+Q, SIGTERM/SIGINT, closing the window without a tray).

        ``QApplication.exit`` rather than ``quit``: since Qt 6, ``quit()`` first asks every
        visible top-level window to close and is silently dropped when one stays open, and the
        XEmbed tray icon is such a window (the loop then kept running after "Quit").
        """
        if self._quitting:
            return
        self._quitting = True
        log.info("quitting")
        self.runner.cancel_all()
        self.window.keep_running_in_tray = False
        # a secret copied less than 30 s ago must not outlive us (X11 hands the clipboard to a
        # clipboard manager at exit)
        self.window.inventory.detail.clipboard.clear_if_unchanged()
        self.window.save_layout()
        self.window.close()
        if self.tray is not None:
            self.tray.hide()
        QApplication.exit(0)

    @Slot(str)
    def handle_message(self, message: str) -> None:
        """From a second launch: show ourselves (and maybe scan)."""
        log.info("request from another launch: %s", message)
        self.window.bring_to_front()
        if message == "scan":
            self.scan_now()

    # -- scanning & state ----------------------------------------------------------------------
    @Slot()
    def scan_now(self) -> None:
        self.window.start_scan()
        self._update_tray()

    def _scan_finished(self, summary: ScanSummary | None) -> None:
        self._update_tray()
        if summary is not None and summary.new_credentials and not self.window.isVisible():
            self.notifier.notify(
                Alert(
                    "New credentials found",
                    f"The scan found {summary.new_credentials} new credential"
                    f"{'s' if summary.new_credentials != 1 else ''} in plain text.",
                    kind="exposure",
                )
            )

    @Slot(object)
    def _settings_changed(self, settings: Settings) -> None:
        app = QApplication.instance()
        if settings.theme != self._theme and isinstance(app, QApplication):
            first = self._theme is None
            self._theme = settings.theme
            theme.set_preference(settings.theme)
            if not first or settings.theme != "system":
                theme.apply(app)
        if not self.started:
            if self._start_requested:
                self._finish_start(settings)
            return
        self._apply_monitoring()

    def _update_tray(self) -> None:
        settings = self.settings.current
        exposed = self.window.snapshot.stats.exposed_credentials if self.window.snapshot else 0
        paused = _pause_end(settings)
        state = TrayState(
            exposed=exposed,
            paused_until=paused.astimezone() if paused else None,
            scanning=self.window.scanning,
            monitoring=settings.monitoring_enabled,
        )
        if self.tray is not None:
            self.tray.set_state(state)
        if not settings.monitoring_enabled:
            text = "Off"
        elif paused is not None:
            text = f"Paused until {paused.astimezone():%H:%M}"
        elif self.monitor is not None:
            text = f"On watching {self.monitor.folder_count} folders"
        else:
            text = "On"
        self.window.set_monitoring_text(text)

    # -- monitoring ----------------------------------------------------------------------------
    @Slot(object)
    def pause_monitoring(self, until: datetime | None) -> None:
        until_utc = until.astimezone(UTC) if until is not None else None
        self.settings.update(paused_until=until_utc)  # _settings_changed applies it

    def _pause_expired(self) -> None:
        settings = self.settings.current
        if settings.paused_until is not None and settings.paused_until <= datetime.now(UTC):
            self.settings.update(paused_until=None)  # _settings_changed applies it
        else:
            self._apply_monitoring()

    def _apply_monitoring(self) -> None:
        settings = self.settings.current
        self._pause_timer.stop()
        paused = _pause_end(settings)
        if paused is not None:
            delay = (paused - datetime.now(UTC)).total_seconds()
            self._pause_timer.start(int(min(delay, 86400 * 7) * 1000) + 500)
        if settings.monitoring_active():
            self._start_monitor()
        else:
            self._stop_monitor()
        self._update_tray()

    def _start_monitor(self) -> None:
        if self.monitor is not None:
            return
        from desktop.monitor import Monitor

        self.monitor = Monitor(self.services, self)
        self.monitor.new_exposures.connect(self._on_new_exposures)
        self.monitor.inventory_changed.connect(self.window.refresh)
        self.monitor.failed.connect(
            lambda msg: self.window.set_banner(f"Monitoring stopped: {msg}")
        )
        if self._monitor_may_start:
            self.monitor.start()

    def _release_monitor(self) -> None:
        if self._monitor_may_start:
            return
        self._monitor_may_start = True
        if self.monitor is not None:
            self.monitor.start()

    def _refreshed(self) -> None:
        snapshot = self.window.snapshot
        if snapshot is not None and snapshot.assessed and not self._monitor_may_start:
            QTimer.singleShot(0, self._release_monitor)
        self._update_tray()

    def _stop_monitor(self) -> None:
        if self.monitor is not None:
            self.monitor.stop()
            self.monitor.deleteLater()
            self.monitor = None

    def _on_new_exposures(self, events: list[Any]) -> None:
        for event in events[:5]:
            body = event.message
            if event.path:
                body = body.replace(event.path, display_path(event.path))
            self.notifier.notify(
                Alert("Token saved in plain text", body, credential_id=event.credential_id)
            )
        if len(events) > 5:
            self.notifier.notify(Alert("More tokens found", f"{len(events) - 5} more new copies."))

    # -- reminders -----------------------------------------------------------------------------
    @Slot()
    def check_reminders(self) -> None:
        job = self.runner.submit(lambda _ctx: self.services.due_reminders(), name="reminders")
        job.signals.succeeded.connect(self._notify_reminders)

    def _notify_reminders(self, reminders: list[Any]) -> None:
        for reminder in reminders:
            if reminder.status not in ("due", "overdue") and reminder.lead_days is None:
                continue
            key = (
                reminder.credential_id,
                reminder.kind,
                f"{reminder.status}:{datetime.now():%Y-%m-%d}",
            )
            if key in self._reminded:
                continue
            self._reminded.add(key)
            self.notifier.notify(
                Alert(
                    reminder.title,
                    reminder.message,
                    credential_id=reminder.credential_id,
                    kind="reminder",
                )
            )

    # -- windows & wizards ---------------------------------------------------------------------
    @Slot()
    def show_reminders(self) -> None:
        self.window.bring_to_front()
        self.window.tabs.setCurrentWidget(self.window.reminders)

    def _open_credential(self, credential_id: int | None) -> None:
        self.window.bring_to_front()
        if credential_id is not None:
            self.window.show_credential(credential_id)

    @Slot()
    def open_settings(self) -> None:
        from desktop.views.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self.window)
        if dialog.exec():  # accepted once saved; _settings_changed has applied theme & monitoring
            self.services.reset_engine()  # new folders and excludes
            self._stop_monitor()
            self._apply_monitoring()

    def open_first_run(self) -> None:
        from desktop.views.first_run import FirstRunWizard

        wizard = FirstRunWizard(self.window)
        wizard.finished.connect(lambda result: self._first_run_done(bool(result)))
        wizard.open()
        self.first_run = wizard

    def _first_run_done(self, accepted: bool) -> None:
        self.settings.update(first_run_done=True)
        if accepted:
            self.window.tabs.setCurrentWidget(self.window.overview)
            self.scan_now()

    @Slot(int)
    def open_migration(self, credential_id: int) -> None:
        from desktop.wizards.migration import MigrationWizard

        wizard = MigrationWizard(self.services, self.runner, [credential_id], self.window)
        wizard.finished.connect(lambda _r: self.window.refresh())
        wizard.open()
        self.migration_wizard = wizard

    @Slot(int)
    def open_leak_response(self, credential_id: int) -> None:
        from desktop.wizards.leak import LeakWizard

        wizard = LeakWizard(
            self.services, self.runner, credential_id=credential_id, parent=self.window
        )
        wizard.finished.connect(lambda _r: self.window.refresh())
        wizard.open()
        self.leak_wizard = wizard
