"""Start at login: the XDG autostart entry, the LaunchAgent and the Run key."""

import plistlib
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from desktop.platform import autostart


def test_linux_desktop_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert not autostart.is_enabled("linux", tmp_path)
    autostart.apply(True, "linux", tmp_path)
    entry = tmp_path / "cfg" / "autostart" / "dictara.desktop"
    text = entry.read_text()
    assert "[Desktop Entry]" in text and f"Exec={sys.executable} -m desktop --tray" in text
    assert autostart.is_enabled("linux", tmp_path)
    autostart.apply(False, "linux", tmp_path)
    assert not entry.exists() and not autostart.is_enabled("linux", tmp_path)
    autostart.apply(False, "linux", tmp_path)  # idempotent


def test_macos_launch_agent(tmp_path: Path) -> None:
    autostart.apply(True, "darwin", tmp_path)
    path = tmp_path / "Library" / "LaunchAgents" / "app.dictara.plist"
    data = plistlib.loads(path.read_bytes())
    assert data["RunAtLoad"] is True
    assert data["ProgramArguments"] == [sys.executable, "-m", "desktop", "--tray"]
    autostart.apply(False, "darwin", tmp_path)
    assert not path.exists()


class FakeKey:
    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def __enter__(self) -> "FakeKey":
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def _winreg(values: dict[str, str]) -> Any:
    def query(key: FakeKey, name: str) -> tuple[str, int]:
        if name not in key.values:
            raise FileNotFoundError(name)
        return key.values[name], 1

    def delete(key: FakeKey, name: str) -> None:
        if name not in key.values:
            raise FileNotFoundError(name)
        del key.values[name]

    def set_value(key: FakeKey, name: str, _reserved: int, _kind: int, value: str) -> None:
        key.values[name] = value

    return SimpleNamespace(HKEY_CURRENT_USER=1, REG_SZ=1,
                           OpenKey=lambda root, path: FakeKey(values),
                           CreateKey=lambda root, path: FakeKey(values),
                           QueryValueEx=query, DeleteValue=delete, SetValueEx=set_value)


def test_windows_run_key() -> None:
    values: dict[str, str] = {}
    reg = _winreg(values)
    assert not autostart.is_enabled("win32", winreg=reg)
    autostart.apply(True, "win32", winreg=reg)
    assert values["Dictara"] == f'"{sys.executable}" "-m" "desktop" "--tray"'
    assert autostart.is_enabled("win32", winreg=reg)
    autostart.apply(False, "win32", winreg=reg)
    autostart.apply(False, "win32", winreg=reg)
    assert values == {}


def test_an_unwritable_folder_is_one_sentence(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "cfg"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocker))
    with pytest.raises(autostart.Error, match="could not change starting at login"):
        autostart.apply(True, "linux", tmp_path)
