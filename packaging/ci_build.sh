#!/usr/bin/env bash
# Packaging check for CI, run by .ci/run after the tests (needs the .venv it made):
#   1. lint .github/workflows/*.yml with actionlint;
#   2. build the Linux one-folder bundle with PyInstaller from this checkout;
#   3. pack the Linux tarball, unpack it elsewhere and run the frozen `dictara --self-test`
#      there with an empty environment, QT_QPA_PLATFORM=offscreen, HF_HUB_OFFLINE=1 and,
#      where the kernel allows it, no network at all (unshare -n);
#   4. compile the Windows NSIS script with makensis against a stand-in folder shaped like
#      the Windows bundle (the real bundle and installer are built on the Windows runner);
#   5. report the build time, the self-test time and the sizes, and fail if the bundle
#      outgrew DICTARA_MAX_UNPACKED_MB / DICTARA_MAX_TARBALL_MB.
# Everything goes under build/ci-package/. Any failure exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1
out=build/ci-package
max_unpacked_mb=${DICTARA_MAX_UNPACKED_MB:-460}
max_tarball_mb=${DICTARA_MAX_TARBALL_MB:-200}
started=$SECONDS
rm -rf "$out" && mkdir -p "$out"
version=$(.venv/bin/python -c \
  'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')

echo "== packaging: tools (makensis, PyInstaller, actionlint)"
if ! command -v makensis >/dev/null; then
  apt-get install -y -qq nsis >/dev/null
fi
if ! .venv/bin/pip install -q -e '.[package]' > "$out/pip.log" 2>&1; then
  cat "$out/pip.log" >&2
  exit 1
fi

echo "== packaging: actionlint"
.venv/bin/actionlint -no-color .github/workflows/*.yml
echo "workflows lint clean: $(ls .github/workflows/*.yml | tr '\n' ' ')"

echo "== packaging: PyInstaller bundle (dictara $version)"
t=$SECONDS
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --distpath "$out/dist" --workpath "$out/work" packaging/dictara.spec
build_s=$((SECONDS - t))

echo "== packaging: Linux tarball"
tarball=$(bash packaging/linux/make_tarball.sh "$out/dist" "$version" | tail -n 1)
name=$(basename "$tarball" .tar.gz)

echo "== packaging: frozen self-test from the unpacked tarball"
mkdir -p "$out/unpacked" "$out/home"
tar -C "$out/unpacked" -xzf "$tarball"
app=$(cd "$out/unpacked/$name" && pwd)
isolate=()
if unshare -n true 2>/dev/null; then
  isolate=(unshare -n)
  echo "(no network: running in a fresh network namespace)"
else
  echo "(unshare -n not permitted here: running with HF_HUB_OFFLINE=1 only)"
fi
t=$SECONDS
"${isolate[@]}" env -i PATH=/usr/bin:/bin HOME="$PWD/$out/home" LANG=C.UTF-8 \
  DICTARA_HOME="$PWD/$out/home/dictara" QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 \
  "$app/dictara" --self-test
selftest_s=$((SECONDS - t))
test -x "$app/dictara" && test -f "$app/dictara.desktop" && test -f "$app/dictara.svg"

echo "== packaging: Windows installer script (makensis, stand-in bundle)"
standin="$out/windows-standin/Dictara"
mkdir -p "$standin/_internal"
printf 'MZ stand-in for the PyInstaller executable\n' > "$standin/dictara.exe"
cp "$standin/dictara.exe" "$standin/dictara-gui.exe"
cp -r "$app/_internal/resources" "$standin/_internal/"
setup="$out/Dictara-$version-setup-standin.exe"
# makensis resolves relative paths from the script's folder: pass absolute ones.
makensis -V2 -WX -DVERSION="$version" -DFAST_COMPRESSION -DDIST="$PWD/$standin" \
  -DOUTFILE="$PWD/$setup" packaging/windows/dictara.nsi
head -c 2 "$setup" | grep -q MZ
echo "compiled $setup ($(stat -c %s "$setup") bytes)"

unpacked=$(du -sb "$app" | cut -f1)
packed=$(stat -c %s "$tarball")
report="$out/report.txt"
{
  echo "dictara $version linux bundle ($(uname -m), $(nproc) cores)"
  echo "pyinstaller build: ${build_s} s"
  echo "frozen self-test: ${selftest_s} s (wall, including start-up)"
  echo "unpacked: $((unpacked / 1000000)) MB ($unpacked bytes)"
  echo "tar.gz: $((packed / 1000000)) MB ($packed bytes)"
  echo "packaging step total: $((SECONDS - started)) s"
} | tee "$report"
if ((unpacked > max_unpacked_mb * 1000000 || packed > max_tarball_mb * 1000000)); then
  echo "The bundle grew past ${max_unpacked_mb} MB unpacked or ${max_tarball_mb} MB packed;" \
    "see packaging/bundle_filter.py for what is left out." >&2
  exit 1
fi
echo "== packaging: done"
