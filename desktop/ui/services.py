"""The infrastructure every part of the window shares, built once by ``desktop/app.py``."""

from dataclasses import dataclass
from types import ModuleType

from desktop.engine.history import History
from desktop.paths import AppPaths
from desktop.ui.jobs import JobRunner
from desktop.ui.messages import MessageBridge
from desktop.ui.settings_model import SettingsModel


@dataclass(frozen=True)
class Services:
    """Paths, settings, messages, the job pool and the history; fixed once built.

    What changes at run time (the speech model, the cleaner) lives in objects of its own
    (:class:`~desktop.ui.speech_model.SpeechModel`, :class:`~desktop.ui.cleaners.Cleaners`).

    Attributes:
        paths: where the app keeps its files.
        settings: the settings wrapper (emits ``changed(key)``).
        messages: the user-message bridge.
        runner: runs one-shot jobs off the GUI thread.
        history: the history store, or None when it could not be opened.
        sounddevice: a stand-in for the sounddevice module (tests), or None for the real one.
    """

    paths: AppPaths
    settings: SettingsModel
    messages: MessageBridge
    runner: JobRunner
    history: History | None = None
    sounddevice: ModuleType | None = None

    def close(self) -> None:
        """Start no more jobs and release the history connection."""
        self.runner.close()
        if self.history is not None:
            self.history.close()
