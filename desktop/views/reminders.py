"""The reminders page: due and overdue rotations and expiries, with expiry/cadence/owner editing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedLayout,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import theme
from desktop.views.schedule import ScheduleEditor
from desktop.views.widgets import EmptyState
from scanner.inventory.models import Credential

STATUS_LABEL = {"overdue": "Overdue", "due": "Due", "upcoming": "Upcoming"}
STATUS_LEVEL = {"overdue": "critical", "due": "high", "upcoming": "low"}


class RemindersPage(QWidget):
    credential_activated = Signal(int)
    save_requested = Signal(int, dict)  # credential id, fields for Inventory.update_credential

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._credentials: dict[int, Credential] = {}
        self._reminders: list[Any] = []
        self.stack = QStackedLayout(self)
        self.empty = EmptyState(
            "Nothing due",
            "Set an expiry date or a rotation cadence on a credential and Stowaway reminds you "
            "ahead of time.",
        )
        self.stack.addWidget(self.empty)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(16, 12, 16, 12)
        heading = QLabel("Rotations and expiries")
        heading.setObjectName("heading")
        layout.addWidget(heading)
        self.list = QTreeWidget()
        self.list.setAccessibleName("Reminders")
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels(["Status", "Credential", "What", "Due"])
        self.list.currentItemChanged.connect(self._selected)
        self.list.itemDoubleClicked.connect(self._activate)
        layout.addWidget(self.list, 1)
        box = QGroupBox("Schedule")
        box_layout = QVBoxLayout(box)
        self.schedule = ScheduleEditor(rotation_name="Rotation cadence")
        buttons = QHBoxLayout()
        self.rotated_button = QPushButton("Rotated today")
        self.rotated_button.setToolTip("Record that the credential was rotated today")
        self.rotated_button.clicked.connect(self._rotated)
        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self._save)
        self.open_button = QPushButton("Show credential")
        self.open_button.clicked.connect(lambda: self._activate(self.list.currentItem()))
        for b in (self.rotated_button, self.save_button, self.open_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.schedule.form.addRow("", buttons)
        box_layout.addWidget(self.schedule)
        box.setEnabled(False)
        self.box = box
        layout.addWidget(box)
        self.stack.addWidget(page)
        self.page = page

    def update_view(self, reminders: list[Any], credentials: list[Credential]) -> None:
        self._credentials = {c.id: c for c in credentials}
        self._reminders = sorted(reminders, key=lambda r: r.due_at)
        self.list.clear()
        for reminder in self._reminders:
            cred = self._credentials.get(reminder.credential_id)
            name = f"{cred.rule_name} {cred.preview}" if cred else f"#{reminder.credential_id}"
            what = "Rotation" if reminder.kind == "rotation" else "Expiry"
            item = QTreeWidgetItem(
                [
                    STATUS_LABEL.get(reminder.status, reminder.status),
                    name,
                    what,
                    f"{reminder.due_at.astimezone():%Y-%m-%d}",
                ]
            )
            item.setToolTip(1, reminder.message)
            colours = theme.risk_colours(STATUS_LEVEL.get(reminder.status, "none"))
            item.setBackground(0, QBrush(QColor(colours.background)))
            item.setForeground(0, QBrush(QColor(colours.foreground)))
            item.setData(0, Qt.ItemDataRole.UserRole, reminder.credential_id)
            self.list.addTopLevelItem(item)
        for column in range(4):
            self.list.resizeColumnToContents(column)
        self.stack.setCurrentWidget(self.page if self._reminders else self.empty)

    def due_count(self) -> int:
        return sum(1 for r in self._reminders if r.status in ("due", "overdue"))

    def _current_id(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else None

    def _selected(self, *_args: object) -> None:
        cred = self._credentials.get(self._current_id() or -1)
        self.box.setEnabled(cred is not None)
        if cred is None:
            return
        self.schedule.set_credential(cred)

    def _save(self) -> None:
        cid = self._current_id()
        if cid is not None:
            self.save_requested.emit(cid, self.schedule.fields())

    def _rotated(self) -> None:
        cid = self._current_id()
        if cid is not None:
            self.save_requested.emit(cid, {"last_rotated_at": datetime.now(UTC)})

    def _activate(self, item: QTreeWidgetItem | None, *_args: object) -> None:
        if item is not None:
            self.credential_activated.emit(int(item.data(0, Qt.ItemDataRole.UserRole)))
