#!/usr/bin/env bash
# Pack the PyInstaller folder (dist/Dictara) with the .desktop file, icon and menu
# installer into dist/Dictara-VERSION-linux-ARCH.tar.gz.
# Usage: packaging/linux/make_tarball.sh DIST_DIR VERSION
set -euo pipefail
dist=$1 version=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
arch=$(uname -m)
name="Dictara-$version-linux-$arch"
stage="$dist/stage/$name"
rm -rf "$dist/stage" && mkdir -p "$stage"
cp -a "$dist/Dictara/." "$stage/"
cp "$root/packaging/linux/dictara.desktop" "$root/packaging/linux/install.sh" "$stage/"
cp "$root/resources/icons/dictara.svg" "$stage/dictara.svg"
tar -C "$dist/stage" -czf "$dist/$name.tar.gz" "$name"
rm -rf "$dist/stage"
echo "$dist/$name.tar.gz"
