#!/usr/bin/env bash
# Install this Stowaway bundle for the current user (no root needed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=${STOWAWAY_PREFIX:-$HOME/.local/opt/stowaway}
data=${XDG_DATA_HOME:-$HOME/.local/share}
bin=${STOWAWAY_BIN_DIR:-$HOME/.local/bin}
rm -rf "$prefix"; mkdir -p "$(dirname "$prefix")" "$bin" "$data/applications"
cp -a "$here/stowaway" "$prefix"
ln -sf "$prefix/stowaway" "$bin/stowaway"
ln -sf "$prefix/stowaway-app" "$bin/stowaway-app"
sed "s#^Exec=stowaway-app#Exec=$prefix/stowaway-app#" "$here/share/applications/stowaway.desktop" > "$data/applications/stowaway.desktop"
if [[ -d "$here/share/icons" ]]; then cp -a "$here/share/icons" "$data/"; fi
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
echo "Stowaway installed in $prefix (commands in $bin)."
