"""Light/dark appearance that follows the system, and the few colours Stowaway adds itself.

Qt already follows the platform palette; on Linux with the Fusion style we build a dark palette
when the platform reports a dark colour scheme. Risk colours are chosen per scheme so that text
on them stays readable (contrast ≥ 4.5:1).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class RiskColours:
    background: str
    foreground: str


_LIGHT = {
    "critical": RiskColours("#fde2e1", "#9b1c1c"),
    "high": RiskColours("#fdebd3", "#8a4b08"),
    "medium": RiskColours("#fdf6c8", "#6b5a00"),
    "low": RiskColours("#e2f3e8", "#1d6b3a"),
    "none": RiskColours("#eceff1", "#44515a"),
}
_DARK = {
    "critical": RiskColours("#5c1f1f", "#ffc9c6"),
    "high": RiskColours("#5a3814", "#ffd9a8"),
    "medium": RiskColours("#4d4616", "#f7ea9c"),
    "low": RiskColours("#1d4a2e", "#bfeccd"),
    "none": RiskColours("#33393e", "#d5dbe0"),
}


_override: str = "system"  # "system" | "light" | "dark" (scanner.settings.theme)


def set_preference(preference: str) -> None:
    global _override
    _override = preference if preference in ("light", "dark") else "system"


def is_dark() -> bool:
    """True when the user chose dark, or follows a system (or palette) that is dark."""
    if _override != "system":
        return _override == "dark"
    app = QGuiApplication.instance()
    if app is None:
        return False
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def risk_colours(level: str) -> RiskColours:
    table = _DARK if is_dark() else _LIGHT
    return table.get(level, table["none"])


def muted_text() -> QColor:
    pal = QGuiApplication.palette()
    colour = pal.color(QPalette.ColorRole.WindowText)
    colour.setAlphaF(0.65)
    return colour


def _dark_palette() -> QPalette:
    pal = QPalette()
    base, alt, text = QColor("#1f2326"), QColor("#272c30"), QColor("#e6e9eb")
    pal.setColor(QPalette.ColorRole.Window, QColor("#2a2f33"))
    pal.setColor(QPalette.ColorRole.WindowText, text)
    pal.setColor(QPalette.ColorRole.Base, base)
    pal.setColor(QPalette.ColorRole.AlternateBase, alt)
    pal.setColor(QPalette.ColorRole.ToolTipBase, alt)
    pal.setColor(QPalette.ColorRole.ToolTipText, text)
    pal.setColor(QPalette.ColorRole.Text, text)
    pal.setColor(QPalette.ColorRole.Button, QColor("#30363a"))
    pal.setColor(QPalette.ColorRole.ButtonText, text)
    pal.setColor(QPalette.ColorRole.Highlight, QColor("#2f8f84"))
    pal.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    pal.setColor(QPalette.ColorRole.Link, QColor("#6fd3c6"))
    pal.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8b959c"))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7b848a"))
    return pal


def _light_palette() -> QPalette:
    pal = QPalette()
    pal.setColor(QPalette.ColorRole.Window, QColor("#f4f5f6"))
    pal.setColor(QPalette.ColorRole.WindowText, QColor("#1f2528"))
    pal.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    pal.setColor(QPalette.ColorRole.AlternateBase, QColor("#f6f8f9"))
    pal.setColor(QPalette.ColorRole.Text, QColor("#1f2528"))
    pal.setColor(QPalette.ColorRole.Button, QColor("#eceeef"))
    pal.setColor(QPalette.ColorRole.ButtonText, QColor("#1f2528"))
    pal.setColor(QPalette.ColorRole.Highlight, QColor("#13766c"))
    pal.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    pal.setColor(QPalette.ColorRole.Link, QColor("#0f6b62"))
    pal.setColor(QPalette.ColorRole.PlaceholderText, QColor("#7a8388"))
    return pal


STYLESHEET = """
QFrame#card { border: 1px solid palette(mid); border-radius: 8px; background: palette(base); }
QLabel#cardValue { font-size: 22pt; font-weight: 600; }
QLabel#cardTitle { color: palette(placeholder-text); }
QLabel#heading { font-size: 14pt; font-weight: 600; }
QLabel#banner { background: #fff4ce; color: #5c4400; border-radius: 6px; padding: 8px 12px; }
QLabel#emptyTitle { font-size: 15pt; font-weight: 600; }
QLabel#muted { color: palette(placeholder-text); }
QPlainTextEdit#context { font-family: monospace; }
QListWidget#worst::item { padding: 5px 6px; }
"""


def apply(app: QApplication) -> None:
    """Use Fusion with a palette matching the scheme (Linux has no native dark style)."""
    if _override != "system" and app.style().name().lower() not in {"fusion", "windows"}:
        app.setStyle("Fusion")
    if app.style().name().lower() in {"fusion", "windows"}:
        app.setPalette(_dark_palette() if is_dark() else _light_palette())
    app.setStyleSheet(STYLESHEET)


def follow_system(app: QApplication) -> None:
    """Apply now and again whenever the system switches between light and dark."""
    apply(app)
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: apply(app))
