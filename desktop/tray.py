"""The tray icon: a status badge (clean / N exposed / paused) and a menu rebuilt each time it opens.

Where the desktop has no tray (e.g. GNOME without the AppIndicator extension),
:meth:`Tray.available` is False and the app shows a banner and lives as a window instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop.icons import TrayStatus, tray_icon


@dataclass(frozen=True)
class TrayState:
    exposed: int = 0
    paused_until: datetime | None = None
    scanning: bool = False
    monitoring: bool = True

    @property
    def status(self) -> TrayStatus:
        if self.scanning:
            return TrayStatus.SCANNING
        if self.paused_until is not None or not self.monitoring:
            return TrayStatus.PAUSED
        return TrayStatus.EXPOSED if self.exposed else TrayStatus.CLEAN

    @property
    def summary(self) -> str:
        if self.scanning:
            line = "Scanning…"
        elif self.exposed:
            line = f"{self.exposed} exposed credential{'s' if self.exposed != 1 else ''}"
        else:
            line = "No exposed credentials"
        if self.paused_until is not None:
            line += f" · monitoring paused until {self.paused_until:%H:%M}"
            if self.paused_until.date() != datetime.now().date():
                line = line.replace("until ", f"until {self.paused_until:%a} ")
        elif not self.monitoring:
            line += " · monitoring off"
        return line


def tomorrow_morning(now: datetime | None = None) -> datetime:
    now = now or datetime.now()
    return (now + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)


class Tray(QObject):
    open_requested = Signal()
    scan_requested = Signal()
    pause_requested = Signal(object)  # datetime until, or None to resume
    reminders_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = TrayState()
        self.icon = QSystemTrayIcon(tray_icon(self.state.status), self)
        self.menu = QMenu()
        self.menu.setAccessibleName("Stowaway tray menu")
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)
        self.rebuild_menu()
        self._apply()

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def set_state(self, state: TrayState) -> None:
        if state != self.state:
            self.state = state
            self._apply()

    def _apply(self) -> None:
        self.icon.setIcon(tray_icon(self.state.status, self.state.exposed))
        self.icon.setToolTip(f"Stowaway — {self.state.summary}")

    @Slot()
    def rebuild_menu(self) -> None:
        """Called on aboutToShow so the menu always reflects the current state."""
        menu = self.menu
        menu.clear()
        status = menu.addAction(self.state.summary)
        status.setEnabled(False)
        menu.addSeparator()
        self._add(menu, "&Open Stowaway", self.open_requested.emit)
        scan = self._add(menu, "&Scan now", self.scan_requested.emit)
        scan.setEnabled(not self.state.scanning)
        if self.state.paused_until is not None:
            self._add(menu, "&Resume monitoring", lambda: self.pause_requested.emit(None))
        else:
            pause = menu.addMenu("&Pause monitoring")
            pause.setEnabled(self.state.monitoring)
            self._add(
                pause,
                "For 1 &hour",
                lambda: self.pause_requested.emit(datetime.now() + timedelta(hours=1)),
            )
            self._add(
                pause, "Until &tomorrow", lambda: self.pause_requested.emit(tomorrow_morning())
            )
        self._add(menu, "&Reminders…", self.reminders_requested.emit)
        menu.addSeparator()
        self._add(menu, "&Quit Stowaway", self.quit_requested.emit)

    def actions_by_text(self) -> dict[str, QAction]:
        """Menu actions by their plain text (tests and accessibility checks)."""
        found: dict[str, QAction] = {}

        def walk(menu: QMenu) -> None:
            for action in menu.actions():
                found[action.text().replace("&", "")] = action
                sub = action.menu()
                if isinstance(sub, QMenu):
                    walk(sub)

        walk(self.menu)
        return found

    @staticmethod
    def _add(menu: QMenu, text: str, slot: object) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(slot)
        return action

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_requested.emit()
