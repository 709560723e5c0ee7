#!/usr/bin/env bash
# The whole test suite, from a fresh Debian/Ubuntu machine: installs the system packages it needs
# (apt, as root or via sudo) and the Python test dependencies (into ./.venv), then runs ruff, mypy
# and pytest inside a throw-away D-Bus session with a real Secret Service and a real X display.
#   bash tests/run.sh [PYTEST ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3-venv python3-dev git openssl openssh-client
  dbus dbus-daemon gnome-keyring libsecret-tools
  xvfb xauth trayer imagemagick xdotool x11-utils desktop-file-utils dunst
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libxcb-cursor0
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1
  libxcb-randr0 libxcb-xinerama0 libxcb-xfixes0 libnss3 fonts-dejavu-core
)

install_system_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "tests/run.sh: not a Debian-like system; install the equivalents of: ${APT_PACKAGES[*]}" >&2
    return 0
  fi
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "tests/run.sh: installing system packages: ${missing[*]}" >&2
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "tests/run.sh: need root or sudo to install ${missing[*]}" >&2; exit 2; }
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_python_packages() {
  local venv=${STOWAWAY_TEST_VENV:-.venv}
  local python=${PYTHON:-python3}
  if [[ ! -x "$venv/bin/python" ]]; then
    "$python" -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q -e '.[test,dev]'
  export PATH="$PWD/$venv/bin:$PATH"
}

install_system_packages
install_python_packages
exec dbus-run-session -- bash tests/session.sh "$@"
