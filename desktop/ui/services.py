"""The engine services the windows use, built once by the composition root (desktop/app.py)."""

import dataclasses
import logging
from dataclasses import dataclass
from types import ModuleType

from desktop.engine import models
from desktop.engine.cleanup import Cleaner, CleanupOptions
from desktop.engine.history import History
from desktop.engine.transcriber import Transcriber
from desktop.options import cleanup_options, model_options
from desktop.paths import AppPaths
from desktop.ui.messages import MessageBridge
from desktop.ui.settings_model import SettingsModel
from desktop.ui.workers import JobRunner

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What the UI needs from the engine, in one place; GUI thread only.

    Attributes:
        paths: where the app keeps its files.
        settings: the settings wrapper (emits ``changed(key)``).
        messages: the user-message bridge.
        runner: runs one-shot jobs off the GUI thread.
        history: the history store, or None when it could not be opened.
        transcriber: the Whisper transcriber, or None when no model resolves.
        sounddevice: a stand-in for the sounddevice module (tests), or None for the real one.
        hotkey_problem: why the global hotkey is not registered (shown in settings), or None.
    """

    paths: AppPaths
    settings: SettingsModel
    messages: MessageBridge
    runner: JobRunner
    history: History | None = None
    transcriber: Transcriber | None = None
    sounddevice: ModuleType | None = None
    hotkey_problem: str | None = None

    def make_transcriber(self) -> Transcriber:
        """Resolve the configured model and build (not load) its transcriber.

        Cheap: it only checks files. Loading happens on first use, in a worker.

        Raises:
            models.Error: the model is missing or broken (one sentence).
        """
        s = self.settings.settings
        ref = models.resolve(s.whisper.model, self.paths.models_dir)
        self.transcriber = Transcriber(ref, model_options(s))
        return self.transcriber

    def cleaner(self, preset: str | None = None) -> Cleaner:
        """Return a cleaner built from the current settings, optionally with another preset."""
        try:
            options = cleanup_options(self.settings.settings)
        except ValueError as e:
            self.messages.warning(f"{e} Using the rule-based cleanup until it is fixed.")
            options = CleanupOptions(enabled=False)
        if preset is not None:
            options = dataclasses.replace(options, preset=preset)
        return Cleaner(options)

    def close(self) -> None:
        """Release what the services hold (history connection)."""
        if self.history is not None:
            self.history.close()
