"""Render the committed PNG icons from the SVG sources (run at authoring time, then commit).

QT_QPA_PLATFORM=offscreen .venv/bin/python resources/icons/render.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
APP_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
TRAY_SIZES = (16, 22, 24, 32, 48, 64)


def render(svg: Path, size: int, target: Path) -> None:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"invalid SVG: {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target), "PNG"):
        raise SystemExit(f"could not write {target}")


def main() -> int:
    QGuiApplication(sys.argv)
    for size in APP_SIZES:
        render(
            HERE / "src" / "stowaway.svg",
            size,
            HERE / "hicolor" / f"{size}x{size}" / "stowaway.png",
        )
    for variant in ("light", "dark", "mask"):
        for size in TRAY_SIZES:
            render(
                HERE / "src" / f"tray-{variant}.svg",
                size,
                HERE / "tray" / f"tray-{variant}-{size}.png",
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
