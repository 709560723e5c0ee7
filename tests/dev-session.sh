#!/usr/bin/env bash
# For developers: run one command inside the same throw-away session the suite uses (real
# gnome-keyring, Xvfb + trayer, throw-away HOME), without ruff/mypy. Example:
#   bash tests/dev-session.sh python -m pytest tests/test_keychain.py
# pytest's -m "not display" / -m display split is yours to choose here; DISPLAY is set to Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
exec dbus-run-session -- bash tests/session.sh --dev-command "$@"
