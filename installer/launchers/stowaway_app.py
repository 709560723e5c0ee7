"""PyInstaller entry point for the `stowaway-app` GUI."""

import sys

from desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
