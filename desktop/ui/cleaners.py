"""One long-lived :class:`Cleaner` per preset (or per profile's cleanup options), rebuilt
only when its settings change.

A cleaner learns once whether the model thinks (one ``/api/show``); keeping it alive
keeps that answer for every later cleanup.
"""

import dataclasses

from PySide6.QtCore import QObject, Slot

from desktop.config import Settings
from desktop.engine.cleanup import Cleaner, CleanupOptions
from desktop.options import cleanup_options
from desktop.ui.messages import MessageBridge
from desktop.ui.settings_model import SettingsModel
from desktop.ui.vocabulary_model import VocabularyModel

PREFIXES = ("ollama.", "cleanup.")  # settings a cleaner is built from


class Cleaners(QObject):
    """Hands out the cleaner for the current settings. GUI thread only.

    Args:
        settings: the settings wrapper; a change under ``ollama.`` or ``cleanup.`` drops
            the cleaners built so far.
        messages: where an unusable ``ollama.host`` is reported.
        words: the vocabulary, whose spellings the cleaners keep; a change drops them too.
    """

    def __init__(self, settings: SettingsModel, messages: MessageBridge,
                 words: VocabularyModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._messages = messages
        self._words = words
        self._built: dict[str | None, Cleaner] = {}
        self._for_profiles: dict[CleanupOptions, Cleaner] = {}
        settings.changed.connect(self._on_settings_changed)
        words.changed.connect(self._on_words_changed)

    def get(self, preset: str | None = None) -> Cleaner:
        """Return the cleaner for the settings, with ``preset`` instead of the set one."""
        if preset == self._settings.settings.cleanup.preset:
            preset = None
        cleaner = self._built.get(preset)
        if cleaner is None:
            options = self._options()
            if preset is not None:
                options = dataclasses.replace(options, preset=preset)
            cleaner = self._built[preset] = Cleaner(options)
        return cleaner

    def for_settings(self, settings: Settings) -> Cleaner:
        """Return the cleaner for ``settings`` (a dictation's, under a per-app profile)."""
        if settings == self._settings.settings:
            return self.get()
        options = self._options(settings)
        cleaner = self._for_profiles.get(options)
        if cleaner is None:
            cleaner = self._for_profiles[options] = Cleaner(options)
        return cleaner

    def _options(self, settings: Settings | None = None) -> CleanupOptions:
        try:
            return cleanup_options(settings or self._settings.settings,
                                   self._words.vocabulary)
        except ValueError as e:
            self._messages.warning(f"{e} Using the rule-based cleanup until it is fixed.")
            return CleanupOptions(enabled=False)

    @Slot()
    def _on_words_changed(self) -> None:
        self._built.clear()
        self._for_profiles.clear()

    @Slot(str)
    def _on_settings_changed(self, key: str) -> None:
        if key.startswith(PREFIXES):
            self._built.clear()
            self._for_profiles.clear()
