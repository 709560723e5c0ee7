#!/usr/bin/env bash
# Install Stowaway for this user from this checkout and run its main job:
# the desktop app with its tray monitor where a display exists, else a scan report of your home.
#   bash installer/install.sh            install (or update) and run
#   bash installer/install.sh --no-run   install only
set -euo pipefail
cd "$(dirname "$0")/.."

PREFIX=${STOWAWAY_PREFIX:-${XDG_DATA_HOME:-$HOME/.local/share}/stowaway/venv}
BIN_DIR=${STOWAWAY_BIN_DIR:-$HOME/.local/bin}
APT_PACKAGES=(python3-venv libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
  libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxcb-xkb1 libxcb-randr0 libxcb-xinerama0 libxcb-xfixes0)

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    echo "Stowaway needs these system packages: ${missing[*]}" >&2
    sudo=(); [[ $(id -u) -ne 0 ]] && sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

python=${PYTHON:-python3}
if [[ ! -x "$PREFIX/bin/python" ]]; then
  "$python" -m venv "$PREFIX"
fi
"$PREFIX/bin/python" -m pip install -q --upgrade pip
"$PREFIX/bin/python" -m pip install -q --upgrade .
mkdir -p "$BIN_DIR"
for cmd in stowaway stowaway-app docker-credential-stowaway; do
  ln -sf "$PREFIX/bin/$cmd" "$BIN_DIR/$cmd"
done
if [[ -f resources/desktop/stowaway.desktop ]]; then
  apps=${XDG_DATA_HOME:-$HOME/.local/share}/applications
  mkdir -p "$apps"
  sed "s#^Exec=stowaway-app#Exec=$BIN_DIR/stowaway-app#" resources/desktop/stowaway.desktop > "$apps/stowaway.desktop"
  for png in resources/icons/hicolor/*/stowaway.png; do
    size_dir=$(basename "$(dirname "$png")")
    mkdir -p "${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/$size_dir/apps"
    cp "$png" "${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/$size_dir/apps/stowaway.png"
  done
fi
echo "Stowaway installed: $BIN_DIR/stowaway and $BIN_DIR/stowaway-app" >&2

[[ ${1:-} == "--no-run" ]] && exit 0
if [[ -n ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]] || [[ $(uname) == Darwin ]]; then
  exec "$PREFIX/bin/stowaway-app"
fi
echo "No display found: scanning your home directory instead." >&2
exec "$PREFIX/bin/stowaway" scan
