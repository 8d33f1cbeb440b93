#!/usr/bin/env bash
# Sign dist/Dictara.app for the hardened runtime and notarise it, when the secrets exist.
# Usage: packaging/macos/sign_and_notarize.sh APP_PATH
#
# Environment (GitHub secrets in release.yml; all optional, all or nothing):
#   MACOS_CERTIFICATE_P12_BASE64   "Developer ID Application" certificate + key, base64 .p12
#   MACOS_CERTIFICATE_PASSWORD     its password
#   MACOS_SIGNING_IDENTITY         e.g. "Developer ID Application: Name (TEAMID)"
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   notarytool credentials (app-specific password)
# Without the certificate the app keeps PyInstaller's ad-hoc signature and a line says so;
# without the notarisation credentials it is signed but not notarised.
set -euo pipefail
app=$1
here=$(cd "$(dirname "$0")" && pwd)

if [[ -z "${MACOS_CERTIFICATE_P12_BASE64:-}" || -z "${MACOS_SIGNING_IDENTITY:-}" ]]; then
  echo "::notice::macOS signing skipped: MACOS_CERTIFICATE_P12_BASE64/MACOS_SIGNING_IDENTITY not set; the app is ad-hoc signed and Gatekeeper will warn users."
  exit 0
fi

keychain="$RUNNER_TEMP/dictara-signing.keychain-db"
keychain_password=$(uuidgen)
echo "$MACOS_CERTIFICATE_P12_BASE64" | base64 --decode > "$RUNNER_TEMP/cert.p12"
security create-keychain -p "$keychain_password" "$keychain"
security set-keychain-settings -lut 21600 "$keychain"
security unlock-keychain -p "$keychain_password" "$keychain"
security import "$RUNNER_TEMP/cert.p12" -k "$keychain" -P "${MACOS_CERTIFICATE_PASSWORD:-}" \
  -T /usr/bin/codesign
security set-key-partition-list -S apple-tool:,apple: -s -k "$keychain_password" "$keychain"
security list-keychains -d user -s "$keychain" $(security list-keychains -d user | tr -d '"')
rm -f "$RUNNER_TEMP/cert.p12"

# Inside out: every Mach-O in the bundle, then the app itself with the entitlements.
find "$app/Contents" -type f \( -name "*.dylib" -o -name "*.so" -o -perm -u+x \) -print0 |
  while IFS= read -r -d '' f; do
    if file -b "$f" | grep -q "Mach-O"; then
      codesign --force --timestamp --options runtime --sign "$MACOS_SIGNING_IDENTITY" "$f"
    fi
  done
codesign --force --timestamp --options runtime --entitlements "$here/entitlements.plist" \
  --sign "$MACOS_SIGNING_IDENTITY" "$app"
codesign --verify --deep --strict --verbose=2 "$app"
echo "Signed $app as $MACOS_SIGNING_IDENTITY"

if [[ -z "${APPLE_ID:-}" || -z "${APPLE_TEAM_ID:-}" || -z "${APPLE_APP_PASSWORD:-}" ]]; then
  echo "::notice::macOS notarisation skipped: APPLE_ID/APPLE_TEAM_ID/APPLE_APP_PASSWORD not set."
  exit 0
fi
zip="$RUNNER_TEMP/Dictara-notarize.zip"
ditto -c -k --keepParent "$app" "$zip"
xcrun notarytool submit "$zip" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
  --password "$APPLE_APP_PASSWORD" --wait --timeout 30m
xcrun stapler staple "$app"
echo "Notarised and stapled $app"
