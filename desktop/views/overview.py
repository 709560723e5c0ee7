"""The overview page: counts, worst risks, last scan, monitoring state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from desktop import theme
from desktop.views.widgets import Card, EmptyState
from scanner.inventory.models import Credential

WORST = 6


def humanize_ago(when: datetime | None, now: datetime | None = None) -> str:
    if when is None:
        return "never"
    now = now or datetime.now(UTC)
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


class OverviewPage(QWidget):
    scan_requested = Signal()
    credential_activated = Signal(int)
    show_inventory = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stack = QStackedLayout(self)
        self.empty = EmptyState(
            "Nothing scanned yet",
            "Stowaway looks through your shell histories, .env files, notes and tool "
            "configuration for API tokens. It stays offline and never stores a secret.",
            "Scan now",
        )
        assert self.empty.button is not None
        self.empty.button.clicked.connect(self.scan_requested)
        self.empty.button.setAccessibleName("Scan now")
        self.stack.addWidget(self.empty)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(14)
        heading_row = QHBoxLayout()
        self.heading = QLabel("Overview")
        self.heading.setObjectName("heading")
        heading_row.addWidget(self.heading)
        heading_row.addStretch(1)
        self.scan_button = QPushButton("Scan now")
        self.scan_button.setAccessibleName("Scan now")
        self.scan_button.clicked.connect(self.scan_requested)
        heading_row.addWidget(self.scan_button)
        layout.addLayout(heading_row)

        grid = QGridLayout()
        grid.setSpacing(12)
        self.card_credentials = Card("Credentials found")
        self.card_exposed = Card("Exposed copies")
        self.card_scan = Card("Last scan")
        self.card_monitor = Card("Monitoring")
        for column, card in enumerate(
            (self.card_credentials, self.card_exposed, self.card_scan, self.card_monitor)
        ):
            grid.addWidget(card, 0, column)
        layout.addLayout(grid)

        worst_row = QHBoxLayout()
        worst_title = QLabel("Highest risks")
        worst_title.setObjectName("heading")
        worst_row.addWidget(worst_title)
        worst_row.addStretch(1)
        all_button = QPushButton("Show all credentials")
        all_button.setFlat(True)
        all_button.clicked.connect(self.show_inventory)
        worst_row.addWidget(all_button)
        layout.addLayout(worst_row)
        self.worst = QListWidget()
        self.worst.setAccessibleName("Highest risks")
        self.worst.setObjectName("worst")
        self.worst.setAlternatingRowColors(True)
        self.worst.setSpacing(2)
        self.worst.itemActivated.connect(self._activate)
        self.worst.itemDoubleClicked.connect(self._activate)
        layout.addWidget(self.worst, 1)
        self.clean_label = QLabel("No exposed credentials. Nice and tidy.")
        self.clean_label.setObjectName("muted")
        self.clean_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.clean_label)
        self.stack.addWidget(page)
        self.page = page

    def update_view(
        self,
        credentials: list[Credential],
        risks: dict[int, Any],
        *,
        present_copies: int,
        exposed: int,
        last_scan: datetime | None,
        monitoring: str,
        scanned_ever: bool,
    ) -> None:
        self.stack.setCurrentWidget(self.page if scanned_ever or credentials else self.empty)
        informational = sum(1 for c in credentials if c.informational)
        self.card_credentials.set(
            str(len(credentials)),
            f"{informational} informational" if informational else "",
        )
        self.card_exposed.set(
            str(present_copies),
            f"of {exposed} credential{'s' if exposed != 1 else ''} in plain text"
            if exposed
            else "none in plain text",
        )
        self.card_scan.set(humanize_ago(last_scan), "")
        self.card_monitor.set(
            monitoring.split(" ", 1)[0], monitoring.split(" ", 1)[1] if " " in monitoring else ""
        )

        self.worst.clear()
        exposed_creds = [c for c in credentials if c.exposed]
        exposed_creds.sort(
            key=lambda c: (-(getattr(risks.get(c.id), "score", 0)), -c.present_copies)
        )
        for cred in exposed_creds[:WORST]:
            risk = risks.get(cred.id)
            level = risk.level.capitalize() if risk else "Unrated"
            # the risk explanation starts with the number of copies and where they are
            why = (
                risk.explanation
                if risk and risk.explanation
                else (f"{cred.present_copies} cop{'ies' if cred.present_copies != 1 else 'y'}")
            )
            item = QListWidgetItem(f"{level}:  {cred.rule_name}  {cred.preview}  ·  {why}")
            item.setData(Qt.ItemDataRole.UserRole, cred.id)
            if risk is not None:
                colours = theme.risk_colours(risk.level)
                item.setForeground(QBrush(QColor(colours.foreground)))
                item.setBackground(QBrush(QColor(colours.background)))
            self.worst.addItem(item)
        self.worst.setVisible(bool(exposed_creds))
        self.clean_label.setVisible(not exposed_creds)

    def _activate(self, item: QListWidgetItem) -> None:
        self.credential_activated.emit(int(item.data(Qt.ItemDataRole.UserRole)))
