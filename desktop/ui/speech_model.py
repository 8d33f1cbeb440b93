"""The Whisper model the window uses: resolved from the settings, loaded in the background.

After ``whisper.unload_after`` seconds without use the model is freed (a large one holds
1-2 GB); it stays "ready": the next dictation starts recording at once and the model
loads again while it records (the audio waits in the streaming buffer, no word is lost),
and a file job loads it again as it starts.
"""

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop.engine import models
from desktop.engine.transcriber import Transcriber
from desktop.options import model_options
from desktop.ui.jobs import COMPUTE_NICE, call_at_lower_priority, describe_error
from desktop.ui.services import Services

log = logging.getLogger(__name__)

MODEL_KEYS = ("whisper.model", "whisper.device", "whisper.compute_type", "whisper.threads")
UNLOAD_KEY = "whisper.unload_after"


class SpeechModel(QObject):
    """Resolves and loads the configured model; reloads it when its settings change.

    GUI thread only.

    Args:
        services: paths, settings, job pool.
        make_transcriber: builds (does not load) the transcriber for the settings; the
            default resolves ``whisper.model`` (tests pass one whose load they control).

    Signals:
        loading(str): the model's name; it is loading in the background.
        ready(str): the model is loaded; dictation can start.
        failed(str): the model could not be loaded (one sentence).
        unloaded(str): the model's name; it was freed after ``whisper.unload_after``
            seconds without use (it loads again on the next use).

    Attributes:
        transcriber: the current transcriber, or None when no model resolves.
        error: why the last load failed, or None.
    """

    loading = Signal(str)
    ready = Signal(str)
    failed = Signal(str)
    unloaded = Signal(str)

    def __init__(
        self,
        services: Services,
        make_transcriber: Callable[[], Transcriber] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._make = make_transcriber or self._resolve
        self._loaded = False
        self._generation = 0
        self._reload_when_idle = False
        self.transcriber: Transcriber | None = None
        self.error: str | None = None
        self._unload_timer = QTimer(self)
        self._unload_timer.setSingleShot(True)
        self._unload_timer.timeout.connect(self._on_unload_timer_timeout)

    @property
    def is_ready(self) -> bool:
        """Whether a dictation can start: the model loaded (and maybe freed since, when
        idle: it loads again on its first use)."""
        return self._loaded

    def wake(self) -> None:
        """A dictation starts: load the model again in the background if it was freed."""
        transcriber = self.transcriber
        if not self._loaded or transcriber is None or transcriber.unused_for() is not None:
            return
        log.info("Loading %s again", transcriber.ref.name)
        self._services.runner.submit(
            lambda: call_at_lower_priority(transcriber.load, COMPUTE_NICE), self._on_woken)

    def load(self) -> None:
        """Resolve the configured model and load it in the background."""
        self._loaded = False
        self.error = None
        self._generation += 1
        generation = self._generation
        try:
            transcriber = self._make()
        except Exception as e:  # models.Error, and whatever a broken install raises
            log.info("No usable model", exc_info=True)
            self.transcriber = None
            self._fail(describe_error(e))
            return
        self.transcriber = transcriber
        self.loading.emit(transcriber.ref.name)
        # CTranslate2 starts its compute threads while loading; loading on a low-priority
        # thread makes them inherit that priority, so the GUI thread gets a CPU first.
        def run() -> tuple[int, BaseException | None]:
            try:
                call_at_lower_priority(transcriber.load, COMPUTE_NICE)
            except Exception as e:  # thread boundary: reported by _on_loaded
                log.info("Loading %s failed", transcriber.ref.name, exc_info=True)
                return generation, e
            return generation, None

        self._services.runner.submit(run, self._on_loaded)

    def settings_changed(self, key: str, busy: bool) -> None:
        """Reload for a model setting; while ``busy`` (a dictation uses the model), after."""
        if key == UNLOAD_KEY:
            self._arm_unload(0.0)
        elif key.startswith(MODEL_KEYS):
            if busy:
                self._reload_when_idle = True
            else:
                self.load()

    def idle(self) -> None:
        """The dictation that held a reload back has ended."""
        if self._reload_when_idle:
            self._reload_when_idle = False
            self.load()

    def _resolve(self) -> Transcriber:
        s = self._services.settings.settings
        ref = models.resolve(s.whisper.model, self._services.paths.models_dir)
        return Transcriber(ref, model_options(s))

    def _arm_unload(self, unused_for: float | None) -> None:
        """Check again once the model may have been unused for ``whisper.unload_after``."""
        after = self._services.settings.settings.whisper.unload_after
        if after <= 0:
            self._unload_timer.stop()
            return
        # Not loaded (freed, or a load under way): look again a whole period later.
        left = after - (unused_for or 0.0)
        self._unload_timer.start(max(0, round(left * 1000)))

    def _fail(self, message: str) -> None:
        self.error = message
        self.failed.emit(message)

    @Slot(object, object)
    def _on_loaded(self, result: object, _error: object) -> None:
        if not isinstance(result, tuple) or result[0] != self._generation:
            return  # a newer load is on its way
        transcriber, error = self.transcriber, result[1]
        if error is not None or transcriber is None:
            self._fail(describe_error(error or RuntimeError("no model")))
            return
        self._loaded = True
        log.info("Speech model %s ready", transcriber.ref.name)
        self.ready.emit(transcriber.ref.name)
        self._arm_unload(0.0)

    @Slot()
    def _on_unload_timer_timeout(self) -> None:
        transcriber, after = self.transcriber, self._services.settings.settings.whisper.unload_after
        if not self._loaded or transcriber is None or after <= 0:
            return
        unused_for = transcriber.unused_for()
        if unused_for is None or unused_for < after:
            self._arm_unload(unused_for)
            return
        # Freeing it (and trimming the heap) may take a moment: off the GUI thread.
        self._services.runner.submit(lambda: transcriber.unload(after), self._on_unload_done)

    @Slot(object, object)
    def _on_unload_done(self, freed: object, _error: object) -> None:
        transcriber = self.transcriber
        if freed is True and transcriber is not None:
            log.info("Speech model %s freed after %.0f s without use", transcriber.ref.name,
                     self._services.settings.settings.whisper.unload_after)
            self.unloaded.emit(transcriber.ref.name)
        self._arm_unload(transcriber.unused_for() if transcriber is not None else None)

    @Slot(object, object)
    def _on_woken(self, _result: object, error: BaseException | None) -> None:
        if error is not None:  # the dictation's own decode reports it to the user
            log.info("Loading the model again failed: %s", error)
