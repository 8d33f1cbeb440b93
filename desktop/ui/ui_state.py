"""Small bits of window state (where a window was, what the user was told) kept in INI
files of their own, user-only like everything Dictara writes."""

import contextlib
from pathlib import Path

from PySide6.QtCore import QSettings

from desktop.paths import private_file


def read(path: Path, key: str) -> object:
    """Return the value kept under ``key``, or None."""
    return QSettings(str(path), QSettings.Format.IniFormat).value(key)


def write(path: Path, key: str, value: object) -> None:
    """Keep ``value`` under ``key``, on disk now. GUI thread."""
    store = QSettings(str(path), QSettings.Format.IniFormat)
    store.setValue(key, value)
    store.sync()
    with contextlib.suppress(OSError):  # QSettings creates its file under the umask (0644)
        private_file(path)
