"""Window geometry and view layout (QSettings as an INI file in Stowaway's config dir).

Only layout lives here (geometry, splitter and header state, the last page): never a secret,
preview, path of a finding or fingerprint. Real preferences (watched folders, monitoring, first
run, theme) are the core's ``scanner.settings``, shared with the CLI and the watcher.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from scanner import paths

FILE_NAME = "desktop-layout.ini"


def ui_settings() -> QSettings:
    return QSettings(str(paths.config_dir() / FILE_NAME), QSettings.Format.IniFormat)
