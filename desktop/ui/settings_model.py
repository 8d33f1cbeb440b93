"""The settings as a QObject: one place that changes them, saves them and says so."""

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.config import Settings, SettingsFile

log = logging.getLogger(__name__)


class SettingsModel(QObject):
    """Wraps :class:`desktop.config.SettingsFile` and emits ``changed(key)``.

    GUI thread only. Workers never read it: they get option dataclasses built from
    :attr:`settings` at the moment a job starts.

    Signals:
        changed(str): a dotted key whose value changed and was saved.

    Attributes:
        file: the settings file.
        settings: the current, validated settings.
    """

    changed = Signal(str)

    def __init__(self, file: SettingsFile, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.file = file
        self.settings: Settings = file.load()

    @property
    def problems(self) -> list[str]:
        """Sentences about values rejected when the file was loaded."""
        return list(self.file.problems)

    def get(self, key: str) -> Any:
        """Return the value of a dotted key."""
        return self.settings.get(key)

    def set(self, key: str, value: Any) -> bool:
        """Validate, store and save one value; emit ``changed`` if it differs.

        Returns:
            Whether the value changed.

        Raises:
            desktop.config.Error: the key or the value is rejected (one sentence).
            OSError: the file could not be written.
        """
        return self.apply({key: value}) == [key]

    def apply(self, values: dict[str, Any]) -> list[str]:
        """Validate all values first, then save once and emit ``changed`` for each.

        Returns:
            The keys whose values changed.

        Raises:
            desktop.config.Error: a key or value is rejected; nothing is saved.
            OSError: the file could not be written; nothing changes.
        """
        updated = self.settings
        for key, value in values.items():
            updated = updated.with_value(key, value)
        changed = [k for k in values if updated.get(k) != self.settings.get(k)]
        if not changed:
            return []
        self.file.save(updated)
        self.settings = updated
        for key in changed:
            log.info("Setting %s changed", key)
            self.changed.emit(key)
        return changed
