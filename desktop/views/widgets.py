"""Small shared widgets: stat cards, risk pills, banners, empty states."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from desktop import theme


class Card(QFrame):
    """A titled number ("Exposed copies: 7")."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        self.value = QLabel("—")
        self.value.setObjectName("cardValue")
        self.title = QLabel(title)
        self.title.setObjectName("cardTitle")
        self.detail = QLabel("")
        self.detail.setObjectName("muted")
        self.detail.setWordWrap(True)
        layout.addWidget(self.value)
        layout.addWidget(self.title)
        layout.addWidget(self.detail)
        self.setAccessibleName(title)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail or " ")
        self.setAccessibleDescription(f"{value} {detail}".strip())


def risk_pill(level: str, text: str | None = None) -> QLabel:
    label = QLabel(text or level.capitalize())
    colours = theme.risk_colours(level)
    label.setStyleSheet(
        f"background:{colours.background}; color:{colours.foreground}; border-radius:9px;"
        "padding:2px 10px; font-weight:600;"
    )
    label.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return label


def banner(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("banner")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setVisible(bool(text))
    return label


class EmptyState(QWidget):
    """A friendly centred message with one action."""

    def __init__(
        self, title: str, text: str, action: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.title = QLabel(title)
        self.title.setObjectName("emptyTitle")
        self.text = QLabel(text)
        self.text.setObjectName("muted")
        self.text.setWordWrap(True)
        for label in (self.title, self.text):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        self.button: QPushButton | None = None
        if action:
            self.button = QPushButton(action)
            self.button.setDefault(True)
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
