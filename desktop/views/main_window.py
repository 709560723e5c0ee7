"""The main window: overview, inventory (table + detail), reminders and alerts, with scanning."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.icons import app_icon
from desktop.models.credentials import CredentialTableModel
from desktop.notifications import Alert, Notifier
from desktop.services import ScanSummary, Services, Snapshot
from desktop.uistate import ui_settings
from desktop.views.inventory import InventoryPage
from desktop.views.overview import OverviewPage, humanize_ago
from desktop.views.reminders import RemindersPage
from desktop.views.widgets import banner
from desktop.workers import Job, JobContext, JobRunner
from scanner.inventory.models import Credential, CredentialState


def human_bytes(count: int) -> str:
    """Sizes worded as the CLI words them. Imported on first use: ``scanner.report`` loads the
    engine, which start-up must not wait for (a scan has compiled it before it reports)."""
    from scanner.report import human_size

    return human_size(count)


class ScanBar(QWidget):
    """Progress of a running scan in the status bar: files, MB, current place, cancel."""

    cancel_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(180)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Scan progress")
        self.label = QLabel()
        self.label.setMinimumWidth(200)
        self.cancel = QPushButton("Cancel")
        self.cancel.setAccessibleName("Cancel scan")
        self.cancel.clicked.connect(self.cancel_requested)
        layout.addWidget(self.bar)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.cancel)

    def update_progress(self, progress: Any) -> None:
        total = getattr(progress, "files_total", None)
        done = getattr(progress, "files_done", 0)
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)
        current = str(getattr(progress, "current", ""))
        if len(current) > 60:
            current = "…" + current[-59:]
        self.label.setText(
            f"{done:,} files · {human_bytes(getattr(progress, 'bytes_done', 0))} · {current}"
        )


class MainWindow(QMainWindow):
    scan_finished = Signal(object)  # ScanSummary or None
    refreshed = Signal()
    settings_requested = Signal()
    migrate_requested = Signal(int)
    leak_requested = Signal(int)
    quit_requested = Signal()

    def __init__(
        self,
        services: Services,
        runner: JobRunner,
        notifier: Notifier,
        *,
        tray_available: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.notifier = notifier
        self.tray_available = tray_available
        self.keep_running_in_tray = tray_available
        self.snapshot: Snapshot | None = None
        self._refresh_generation = 0
        self.scan_job: Job | None = None
        self.monitoring_text = "On"
        self.setWindowTitle("Stowaway")
        self.setWindowIcon(app_icon())
        self.setMinimumSize(720, 480)

        self.model = CredentialTableModel(self)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.banner = banner()
        self.banner.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.overview = OverviewPage()
        self.inventory = InventoryPage(self.model, services, runner)
        self.reminders = RemindersPage()
        self.alerts = QListWidget()
        self.alerts.setAccessibleName("Alerts")
        self.alerts.itemActivated.connect(self._alert_activated)
        self.alerts.itemDoubleClicked.connect(self._alert_activated)
        self.tabs.addTab(self.overview, "Overview")
        self.tabs.addTab(self.inventory, "Credentials")
        self.tabs.addTab(self.reminders, "Reminders")
        self.tabs.addTab(self.alerts, "Alerts")
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self._build_actions()
        self.last_scan_label = QLabel("Last scan: never")
        self.last_scan_label.setAccessibleName("Last scan")
        self.scan_bar = ScanBar()
        self.scan_bar.cancel_requested.connect(self.cancel_scan)
        self.scan_bar.setVisible(False)
        self.statusBar().addWidget(self.scan_bar, 1)
        self.statusBar().addPermanentWidget(self.last_scan_label)

        self.overview.scan_requested.connect(self.start_scan)
        self.overview.credential_activated.connect(self.show_credential)
        self.overview.show_inventory.connect(lambda: self.tabs.setCurrentWidget(self.inventory))
        self.reminders.credential_activated.connect(self.show_credential)
        self.reminders.save_requested.connect(self.update_credential)
        detail = self.inventory.detail
        detail.status_message.connect(lambda m: self.statusBar().showMessage(m, 6000))
        detail.changed.connect(lambda _cid: self.refresh())
        detail.ignore_requested.connect(self.ignore_credential)
        detail.revoke_requested.connect(self.mark_revoked)
        detail.migrate_requested.connect(self.migrate_requested)
        detail.leak_requested.connect(self.leak_requested)
        notifier.alert_added.connect(self._add_alert)
        self._ticker = QTimer(self)
        self._ticker.timeout.connect(self._update_last_scan)
        self._ticker.start(30_000)
        if not tray_available:
            self.set_banner(
                "No system tray was found, so Stowaway runs as a normal window: closing it quits "
                "and monitoring stops. On GNOME, the AppIndicator extension adds a tray."
            )
        self.restore_layout()

    # -- actions & shortcuts -------------------------------------------------------------------
    def _build_actions(self) -> None:
        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        self.scan_action = self._action("&Scan now", "F5", self.start_scan, toolbar)
        self.cancel_action = self._action("&Cancel scan", "Escape", self.cancel_scan)
        self.cancel_action.setEnabled(False)
        self.find_action = self._action("&Find", QKeySequence.StandardKey.Find, self.focus_search)
        self.ignore_action = self._action(
            "&Ignore…", QKeySequence.StandardKey.Delete, self.ignore_selected, toolbar
        )
        self.migrate_action = self._action(
            "&Move to keychain…", "Ctrl+M", self.migrate_selected, toolbar
        )
        self.leak_action = self._action("&Leak response…", "Ctrl+L", self.leak_selected, toolbar)
        toolbar.addSeparator()
        self.settings_action = self._action(
            "Se&ttings…", "Ctrl+,", self.settings_requested.emit, toolbar
        )
        self.quit_action = self._action(
            "&Quit", QKeySequence.StandardKey.Quit, self.quit_requested.emit
        )
        for index in range(4):
            self._action(
                f"Page {index + 1}",
                f"Ctrl+{index + 1}",
                lambda i=index: self.tabs.setCurrentIndex(i),
            )

    def _action(
        self, text: str, shortcut: Any, slot: Any, toolbar: QToolBar | None = None
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        if toolbar is not None:
            toolbar.addAction(action)
        return action

    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.inventory)
        self.inventory.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.inventory.search.selectAll()

    def set_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    # -- data ----------------------------------------------------------------------------------
    def refresh(self) -> Job:
        """Re-read the inventory off the UI thread: rows and counts first, then risks and
        reminders (the returned job succeeds with the full snapshot)."""
        self._refresh_generation += 1
        generation = self._refresh_generation
        shown = threading.Event()
        job = self.runner.submit(
            lambda ctx: self.services.snapshot(ctx, rows_shown=shown), name="snapshot"
        )
        job.signals.partial.connect(
            lambda items, g=generation: self._apply_rows_first(g, items, shown)
        )
        job.signals.succeeded.connect(self.apply_snapshot)
        job.signals.failed.connect(
            lambda msg: self.set_banner(f"Could not read the inventory: {msg}")
        )
        return job

    def _apply_rows_first(
        self, generation: int, items: list[Snapshot], shown: threading.Event
    ) -> None:
        """The quick part of a refresh: keep the risks and reminders already known until the
        assessed snapshot arrives, so the table neither waits nor flickers."""
        QTimer.singleShot(0, shown.set)  # after the paint this apply schedules
        if generation != self._refresh_generation or not items:
            return  # a newer refresh is under way
        quick = items[-1]
        previous = self.snapshot
        if previous is not None:
            ids = {c.id for c in quick.credentials}
            risks = {cid: r for cid, r in previous.risks.items() if cid in ids}
            quick = replace(quick, risks=risks, reminders=previous.reminders)
        self.apply_snapshot(quick)

    def apply_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        selected = self.inventory.selected_id()
        self.model.set_rows(snapshot.credentials, snapshot.risks)
        if selected is not None:
            self.inventory.select_credential(selected)
        self._update_overview()
        self.reminders.update_view(snapshot.reminders, snapshot.credentials)
        due = self.reminders.due_count()
        self.tabs.setTabText(2, f"Reminders ({due})" if due else "Reminders")
        self._update_last_scan()
        self.refreshed.emit()

    def _update_overview(self) -> None:
        if self.snapshot is None:
            return
        stats = self.snapshot.stats
        creds = self.model.credentials()
        self.overview.update_view(
            creds,
            self.snapshot.risks,
            present_copies=stats.present_copies,
            exposed=stats.exposed_credentials,
            last_scan=stats.last_scan_at,
            monitoring=self.monitoring_text,
            scanned_ever=stats.last_scan_at is not None,
        )

    def set_monitoring_text(self, text: str) -> None:
        self.monitoring_text = text
        self._update_overview()

    def _update_last_scan(self) -> None:
        last = self.snapshot.stats.last_scan_at if self.snapshot else None
        self.last_scan_label.setText(f"Last scan: {humanize_ago(last)}")

    def show_credential(self, credential_id: int) -> None:
        self.tabs.setCurrentWidget(self.inventory)
        if not self.inventory.select_credential(credential_id):
            # not loaded yet (e.g. a notification for a brand-new credential): reload, then select
            job = self.refresh()
            job.signals.succeeded.connect(
                lambda _s: self.inventory.select_credential(credential_id)
            )

    def bring_to_front(self) -> None:
        self.show()
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.raise_()
        self.activateWindow()

    # -- scanning ------------------------------------------------------------------------------
    @property
    def scanning(self) -> bool:
        return self.scan_job is not None

    def start_scan(self, roots: list[Any] | None = None) -> Job | None:
        if self.scan_job is not None:
            return None
        scan_roots = roots if roots is not None else self.default_roots()

        def run(ctx: JobContext) -> ScanSummary:
            return self.services.scan(ctx, scan_roots)

        job = Job(run, "scan")
        job.signals.progress.connect(self.scan_bar.update_progress)
        job.signals.partial.connect(self._scan_rows)
        job.signals.succeeded.connect(self._scan_done)
        job.signals.failed.connect(self._scan_failed)
        job.signals.finished.connect(self._scan_finished)
        self.scan_job = job
        self.scan_bar.setVisible(True)
        self.scan_bar.bar.setRange(0, 0)
        self.scan_bar.label.setText("Starting…")
        self.scan_action.setEnabled(False)
        self.cancel_action.setEnabled(True)
        self.runner.start(job)
        return job

    def default_roots(self) -> list[Any] | None:
        """None: the core's default (personal locations plus the folders added in Settings)."""
        return None

    def cancel_scan(self) -> None:
        if self.scan_job is not None:
            self.scan_job.cancel()
            self.scan_bar.label.setText("Cancelling…")

    def _scan_rows(self, rows: list[Credential]) -> None:
        self.model.upsert(rows)
        selected = self.inventory.selected_id()
        if selected is not None and any(r.id == selected for r in rows):
            self.inventory.detail.show_credential(selected)

    def _scan_done(self, summary: ScanSummary) -> None:
        text = (
            f"Scan {'cancelled' if summary.cancelled else 'finished'}: "
            f"{summary.files_scanned:,} files, "
            f"{human_bytes(summary.bytes_scanned)} in {summary.duration_s:.1f} s"
        )
        if summary.new_credentials:
            n = summary.new_credentials
            text += f" · {n} new credential{'s' if n != 1 else ''}"
        self.statusBar().showMessage(text, 15000)
        self.scan_finished.emit(summary)

    def _scan_failed(self, message: str) -> None:
        QMessageBox.warning(self, "Scan failed", f"The scan stopped: {message}")
        self.scan_finished.emit(None)

    def _scan_finished(self) -> None:
        self.scan_job = None
        self.scan_bar.setVisible(False)
        self.scan_action.setEnabled(True)
        self.cancel_action.setEnabled(False)
        self.refresh()

    # -- credential actions --------------------------------------------------------------------
    def selected_credential(self) -> Credential | None:
        cid = self.inventory.selected_id()
        row = self.model.row_of(cid) if cid is not None else None
        return self.model.credential(row) if row is not None else None

    def ignore_selected(self) -> None:
        cred = self.selected_credential()
        if cred is not None:
            self.ignore_credential(cred.id)

    def migrate_selected(self) -> None:
        cred = self.selected_credential()
        if cred is not None:
            self.migrate_requested.emit(cred.id)

    def leak_selected(self) -> None:
        cred = self.selected_credential()
        if cred is not None:
            self.leak_requested.emit(cred.id)

    def ignore_credential(self, credential_id: int, reason: str | None = None) -> Job | None:
        row = self.model.row_of(credential_id)
        if row is None:
            return None
        cred = self.model.credential(row)
        if reason is None:
            reason, ok = QInputDialog.getText(
                self,
                "Ignore credential",
                f"Why is {cred.rule_name} {cred.preview} fine to ignore?\n"
                "(for example: a test key, a public demo token)",
            )
            if not ok:
                return None
        reason = reason.strip()
        if not reason:
            QMessageBox.information(self, "Ignore credential", "Please give a short reason.")
            return None

        def write(_ctx: JobContext) -> None:
            with self.services.open_inventory() as inv:
                inv.add_ignore(fingerprint=cred.fingerprint, reason=reason)

        return self._write(write, f"Ignored {cred.rule_name} {cred.preview}.")

    def mark_revoked(self, credential_id: int) -> Job | None:
        row = self.model.row_of(credential_id)
        if row is None:
            return None
        cred = self.model.credential(row)
        answer = QMessageBox.question(
            self,
            "Mark revoked",
            f"Mark {cred.rule_name} {cred.preview} as revoked at {cred.provider}?\n\n"
            "Do this once the provider no longer accepts it; its copies then count as harmless.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        return self.set_state(
            credential_id, CredentialState.REVOKED, f"Marked {cred.preview} revoked."
        )

    def set_state(self, credential_id: int, state: CredentialState, message: str) -> Job:
        def write(_ctx: JobContext) -> None:
            with self.services.open_inventory() as inv:
                inv.update_credential(credential_id, state=state)

        return self._write(write, message)

    def update_credential(self, credential_id: int, fields: dict[str, Any]) -> Job:
        def write(_ctx: JobContext) -> None:
            with self.services.open_inventory() as inv:
                inv.update_credential(credential_id, **fields)

        return self._write(write, "Saved.")

    def _write(self, fn: Any, message: str) -> Job:
        job = self.runner.submit(fn, name="write")
        job.signals.succeeded.connect(lambda _r: self._written(message))
        job.signals.failed.connect(lambda msg: QMessageBox.warning(self, "Not saved", msg))
        return job

    def _written(self, message: str) -> None:
        self.statusBar().showMessage(message, 6000)
        self.refresh()

    # -- alerts --------------------------------------------------------------------------------
    def _add_alert(self, alert: Alert) -> None:
        item = QListWidgetItem(f"{alert.at:%H:%M}  {alert.title}\n        {alert.body}")
        item.setData(Qt.ItemDataRole.UserRole, alert.credential_id)
        self.alerts.insertItem(0, item)
        unread = self.alerts.count()
        self.tabs.setTabText(3, f"Alerts ({unread})")

    def _alert_activated(self, item: QListWidgetItem) -> None:
        cid = item.data(Qt.ItemDataRole.UserRole)
        if cid is not None:
            self.show_credential(int(cid))

    # -- window lifecycle ----------------------------------------------------------------------
    def restore_layout(self) -> None:
        settings = ui_settings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1180, 740)
        splitter = settings.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.inventory.splitter.restoreState(splitter)
        else:
            self.inventory.splitter.setSizes([640, 520])
        tab = settings.value("window/tab", 0, type=int)
        self.tabs.setCurrentIndex(tab if isinstance(tab, int) else 0)

    def save_layout(self) -> None:
        settings = ui_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/splitter", self.inventory.splitter.saveState())
        settings.setValue("window/tab", self.tabs.currentIndex())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.inventory.detail.hide_secret()
        if self.keep_running_in_tray:
            event.ignore()
            self.hide()
            return
        event.accept()
        self.quit_requested.emit()
