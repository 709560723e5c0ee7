"""Stowaway's icons: the app icon and tray icons with a status badge painted on top."""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap

from scanner.resources import resource_path

APP_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
TRAY_SIZES = (16, 22, 24, 32, 48, 64)


class TrayStatus(StrEnum):
    CLEAN = "clean"
    EXPOSED = "exposed"
    PAUSED = "paused"
    SCANNING = "scanning"


@cache
def app_icon() -> QIcon:
    icon = QIcon()
    for size in APP_SIZES:
        icon.addFile(str(resource_path("icons", "hicolor", f"{size}x{size}", "stowaway.png")))
    return icon


def _tray_base(variant: str, size: int) -> QPixmap:
    candidates = [s for s in TRAY_SIZES if s >= size] or [TRAY_SIZES[-1]]
    pix = QPixmap(str(resource_path("icons", "tray", f"tray-{variant}-{candidates[0]}.png")))
    if pix.width() != size:
        pix = pix.scaled(
            size,
            size,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    return pix


def _paint_badge(pix: QPixmap, status: TrayStatus, count: int) -> None:
    size = pix.width()
    diameter = size * (0.62 if status is TrayStatus.EXPOSED else 0.5)
    rect = QRectF(size - diameter, size - diameter, diameter, diameter)
    colours = {
        TrayStatus.CLEAN: "#2e9d57",
        TrayStatus.EXPOSED: "#d93a2b",
        TrayStatus.PAUSED: "#7b8790",
        TrayStatus.SCANNING: "#2b7bd9",
    }
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#ffffff"), max(1.0, size / 24)))
    painter.setBrush(QColor(colours[status]))
    painter.drawEllipse(rect)
    pen = QPen(QColor("#ffffff"), max(1.2, size / 14))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    inner = rect.adjusted(diameter * 0.28, diameter * 0.28, -diameter * 0.28, -diameter * 0.28)
    if status is TrayStatus.CLEAN:
        painter.drawPolyline(
            [
                inner.bottomLeft() + (inner.topLeft() - inner.bottomLeft()) * 0.45,
                inner.bottomLeft() + (inner.bottomRight() - inner.bottomLeft()) * 0.38,
                inner.topRight(),
            ]
        )
    elif status is TrayStatus.PAUSED:
        third = inner.width() / 3
        painter.drawLine(
            inner.topLeft() + _pt(third * 0.5, 0), inner.bottomLeft() + _pt(third * 0.5, 0)
        )
        painter.drawLine(
            inner.topRight() - _pt(third * 0.5, 0), inner.bottomRight() - _pt(third * 0.5, 0)
        )
    elif status is TrayStatus.SCANNING:
        painter.drawArc(inner, 90 * 16, -270 * 16)
    else:
        text = str(count) if 0 < count < 100 else "!" if count <= 0 else "99"
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(6, int(diameter * (0.62 if len(text) == 1 else 0.5))))
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()


def _pt(x: float, y: float) -> QPointF:
    return QPointF(x, y)


def tray_icon(status: TrayStatus, count: int = 0, *, dark_panel: bool = True) -> QIcon:
    """The tray icon for a status; ``dark_panel`` picks the glyph colour for the panel."""
    variant = "dark" if dark_panel else "light"
    icon = QIcon()
    for size in TRAY_SIZES:
        pix = _tray_base(variant, size)
        _paint_badge(pix, status, count)
        icon.addPixmap(pix)
    return icon
