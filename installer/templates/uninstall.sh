#!/usr/bin/env bash
# Remove Stowaway for the current user. Keychain entries you migrated are never touched: they are
# your credentials now. Usage: uninstall.sh [--keep-data | --delete-data]
set -euo pipefail
prefix=${STOWAWAY_PREFIX:-$HOME/.local/opt/stowaway}
data=${XDG_DATA_HOME:-$HOME/.local/share}
bin=${STOWAWAY_BIN_DIR:-$HOME/.local/bin}
if [[ -x "$prefix/stowaway" ]]; then "$prefix/stowaway" autostart remove >/dev/null || true; fi
rm -f "${XDG_CONFIG_HOME:-$HOME/.config}/autostart/stowaway.desktop"
choice=${1:-}
if [[ -z $choice ]]; then
  if [[ -t 0 ]]; then
    read -r -p "Delete Stowaway's inventory and settings too? Keychain entries are kept. [y/N] " answer
    [[ $answer == [yY]* ]] && choice=--delete-data || choice=--keep-data
  else
    choice=--keep-data
  fi
fi
if [[ $choice == --delete-data ]]; then
  rm -rf "$data/stowaway" "${XDG_CONFIG_HOME:-$HOME/.config}/stowaway" \
         "${XDG_STATE_HOME:-$HOME/.local/state}/stowaway" "${XDG_CACHE_HOME:-$HOME/.cache}/stowaway"
  echo "Inventory and settings deleted."
else
  echo "Inventory and settings kept in $data/stowaway."
fi
rm -f "$bin/stowaway" "$bin/stowaway-app" "$data/applications/stowaway.desktop"
find "$data/icons/hicolor" -name 'stowaway.png' -delete 2>/dev/null || true
rm -rf "$prefix"
echo "Stowaway removed. Your keychain entries were not touched."
