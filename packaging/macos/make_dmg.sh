#!/usr/bin/env bash
# Make Dictara-VERSION-macos-ARCH.dmg holding Dictara.app and an Applications link.
# Usage: packaging/macos/make_dmg.sh APP_PATH VERSION ARCH OUT_DIR
# Signs and notarises the .dmg too when the signing secrets are present (see
# sign_and_notarize.sh); otherwise says so and leaves it unsigned.
set -euo pipefail
app=$1 version=$2 arch=$3 out=$4
stage=$(mktemp -d)
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
dmg="$out/Dictara-$version-macos-$arch.dmg"
rm -f "$dmg"
hdiutil create -volname "Dictara $version" -srcfolder "$stage" -fs HFS+ -format UDZO \
  -imagekey zlib-level=9 -ov "$dmg"
rm -rf "$stage"
if [[ -n "${MACOS_SIGNING_IDENTITY:-}" && -n "${MACOS_CERTIFICATE_P12_BASE64:-}" ]]; then
  codesign --force --timestamp --sign "$MACOS_SIGNING_IDENTITY" "$dmg"
  if [[ -n "${APPLE_ID:-}" && -n "${APPLE_TEAM_ID:-}" && -n "${APPLE_APP_PASSWORD:-}" ]]; then
    xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
      --password "$APPLE_APP_PASSWORD" --wait --timeout 30m
    xcrun stapler staple "$dmg"
  else
    echo "::notice::dmg notarisation skipped: APPLE_ID/APPLE_TEAM_ID/APPLE_APP_PASSWORD not set."
  fi
else
  echo "::notice::dmg signing skipped: no macOS signing certificate."
fi
echo "$dmg"
