"""What the PyInstaller spec leaves out of the bundle, and small helpers it calls.

Kept in a plain module (not the spec) so that tests can import it and the lists have one
home. Dictara's Qt surface is QtCore, QtGui, QtWidgets, QtSvg and QtNetwork (for the
single-instance QLocalServer); everything else in PySide6-Essentials stays out.
"""

import fnmatch
import plistlib
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

# Python modules never imported by the app (tests, dev tools, unused Qt modules, torch).
EXCLUDED_MODULES = [
    "tkinter", "unittest", "pydoc_data", "lib2to3", "test", "idlelib",
    "pytest", "_pytest", "pytestqt", "mypy", "mypyc", "ruff", "jiwer", "whisper_normalizer",
    "IPython", "matplotlib", "pandas", "scipy", "PIL", "torch", "torchaudio", "tensorflow",
    "transformers", "onnxruntime.quantization", "onnxruntime.transformers",
    "onnxruntime.tools", "onnxruntime.training", "ctranslate2.converters",
    "numpy.f2py", "numpy.distutils", "numpy.testing", "setuptools", "pip", "dbm",
    "hf_xet",  # huggingface_hub downloads over plain HTTP without it
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickControls2", "PySide6.QtQuickWidgets",
    "PySide6.QtQuickTest", "PySide6.QtQmlFeatures", "PySide6.QtLabsStyleKit",
    "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtPrintSupport", "PySide6.QtSql",
    "PySide6.QtTest", "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtUiTools",
    "PySide6.QtXml", "PySide6.QtConcurrent", "PySide6.QtDBus", "PySide6.QtSvgWidgets",
    "PySide6.QtMultimedia", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets",
    "PySide6.Qt3DCore", "PySide6.QtCharts", "PySide6.QtPdf",
]

# pynput picks its backend at import time; PyInstaller's hook finds them by importing
# pynput, which fails without a display (CI), so name them.
PYNPUT_BACKENDS = {
    "linux": ["pynput.keyboard._xorg", "pynput.mouse._xorg", "pynput._util.xorg",
              "pynput._util.xorg_keysyms", "pynput.keyboard._uinput", "pynput._util.uinput"],
    "win32": ["pynput.keyboard._win32", "pynput.mouse._win32", "pynput._util.win32",
              "pynput._util.win32_vks"],
    "darwin": ["pynput.keyboard._darwin", "pynput.mouse._darwin", "pynput._util.darwin",
               "pynput._util.darwin_vks"],
}

# Files dropped from the collected binaries and data, by destination path (fnmatch,
# "/"-separated). Qt plugins that only serve modules the app does not use, translations
# for Qt modules it does not load, and the PortAudio/codec extras it never opens.
EXCLUDED_FILES = [
    "PySide6/Qt/plugins/tls/*",                  # no TLS: the only peer is loopback
    "PySide6/Qt/plugins/networkinformation/*",
    "PySide6/Qt/plugins/qmltooling/*",
    "PySide6/Qt/plugins/designer/*",
    "PySide6/Qt/plugins/sqldrivers/*",
    "PySide6/Qt/plugins/printsupport/*",
    "PySide6/Qt/plugins/platformthemes/*gtk3*",  # drags in the build machine's GTK
    "PySide6/Qt/plugins/egldeviceintegrations/*",  # embedded (eglfs) platforms only
    "PySide6/Qt/plugins/generic/*",
    "PySide6/Qt/plugins/platforms/*eglfs*",
    "PySide6/Qt/plugins/platforms/*linuxfb*",
    "PySide6/Qt/plugins/platforms/*minimalegl*",
    "PySide6/Qt/plugins/platforms/*vnc*",
    "PySide6/Qt/plugins/platforms/*vkkhrdisplay*",
    "PySide6/Qt/lib/libQt6EglF[Ss]*", "libQt6EglF[Ss]*",
    "PySide6/Qt/plugins/wayland-graphics-integration-client/*",  # OpenGL on Wayland only
    "PySide6/Qt/plugins/imageformats/*pdf*",
    "PySide6/Qt/plugins/imageformats/*webp*",
    "PySide6/Qt/plugins/imageformats/*tiff*",
    "PySide6/Qt/plugins/imageformats/*icns*",
    "PySide6/Qt/plugins/imageformats/*wbmp*",
    "PySide6/Qt/plugins/imageformats/*tga*",
    "PySide6/Qt/translations/*",  # the app installs no QTranslator: English only
    "PySide6/Qt/lib/libQt6Quick*", "PySide6/Qt/lib/libQt6Qml*",
    "PySide6/Qt/lib/libQt6Pdf*", "PySide6/Qt/lib/libQt6Designer*",
    "*/tests/*", "*/test/*",
]


def filter_toc(toc: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Return ``toc`` without the entries whose destination matches EXCLUDED_FILES.

    On Linux, the system libraries that only the dropped files needed go too (the GTK
    theme plugin alone pulls in cairo, pango, GLib and a dozen more).
    """
    kept: list[tuple[str, str, str]] = []
    dropped: list[tuple[str, str, str]] = []
    for entry in toc:
        dest = entry[0].replace("\\", "/")
        excluded = any(fnmatch.fnmatch(dest, pattern) for pattern in EXCLUDED_FILES)
        (dropped if excluded else kept).append(entry)
    if sys.platform.startswith("linux") and dropped and shutil.which("readelf"):
        kept = _without_orphans(kept, dropped)
    return kept


def _without_orphans(
    kept: list[tuple[str, str, str]], dropped: list[tuple[str, str, str]]
) -> list[tuple[str, str, str]]:
    """Remove from ``kept`` the top-level libraries that only ``dropped`` files need."""
    by_name = {Path(dest).name: src for dest, src, _ in kept if "/" not in dest}
    candidates = _closure([src for _, src, _ in dropped], by_name)
    roots = [src for dest, src, _ in kept if "/" in dest or Path(dest).name not in candidates]
    reached = _closure(roots, by_name)
    orphans = candidates - reached
    return [e for e in kept if not ("/" not in e[0] and Path(e[0]).name in orphans)]


def _closure(sources: list[str], by_name: dict[str, str]) -> set[str]:
    """Names in ``by_name`` that ``sources`` need, directly or through each other."""
    reached: set[str] = set()
    todo = list(sources)
    while todo:
        for name in _needed(todo.pop()) & by_name.keys():
            if name not in reached:
                reached.add(name)
                todo.append(by_name[name])
    return reached


def _needed(path: str) -> set[str]:
    """The DT_NEEDED sonames of an ELF file (empty for anything else)."""
    if not _is_elf(path):
        return set()
    out = subprocess.run(["readelf", "-d", "-W", path], capture_output=True, text=True)
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out.stdout))


def strip_debug_info(
    toc: list[tuple[str, str, str]], work_dir: Path
) -> list[tuple[str, str, str]]:
    """On Linux, swap ELF files carrying DWARF debug info for copies without it.

    ctranslate2's extension ships 65 MB of debug info around 2 MB of code. PyInstaller's
    own ``strip=True`` strips every file and breaks libraries that auditwheel edited with
    patchelf (numpy's OpenBLAS fails with "ELF load command address/offset not
    page-aligned", https://github.com/NixOS/patchelf/issues/10), so only the debug
    sections go, and only from the files that have them.
    """
    if not sys.platform.startswith("linux") or not shutil.which("strip"):
        return toc
    out_dir = work_dir / "debug-stripped"
    out_dir.mkdir(parents=True, exist_ok=True)
    result = []
    for dest, src, typecode in toc:
        if typecode in ("BINARY", "EXTENSION") and _has_debug_info(src):
            stripped = out_dir / dest.replace("/", "__")
            subprocess.run(["strip", "--strip-debug", "-o", str(stripped), src], check=True)
            src = str(stripped)
        result.append((dest, src, typecode))
    return result


def _is_elf(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def _has_debug_info(path: str) -> bool:
    if not _is_elf(path):
        return False
    sections = subprocess.run(["readelf", "-S", "-W", path], capture_output=True, text=True)
    return ".debug_info" in sections.stdout


def mac_info_plist(template: Path, version: str) -> dict[str, Any]:
    """Load the Info.plist template and fill in the version strings."""
    with template.open("rb") as f:
        plist: dict[str, Any] = plistlib.load(f)
    plist["CFBundleShortVersionString"] = version
    plist["CFBundleVersion"] = version
    return plist


def windows_version_tuple(version: str) -> tuple[int, int, int, int]:
    """``"1.2.3"`` (or ``"1.2.3rc1"``) → ``(1, 2, 3, 0)`` for the Windows version resource."""
    match = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
    if not match:
        raise ValueError(f"Version {version!r} does not start with a number such as 1.2.3")
    major, minor, patch = (int(group or 0) for group in match.groups())
    return (major, minor, patch, 0)


def write_windows_version_file(build_dir: Path, version: str) -> str:
    """Write a PyInstaller version-resource file for the .exe files; return its path."""
    numbers = windows_version_tuple(version)
    text = _WINDOWS_VERSION_TEMPLATE.format(numbers=numbers, version=version)
    build_dir.mkdir(parents=True, exist_ok=True)
    path = build_dir / "dictara_version_info.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


_WINDOWS_VERSION_TEMPLATE = """\
VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0,
                    OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
      StringStruct('CompanyName', 'Dictara'),
      StringStruct('FileDescription', 'Dictara'),
      StringStruct('FileVersion', '{version}'),
      StringStruct('ProductName', 'Dictara'),
      StringStruct('ProductVersion', '{version}'),
      StringStruct('LegalCopyright', 'MIT License')])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""
