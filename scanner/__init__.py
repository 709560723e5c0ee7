"""Stowaway's headless core: rules, matching, file formats, inventory, keychain migration, CLI.

Nothing in this package imports Qt; the desktop app and the CLI both drive it.
"""

__version__ = "0.1.0"
