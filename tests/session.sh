#!/usr/bin/env bash
# Runs inside `dbus-run-session` (see tests/run.sh): a throw-away HOME and XDG dirs, gnome-keyring
# unlocked from stdin, Xvfb with trayer as tray host; then ruff, mypy and the two pytest passes
# (offscreen Qt for most tests, the real X display for tray/screenshot tests).
set -euo pipefail

STOWAWAY_TEST_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/stowaway-test.XXXXXX")
export STOWAWAY_TEST_ROOT
export STOWAWAY_TEST_SESSION=1
export HOME="$STOWAWAY_TEST_ROOT/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share"
export XDG_STATE_HOME="$HOME/.local/state" XDG_CACHE_HOME="$HOME/.cache"
export XDG_RUNTIME_DIR="$STOWAWAY_TEST_ROOT/runtime"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$XDG_CACHE_HOME"
install -d -m 700 "$XDG_RUNTIME_DIR"
export PYTHON_KEYRING_BACKEND=keyring.backends.SecretService.Keyring

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  pkill -u "$(id -u)" -f "gnome-keyring-daemon.*$STOWAWAY_TEST_ROOT" 2>/dev/null || true
  rm -rf "$STOWAWAY_TEST_ROOT"
}
trap cleanup EXIT

# A real Secret Service: a new login keyring, created and unlocked with a password from stdin.
printf '%s' "stowaway-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
for _ in $(seq 50); do
  secret-tool search --all stowaway-probe none >/dev/null 2>&1 && break
  sleep 0.1
done

# A real X display with a tray host, for tests marked `display`.
display_number=$((90 + RANDOM % 400))
Xvfb ":$display_number" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
export STOWAWAY_TEST_DISPLAY=":$display_number"
for _ in $(seq 100); do
  DISPLAY=$STOWAWAY_TEST_DISPLAY xdpyinfo >/dev/null 2>&1 && break
  sleep 0.1
done
DISPLAY=$STOWAWAY_TEST_DISPLAY trayer --edge top --align right --widthtype request --height 28 \
  --transparent false --tint 0x303030 --SetDockType true --expand true >/dev/null 2>&1 &
pids+=($!)

if [[ ${1:-} == --dev-command ]]; then
  shift
  export DISPLAY=$STOWAWAY_TEST_DISPLAY
  "$@"
  exit $?
fi

if [[ ${STOWAWAY_SKIP_LINT:-0} != 1 ]]; then
  echo "== ruff"
  ruff check .
  echo "== mypy"
  mypy
fi
echo "== pytest (offscreen)"
status=0
QT_QPA_PLATFORM=offscreen python -m pytest -m "not display" "$@" || status=$?
if [[ $status -ne 0 && $status -ne 5 ]]; then exit "$status"; fi
echo "== pytest (Xvfb $STOWAWAY_TEST_DISPLAY with trayer)"
dstatus=0
DISPLAY=$STOWAWAY_TEST_DISPLAY QT_QPA_PLATFORM=xcb python -m pytest -m display "$@" || dstatus=$?
if [[ $dstatus -eq 5 ]]; then dstatus=0; fi
if [[ $status -eq 5 && $dstatus -eq 0 ]]; then
  echo "no tests ran" >&2
  exit 1
fi
exit "$dstatus"
