"""Stowaway's desktop app (PySide6): main window, wizards and tray monitor over ``scanner``."""
