"""Windows, pages and dialogs of the desktop app."""
