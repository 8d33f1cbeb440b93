"""Start Dictara in the tray at login: XDG autostart, a LaunchAgent, or the Run key. No Qt.

Linux: ``$XDG_CONFIG_HOME/autostart/dictara.desktop``. macOS:
``~/Library/LaunchAgents/app.dictara.plist`` (RunAtLoad). Windows: the value ``Dictara``
under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``. Each starts
``dictara --tray``.
"""

import contextlib
import os
import plistlib
import shlex
import sys
from pathlib import Path
from types import ModuleType

LABEL = "app.dictara"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
VALUE_NAME = "Dictara"


class Error(Exception):
    """Starting at login could not be switched."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(where, reason)
        self.where, self.reason = where, reason

    def __str__(self) -> str:
        return (f"Dictara could not change starting at login ({self.where}: {self.reason}); "
                f"check that the folder is writable.")


def command() -> list[str]:
    """Return the command that starts Dictara in the tray (a bundle's exe, or Python)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--tray"]
    return [sys.executable, "-m", "desktop", "--tray"]


def entry_path(platform: str = sys.platform, home: Path | None = None) -> Path | None:
    """Return the autostart file for Linux or macOS; None on Windows (a registry value)."""
    home = home or Path.home()
    if platform == "darwin":
        return home / "Library" / "LaunchAgents" / f"{LABEL}.plist"
    if platform == "win32":
        return None
    config = os.environ.get("XDG_CONFIG_HOME") or str(home / ".config")
    return Path(config) / "autostart" / "dictara.desktop"


def is_enabled(platform: str = sys.platform, home: Path | None = None,
               *, winreg: ModuleType | None = None) -> bool:
    """Whether Dictara starts at login now."""
    path = entry_path(platform, home)
    if path is not None:
        return path.exists()
    reg = winreg or _winreg()
    try:
        with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY) as key:
            reg.QueryValueEx(key, VALUE_NAME)
        return True
    except OSError:
        return False


def apply(enabled: bool, platform: str = sys.platform, home: Path | None = None,
          *, winreg: ModuleType | None = None) -> None:
    """Make Dictara start at login, or not. Any thread; cheap.

    Raises:
        Error: the file or registry value could not be written or removed.
    """
    path = entry_path(platform, home)
    try:
        if path is None:
            _apply_registry(enabled, winreg or _winreg())
        elif not enabled:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = _plist() if platform == "darwin" else _desktop_entry().encode()
            path.write_bytes(data)
    except OSError as e:
        raise Error(str(path or RUN_KEY), e.strerror or str(e)) from e


def _desktop_entry() -> str:
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Name=Dictara",
        "Comment=Offline dictation",
        f"Exec={shlex.join(command())}",
        "Icon=dictara",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "",
    ])


def _plist() -> bytes:
    return plistlib.dumps({"Label": LABEL, "ProgramArguments": command(), "RunAtLoad": True,
                           "ProcessType": "Interactive"})


def _apply_registry(enabled: bool, reg: ModuleType) -> None:
    with reg.CreateKey(reg.HKEY_CURRENT_USER, RUN_KEY) as key:
        if enabled:
            value = " ".join(f'"{part}"' for part in command())
            reg.SetValueEx(key, VALUE_NAME, 0, reg.REG_SZ, value)
        else:
            with contextlib.suppress(FileNotFoundError):
                reg.DeleteValue(key, VALUE_NAME)


def _winreg() -> ModuleType:
    import winreg

    return winreg
