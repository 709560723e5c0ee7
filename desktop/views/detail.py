"""The detail pane: every copy of the selected credential with a redacted context snippet,
its lifecycle fields (editable) and the actions on it.

Secrets appear only on an explicit "Reveal" (read from the file at that moment, hidden again after
a few seconds) or "Copy secret" (the clipboard is cleared after 30 s if it still holds it).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QMimeData, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.models.credentials import STATE_LABELS, format_expiry
from desktop.models.kinds import describe_file_kind
from desktop.services import Services
from desktop.snippet import redacted_snippet
from desktop.views.flow import FlowLayout
from desktop.views.schedule import ScheduleEditor
from desktop.views.widgets import EmptyState, risk_pill
from desktop.workers import JobContext, JobRunner
from scanner.inventory.models import Credential, CredentialState, Exposure
from scanner.paths import display_path

REVEAL_SECONDS = 8
CLIPBOARD_SECONDS = 30


# Clipboard formats asking history managers not to record the value: KDE's Klipper (and
# others following it) and the nspasteboard.org convention on macOS.
CONCEALED_FORMATS = {
    "x-kde-passwordManagerHint": b"secret",
    "application/x-nspasteboard-concealed-type": b"secret",
}


class ClipboardGuard:
    """Puts a secret on the clipboard, marked for clipboard managers not to keep, and clears it
    after a delay (or when the app quits) if it is still there.

    Only a hash of the value is kept for that comparison, never the value itself.
    """

    def __init__(self, seconds: int = CLIPBOARD_SECONDS) -> None:
        self.seconds = seconds
        self._digest: bytes | None = None
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_if_unchanged)

    def copy(self, value: str) -> None:
        data = QMimeData()
        data.setText(value)
        for mime, hint in CONCEALED_FORMATS.items():
            data.setData(mime, QByteArray(hint))
        QGuiApplication.clipboard().setMimeData(data)
        self._digest = hashlib.sha256(value.encode()).digest()
        self._timer.start(self.seconds * 1000)

    def clear_if_unchanged(self) -> bool:
        clipboard = QGuiApplication.clipboard()
        current = clipboard.text()
        self._timer.stop()
        digest, self._digest = self._digest, None
        if digest is not None and hashlib.sha256(current.encode()).digest() == digest:
            clipboard.clear()
            return True
        return False


class DetailPane(QWidget):
    migrate_requested = Signal(int)
    leak_requested = Signal(int)
    ignore_requested = Signal(int)
    revoke_requested = Signal(int)
    changed = Signal(int)  # the credential was edited
    status_message = Signal(str)

    def __init__(
        self, services: Services, runner: JobRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.credential: Credential | None = None
        self.exposures: list[Exposure] = []
        self.clipboard = ClipboardGuard()
        self._generation = 0

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.placeholder = EmptyState(
            "No credential selected", "Pick a row to see where its copies are."
        )
        outer.addWidget(self.placeholder)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        self.body_scroll = scroll
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(12)

        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("heading")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head.addWidget(self.title, 1)
        self.risk_holder = QHBoxLayout()
        head.addLayout(self.risk_holder)
        layout.addLayout(head)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("muted")
        self.subtitle.setWordWrap(True)
        layout.addWidget(self.subtitle)

        actions = FlowLayout()
        self.migrate_button = QPushButton("Move to keychain…")
        self.migrate_button.setToolTip(
            "Store it in the OS keychain and replace the plain-text copies"
        )
        self.leak_button = QPushButton("Leak response…")
        self.leak_button.setToolTip("Revoke, replace and clean up after a leak, step by step")
        self.ignore_button = QPushButton("Ignore…")
        self.ignore_button.setToolTip("Ignore this credential (Del)")
        self.revoked_button = QPushButton("Mark revoked")
        for button, signal in (
            (self.migrate_button, self.migrate_requested),
            (self.leak_button, self.leak_requested),
            (self.ignore_button, self.ignore_requested),
            (self.revoked_button, self.revoke_requested),
        ):
            button.setAccessibleName(button.text().rstrip("…"))
            button.clicked.connect(lambda _=False, s=signal: self._emit_for_current(s))
            actions.addWidget(button)
        layout.addLayout(actions)

        copies_box = QGroupBox("Copies")
        copies_layout = QVBoxLayout(copies_box)
        self.copies = QTreeWidget()
        self.copies.setAccessibleName("Copies of this credential")
        self.copies.setHeaderLabels(["Location", "Kind", "First seen"])
        self.copies.setRootIsDecorated(False)
        self.copies.setUniformRowHeights(True)
        self.copies.setMinimumHeight(70)
        self.copies.setMaximumHeight(120)
        header = self.copies.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.copies.setTextElideMode(Qt.TextElideMode.ElideLeft)
        self.copies.currentItemChanged.connect(self._copy_selected)
        copies_layout.addWidget(self.copies)
        self.context = QPlainTextEdit()
        self.context.setObjectName("context")
        self.context.setAccessibleName("Redacted context")
        self.context.setReadOnly(True)
        self.context.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.context.setMinimumHeight(110)
        self.context.setMaximumHeight(160)
        copies_layout.addWidget(self.context)
        copy_actions = FlowLayout()
        self.open_folder_button = QPushButton("Open folder")
        self.open_folder_button.clicked.connect(self.open_folder)
        self.copy_path_button = QPushButton("Copy path")
        self.copy_path_button.clicked.connect(self.copy_path)
        self.reveal_button = QPushButton("Reveal")
        self.reveal_button.setToolTip(f"Show the secret for {REVEAL_SECONDS} seconds")
        self.reveal_button.clicked.connect(self.reveal)
        self.copy_secret_button = QPushButton("Copy secret")
        self.copy_secret_button.setToolTip(
            f"Copy to the clipboard; cleared after {CLIPBOARD_SECONDS} s"
        )
        self.copy_secret_button.clicked.connect(self.copy_secret)
        for button in (
            self.open_folder_button,
            self.copy_path_button,
            self.reveal_button,
            self.copy_secret_button,
        ):
            button.setAccessibleName(button.text())
            copy_actions.addWidget(button)
        copies_layout.addLayout(copy_actions)
        self.revealed = QLineEdit()
        self.revealed.setReadOnly(True)
        self.revealed.setAccessibleName("Revealed secret")
        self.revealed.setVisible(False)
        copies_layout.addWidget(self.revealed)
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.timeout.connect(self.hide_secret)
        layout.addWidget(copies_box)

        facts_box = QGroupBox("Lifecycle")
        facts_layout = QVBoxLayout(facts_box)
        self.schedule = ScheduleEditor(
            owner_placeholder="who can rotate it (you, a team, a service account)"
        )
        form = self.schedule.form
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.persistence = QLabel()
        form.insertRow(0, "Persistence:", self.persistence)
        self.seen = QLabel()
        form.insertRow(1, "Seen:", self.seen)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("what uses it, where it was created…")
        self.notes.setAccessibleName("Notes")
        self.notes.setMaximumHeight(80)
        self.notes.setTabChangesFocus(True)
        form.addRow("Notes:", self.notes)
        self.save_button = QPushButton("Save changes")
        self.save_button.clicked.connect(self.save)
        form.addRow("", self.save_button)
        facts_layout.addWidget(self.schedule)
        layout.addWidget(facts_box)
        layout.addStretch(1)
        self._show_empty(True)

    # -- loading -------------------------------------------------------------------------------
    def _show_empty(self, empty: bool) -> None:
        self.placeholder.setVisible(empty)
        self.body_scroll.setVisible(not empty)

    def clear(self) -> None:
        self.hide_secret()
        self.credential = None
        self.exposures = []
        self._show_empty(True)

    def show_credential(self, credential_id: int) -> None:
        self._generation += 1
        generation = self._generation
        self.hide_secret()

        def load(_ctx: JobContext) -> Any:
            return self.services.credential_details(credential_id)

        job = self.runner.submit(load, name="details")
        job.signals.succeeded.connect(lambda result, g=generation: self._populate(g, result))

    def _populate(self, generation: int, result: Any) -> None:
        if generation != self._generation:
            return  # the user already picked another row
        cred, exposures, risk = result
        if cred is None:
            self.clear()
            return
        self.credential = cred
        self.exposures = exposures
        self._show_empty(False)
        self.title.setText(f"{cred.rule_name}   {cred.preview}")
        kinds = ", ".join(describe_file_kind(k) for k in cred.file_kinds) or "—"
        self.subtitle.setText(
            f"{cred.provider} · {STATE_LABELS.get(cred.state, cred.state)} · "
            f"{cred.present_copies} cop{'ies' if cred.present_copies != 1 else 'y'} in {kinds}"
            + (f"\nWhy: {risk.explanation}" if risk is not None and cred.exposed else "")
        )
        while self.risk_holder.count():
            taken = self.risk_holder.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        if risk is not None and cred.state is CredentialState.ACTIVE:
            pill = risk_pill(risk.level, f"{risk.level.capitalize()} risk")
            pill.setToolTip(risk.explanation)
            self.risk_holder.addWidget(pill)
        active = cred.state is CredentialState.ACTIVE
        self.migrate_button.setEnabled(active and bool(exposures))
        self.ignore_button.setEnabled(cred.state is not CredentialState.IGNORED)
        self.revoked_button.setEnabled(cred.state is not CredentialState.REVOKED)

        self.copies.clear()
        for exp in exposures:
            item = QTreeWidgetItem(
                [
                    f"{display_path(exp.path)}:{exp.line}",
                    describe_file_kind(exp.file_kind),
                    f"{exp.first_seen.astimezone():%Y-%m-%d}",
                ]
            )
            item.setToolTip(0, exp.location)
            self.copies.addTopLevelItem(item)
        has_copy = bool(exposures)
        for button in (
            self.open_folder_button,
            self.copy_path_button,
            self.reveal_button,
            self.copy_secret_button,
        ):
            button.setEnabled(has_copy)
        self.context.setPlainText("" if has_copy else "No copy is present any more.")
        if has_copy:
            first = self.copies.topLevelItem(0)
            if first is not None:
                self.copies.setCurrentItem(first)

        self.persistence.setText(
            {
                "persistent": "Valid until revoked",
                "expiring": "Expires by itself",
                "depends": "Depends on how it was created",
            }.get(cred.persistence, cred.persistence)
        )
        self.seen.setText(
            f"first {cred.first_seen.astimezone():%Y-%m-%d}, "
            f"last {cred.last_seen.astimezone():%Y-%m-%d %H:%M}"
        )
        self.schedule.set_credential(cred)
        self.schedule.expiry.setToolTip(format_expiry(cred.expires_at))
        self.notes.setPlainText(cred.notes)

    def current_exposure(self) -> Exposure | None:
        current = self.copies.currentItem()
        row = self.copies.indexOfTopLevelItem(current) if current is not None else -1
        return self.exposures[row] if 0 <= row < len(self.exposures) else None

    def _copy_selected(self, *_args: object) -> None:
        self.hide_secret()
        exposure, cred = self.current_exposure(), self.credential
        if exposure is None or cred is None:
            return
        generation = self._generation
        preview = cred.preview

        def load(_ctx: JobContext) -> str:
            finder = self.services.snippet_finder(exposure.path, exposure.file_kind)
            snippet = redacted_snippet(exposure, preview, finder=finder)
            return snippet.text() if not snippet.missing else f"({snippet.missing})"

        job = self.runner.submit(load, name="snippet")
        job.signals.succeeded.connect(
            lambda text, g=generation, e=exposure: self._show_snippet(g, e, text)
        )

    def _show_snippet(self, generation: int, exposure: Exposure, text: str) -> None:
        if generation == self._generation and exposure == self.current_exposure():
            self.context.setPlainText(text)

    # -- copy actions --------------------------------------------------------------------------
    def open_folder(self) -> None:
        exposure = self.current_exposure()
        if exposure is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(exposure.path).parent)))

    def copy_path(self) -> None:
        exposure = self.current_exposure()
        if exposure is not None:
            QGuiApplication.clipboard().setText(exposure.path)
            self.status_message.emit(f"Copied {exposure.path}")

    def _with_secret(self, use: Any) -> None:
        exposure, cred = self.current_exposure(), self.credential
        if exposure is None or cred is None:
            return

        def read(_ctx: JobContext) -> str | None:
            return self.services.read_secret(cred, exposure)

        job = self.runner.submit(read, name="read-secret")
        job.signals.succeeded.connect(use)
        job.signals.failed.connect(
            lambda msg: self.status_message.emit(f"Could not read the secret: {msg}")
        )

    def reveal(self) -> None:
        def show(secret: str | None) -> None:
            if secret is None:
                self.status_message.emit(
                    "The copy changed since the last scan; scan again to reveal it."
                )
                return
            self.revealed.setText(secret)
            self.revealed.setVisible(True)
            self.reveal_button.setText(f"Hide ({REVEAL_SECONDS} s)")
            self._hide_timer.start(REVEAL_SECONDS * 1000)

        if not self.revealed.isHidden():
            self.hide_secret()
            return
        self._with_secret(show)

    def hide_secret(self) -> None:
        self._hide_timer.stop()
        self.revealed.setText("")  # unlike clear(), also drops the field's undo history
        self.revealed.setVisible(False)
        self.reveal_button.setText("Reveal")

    def copy_secret(self) -> None:
        def copy(secret: str | None) -> None:
            if secret is None:
                self.status_message.emit("The copy changed since the last scan; scan again first.")
                return
            self.clipboard.copy(secret)
            self.status_message.emit(
                f"Secret copied; the clipboard is cleared in {CLIPBOARD_SECONDS} s."
            )

        self._with_secret(copy)

    # -- edits ---------------------------------------------------------------------------------
    def _emit_for_current(self, signal: Any) -> None:
        if self.credential is not None:
            signal.emit(self.credential.id)

    def edited_fields(self) -> dict[str, Any]:
        return {**self.schedule.fields(), "notes": self.notes.toPlainText().strip()}

    def save(self) -> None:
        cred = self.credential
        if cred is None:
            return
        fields = self.edited_fields()

        def write(_ctx: JobContext) -> int:
            with self.services.open_inventory() as inv:
                inv.update_credential(cred.id, **fields)
            return cred.id

        job = self.runner.submit(write, name="save-credential")
        job.signals.succeeded.connect(self._saved)
        job.signals.failed.connect(lambda msg: QMessageBox.warning(self, "Not saved", msg))

    def _saved(self, credential_id: int) -> None:
        self.status_message.emit("Saved.")
        self.changed.emit(credential_id)
        self.show_credential(credential_id)
