"""Composition root of the desktop app (``stowaway-app``)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from scanner import __version__


def main(argv: Sequence[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(list(argv) if argv is not None else sys.argv)
    app.setApplicationName("Stowaway")
    app.setApplicationVersion(__version__)
    window = QMainWindow()
    window.setWindowTitle("Stowaway")
    window.setCentralWidget(QLabel("Stowaway"))
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
