#!/bin/sh
# Add Dictara to this user's application menu (no root needed). Run it from the unpacked
# folder; move the folder first if you want it elsewhere, then run it again.
# ./install.sh --uninstall removes the menu entry and icon (your history stays).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
apps=${XDG_DATA_HOME:-$HOME/.local/share}/applications
icons=${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/scalable/apps
if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$apps/dictara.desktop" "$icons/dictara.svg"
  # Drop Dictara from the "Open with" cache of audio and video types too.
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$apps" || true
  echo "Removed the Dictara menu entry."
  exit 0
fi
mkdir -p "$apps" "$icons"
sed "s|@BUNDLE@|$here|g" "$here/dictara.desktop" > "$apps/dictara.desktop"
cp "$here/dictara.svg" "$icons/dictara.svg"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$apps" || true
echo "Dictara is in your application menu; it runs from $here."
