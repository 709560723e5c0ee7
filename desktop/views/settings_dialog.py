"""Settings: watched folders, excludes, reminder lead times, monitoring, start at login, theme.

Values are the core's ``scanner.settings`` (shared with the CLI and the watcher), read from the
app's in-memory :class:`~desktop.settings_store.SettingsStore` and saved on its worker (the
dialog closes once the file is written); start at login goes through ``scanner.autostart`` (the
checkbox is hidden when that module is missing).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.workers import JobContext

if TYPE_CHECKING:
    from desktop.settings_store import SettingsStore

THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


def autostart_module() -> ModuleType | None:
    try:
        return importlib.import_module("scanner.autostart")
    except ImportError:
        return None


def parse_lead_days(text: str) -> tuple[int, ...]:
    """ "14, 3, 1" → (14, 3, 1); raises ValueError with a readable message."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        days = sorted({int(p) for p in parts}, reverse=True)
    except ValueError:
        raise ValueError("lead times are whole numbers of days, e.g. 14, 3, 1") from None
    if any(d < 0 for d in days):
        raise ValueError("lead times cannot be negative")
    return tuple(days)


class _EditableList(QWidget):
    def __init__(self, title: str, add_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setAccessibleName(title)
        self.list.setMinimumHeight(90)
        layout.addWidget(self.list, 1)
        buttons = QVBoxLayout()
        self.add_button = QPushButton(add_label)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def values(self) -> tuple[str, ...]:
        return tuple(self.list.item(i).text() for i in range(self.list.count()))

    def set_values(self, values: tuple[str, ...]) -> None:
        self.list.clear()
        self.list.addItems(list(values))

    def add(self, value: str) -> None:
        if value and value not in self.values():
            self.list.addItem(value)

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))


class SettingsDialog(QDialog):
    def __init__(self, store: SettingsStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Stowaway settings")
        self.setMinimumWidth(560)
        self.store = store
        self.settings, problem = store.current, store.problem
        layout = QVBoxLayout(self)
        if problem:
            warning = QLabel(
                f"The settings file could not be read and is left untouched:\n{problem}"
            )
            warning.setObjectName("banner")
            warning.setWordWrap(True)
            layout.addWidget(warning)

        where = QGroupBox("Where to look")
        where_form = QFormLayout(where)
        self.folders = _EditableList("Watched folders", "Add folder…")
        self.folders.add_button.clicked.connect(self.add_folder)
        self.folders.set_values(self.settings.watched_folders)
        where_form.addRow(
            QLabel(
                "Stowaway always looks at shell histories, .env files and tool configuration.\n"
                "Add project or notes folders to scan and watch as well:"
            )
        )
        where_form.addRow(self.folders)
        self.excludes = _EditableList("Excluded paths", "Add pattern…")
        self.excludes.add_button.clicked.connect(self.add_exclude)
        self.excludes.set_values(self.settings.excludes)
        where_form.addRow(QLabel("Never scan (glob patterns, e.g. ~/work/vendor/**):"))
        where_form.addRow(self.excludes)
        layout.addWidget(where)

        behaviour = QGroupBox("Monitoring and reminders")
        form = QFormLayout(behaviour)
        self.monitoring = QCheckBox("Watch for new tokens while Stowaway runs")
        self.monitoring.setChecked(self.settings.monitoring_enabled)
        form.addRow(self.monitoring)
        self.lead_days = QLineEdit(", ".join(str(d) for d in self.settings.notification_lead_days))
        self.lead_days.setAccessibleName("Reminder lead times in days")
        self.lead_days.setToolTip("Remind this many days before an expiry or rotation is due")
        form.addRow("Remind before (days):", self.lead_days)
        self.autostart = autostart_module()
        self.start_at_login = QCheckBox("Start Stowaway in the tray when I log in")
        self._autostart_was = False
        if self.autostart is not None:
            try:
                self._autostart_was = bool(self.autostart.status().enabled)
            except Exception as exc:
                self.start_at_login.setToolTip(f"Cannot read the login item: {exc}")
            self.start_at_login.setChecked(self._autostart_was)
            form.addRow(self.start_at_login)
        else:
            self.start_at_login.setVisible(False)
        self.theme = QComboBox()
        self.theme.setAccessibleName("Appearance")
        for key, label in THEME_LABELS.items():
            self.theme.addItem(label, key)
        self.theme.setCurrentIndex(max(0, self.theme.findData(self.settings.theme)))
        form.addRow("Appearance:", self.theme)
        layout.addWidget(behaviour)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons = buttons
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Watch a folder")
        if folder:
            self.folders.add(folder)

    def add_exclude(self) -> None:
        pattern, ok = QInputDialog.getText(self, "Exclude", "Glob pattern to never scan:")
        if ok and pattern.strip():
            self.excludes.add(pattern.strip())

    def accept(self) -> None:
        try:
            lead = parse_lead_days(self.lead_days.text())
        except ValueError as exc:
            QMessageBox.warning(self, "Settings", str(exc))
            return
        autostart, enable = self.autostart, self.start_at_login.isChecked()
        change_login_item = autostart is not None and enable != self._autostart_was
        login_problems: list[str] = []

        def set_login_item(_ctx: JobContext) -> None:
            if autostart is None or not change_login_item:
                return
            try:
                autostart.enable() if enable else autostart.disable()
            except Exception as exc:
                login_problems.append(f"Could not change the login item: {exc}")

        self.buttons.setEnabled(False)  # saving on a worker; closes when written
        self.store.update(
            then=set_login_item,
            on_saved=lambda _saved: self._saved(login_problems),
            on_error=self._save_failed,
            watched_folders=self.folders.values(),
            excludes=self.excludes.values(),
            monitoring_enabled=self.monitoring.isChecked(),
            notification_lead_days=lead,
            theme=str(self.theme.currentData()),
        )

    def _saved(self, login_problems: list[str]) -> None:
        self.buttons.setEnabled(True)
        for problem in login_problems:
            QMessageBox.warning(self, "Start at login", problem)
        super().accept()

    def _save_failed(self, message: str) -> None:
        self.buttons.setEnabled(True)
        QMessageBox.warning(self, "Settings not saved", message)
