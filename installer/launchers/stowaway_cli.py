"""PyInstaller entry point for the `stowaway` CLI."""

import sys

from scanner.cli import main

if __name__ == "__main__":
    sys.exit(main())
