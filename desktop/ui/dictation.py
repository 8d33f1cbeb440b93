"""One dictation from key press to cleaned text: the state machine every view renders.

Whoever starts a dictation (the Record button, the global hotkey, ``dictara toggle``, the
tray) asks :class:`Dictation`; the main window's dictation bar and status bar, the small
dictation window and the tray icon only render its state; the hotkey controller pastes
its results. ::

    IDLE / DONE / FAILED ──start──► WAITING_FOR_MODEL ──model ready──► STARTING
                              └──────────(model ready)───────────────► STARTING
    STARTING ──audio flows──► RECORDING ──stop──► FINISHING ──raw text──► CLEANING
    CLEANING ──cleaned──► DONE          (no speech, no microphone, …) ──► FAILED
    cancel: any busy state ──► IDLE (``cancelled``; the recording is kept)

The cleanup starts with the recording: the committed text is cleaned in pieces while the
user speaks (see :mod:`desktop.engine.cleanup.live`), so CLEANING only waits for the
piece under way and the last words.
"""

import enum
import logging
import sys
import threading
import time

from PySide6.QtCore import QObject, Signal, Slot

from desktop import profile_settings
from desktop.config import Settings
from desktop.engine import audio
from desktop.engine.commands import CommandOptions
from desktop.engine.commands import apply as apply_commands
from desktop.engine.profiles import InvalidProfileError, Profile
from desktop.engine.session import Finished
from desktop.engine.streaming import Partial
from desktop.options import session_options, spoken_commands
from desktop.platform.paste import Action, action_for
from desktop.ui.cleaners import Cleaners
from desktop.ui.documents import Document, Documents
from desktop.ui.services import Services
from desktop.ui.session_worker import SessionWorker
from desktop.ui.speech_model import SpeechModel
from desktop.ui.vocabulary_model import VocabularyModel

log = logging.getLogger(__name__)

NO_SPEECH = ("Nothing was heard. If you spoke, check the microphone in Settings and speak a "
             "little closer.")


class State(enum.Enum):
    """Where the dictation is."""

    IDLE = "idle"
    WAITING_FOR_MODEL = "waiting for the model"
    STARTING = "starting"  # the microphone is opening
    RECORDING = "recording"  # audio flows: every word from now on is recorded
    FINISHING = "finishing"  # stopped; the last words are being decoded
    CLEANING = "cleaning"  # the raw text is final; the cleanup runs
    DONE = "done"
    FAILED = "failed"

    @property
    def busy(self) -> bool:
        """Whether a dictation is under way (see :meth:`Dictation.start` for CLEANING)."""
        return self in _BUSY

    @property
    def listening(self) -> bool:
        """Whether the dictation takes audio (or will once the model or microphone is up)."""
        return self in (State.WAITING_FOR_MODEL, State.STARTING, State.RECORDING)

    @property
    def summary(self) -> str:
        """``idle``, ``recording`` or ``working``: what the tray and ``dictara toggle`` say."""
        if self.listening:
            return "recording"
        return "working" if self in (State.FINISHING, State.CLEANING) else "idle"


_BUSY = frozenset({State.WAITING_FOR_MODEL, State.STARTING, State.RECORDING, State.FINISHING,
                   State.CLEANING})


class Owner(enum.Enum):
    """Who started the dictation, which decides where its text goes."""

    WINDOW = "window"  # the Record button: shown in the main window
    HOTKEY = "hotkey"  # the global hotkey: the dictation window, then pasted
    COMMAND = "command"  # `dictara toggle`, the tray: as the hotkey
    EDIT = "edit"  # the edit hotkey: an instruction to rewrite the selection with

    @property
    def pastes(self) -> bool:
        """Whether the result goes into the app the user was in."""
        return self is not Owner.WINDOW


class Dictation(QObject):
    """The one dictation state machine. GUI thread only.

    Args:
        services: settings, paths, job pool, messages.
        speech_model: the Whisper model (a start waits for it to load).
        documents: shows, cleans and stores the finished transcript.
        cleaners: its cleaner warms Ollama up while the user speaks.
        words: the vocabulary Whisper is biased towards (taken when a dictation starts).

    Signals:
        state_changed(object): the new :class:`State`.
        level_changed(float): the microphone level in dBFS while recording.
        countdown_changed(int): whole seconds left before the dictation stops after
            silence (``dictation.stop_after_silence``), once speech was heard.
        microphone_closed(): the dictation stopped recording (a stop sound is safe now).
        partial_changed(object): a :class:`~desktop.engine.streaming.Partial`: the
            committed text so far (its spoken commands carried out) and the volatile
            words after it.
        cleaned_text_changed(str): the cleaned text so far, from the first piece cleaned
            while RECORDING until the end of CLEANING.

    Attributes:
        state: the current :class:`State`.
        owner: who started the current (or last) dictation.
        profile: the per-app profile it runs under, or None (the settings as they are).
        settings: the settings it runs with: the app's, changed by its profile.
        document: its transcript and cleanup, from CLEANING on.
        message: why it FAILED (one sentence), else "".
        cancelled: the last dictation was cancelled (state IDLE).
        stopped_at: ``time.monotonic()`` of the last stop (for latency figures).
        cleaned_so_far: the last ``cleaned_text_changed`` text of this dictation.
        said: its final raw text with the spoken commands carried out (a raw paste).
    """

    state_changed = Signal(object)
    level_changed = Signal(float)
    countdown_changed = Signal(int)
    microphone_closed = Signal()
    partial_changed = Signal(object)
    cleaned_text_changed = Signal(str)

    def __init__(
        self,
        services: Services,
        speech_model: SpeechModel,
        documents: Documents,
        cleaners: Cleaners,
        words: VocabularyModel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._model = speech_model
        self._documents = documents
        self._cleaners = cleaners
        self._words = words
        # One worker per dictation: a cancelled one winds down (closing the microphone,
        # finishing a decode) while its late signals are told apart by their sender.
        self._session: SessionWorker | None = None
        self._winding_down: set[SessionWorker] = set()
        self._failure = ""
        self._begin_when_ended = False
        self._live_cleanup: int | None = None
        self._spoken = CommandOptions()
        self.state = State.IDLE
        self.owner = Owner.WINDOW
        self.profile: Profile | None = None
        self.settings: Settings = services.settings.settings
        self.document: Document | None = None
        self.message = ""
        self.cancelled = False
        self.stopped_at = 0.0
        self.cleaned_so_far = ""
        self.said = ""
        speech_model.ready.connect(self._on_model_ready)
        speech_model.failed.connect(self._on_model_failed)
        documents.document_cleaning.connect(self._on_documents_document_cleaning)
        documents.document_cleaned.connect(self._on_documents_document_cleaned)
        documents.live_cleaning.connect(self._on_documents_live_cleaning)

    @property
    def session_active(self) -> bool:
        """Whether a session (the current one, or a cancelled one) still holds the model."""
        return self._session is not None or bool(self._winding_down)

    def start(self, owner: Owner, profile: Profile | None = None) -> bool:
        """Start a dictation for ``owner``; returns whether it is starting.

        ``profile`` (that of the app in front) sets this dictation's preset, paste mode,
        language and cleanup; with None the settings apply as they are.

        Refused while another one records or finishes, and while one whose cleaned text
        is still to be pasted or copied is cleaning (that would be lost). A dictation
        that is cleaning otherwise finishes in the background (stored and shown).
        """
        if self.state.busy and not (self.state is State.CLEANING and not self.awaits_cleaned):
            return False
        self.owner = owner
        self.profile = profile
        self.settings = self._settings_for(profile)
        self.document = None
        self.message = ""
        self.cancelled = False
        self.cleaned_so_far = ""
        if not self._model.is_ready:
            if self._model.error is not None:
                self._fail(self._model.error)
                return False
            self._set_state(State.WAITING_FOR_MODEL)
            return True
        self._begin()
        return True

    @property
    def awaits_cleaned(self) -> bool:
        """Whether the cleaned text goes somewhere once ready (pasted, or copied)."""
        mode = self.settings.paste.mode
        return self.owner.pastes and action_for(mode, "cleaned") is not Action.NOTHING

    def stop(self) -> None:
        """Stop listening; the final text and the cleanup follow. Otherwise nothing."""
        if self.state is State.WAITING_FOR_MODEL or (
                self.state is State.STARTING and self._session is None):
            self._begin_when_ended = False  # nothing was recorded yet
            self._set_state(State.IDLE)
        elif self.state in (State.STARTING, State.RECORDING) and self._session is not None:
            self.stopped_at = time.monotonic()
            self._session.stop()
            self._set_state(State.FINISHING)

    def mute_input(self, until: threading.Event) -> None:
        """Transcribe silence instead of the microphone until ``until`` is set (one of the
        app's sounds plays; the recording on disk keeps everything)."""
        if self._session is not None:
            self._session.mute(until)

    def cancel(self) -> None:
        """Drop the dictation under way: nothing is shown or pasted; the recording is kept."""
        if not self.state.busy:
            return
        if self._session is not None:
            self._session.cancel()
            self._winding_down.add(self._session)
            self._session = None
        if self.state is State.CLEANING and self.document is not None:
            self._documents.cancel_cleanup(self.document)
        self._drop_live_cleanup()
        self._begin_when_ended = False
        self.cancelled = True
        log.info("Dictation cancelled")
        self._set_state(State.IDLE)

    def shutdown(self) -> None:
        """Quit: cancel what runs (the recording stays on disk)."""
        for worker in (self._session, *self._winding_down):
            if worker is not None:
                worker.cancel()

    def _begin(self) -> None:
        self._set_state(State.STARTING)
        self._failure = ""
        if self._winding_down:  # a cancelled dictation still holds the microphone
            self._begin_when_ended = True
            return
        transcriber = self._model.transcriber
        assert transcriber is not None  # the model is ready
        worker = self._session = SessionWorker(self._services.runner, self)
        worker.listening.connect(self._on_session_listening)
        worker.level_changed.connect(self._on_session_level_changed)
        worker.partial_changed.connect(self._on_session_partial_changed)
        worker.dropout.connect(self._on_session_dropout)
        worker.failed.connect(self._on_session_failed)
        worker.finished.connect(self._on_session_finished)
        worker.ended.connect(self._on_session_ended)
        worker.countdown.connect(self._on_session_countdown)
        worker.auto_stopped.connect(self._on_session_auto_stopped)
        worker.stopped.connect(self._on_session_stopped)
        self._drop_live_cleanup()
        self._spoken = spoken_commands(self._services.settings.settings)
        cleaner = self._cleaners.for_settings(self.settings)
        if self.owner is not Owner.EDIT:  # an instruction is rewritten, not cleaned
            self._live_cleanup = self._documents.start_live(self._spoken, cleaner)
        worker.start(transcriber, self._services.paths.recordings_dir,
                     session_options(self.settings, self._words.vocabulary),
                     warm_up=cleaner.warm_up, sd=self._services.sounddevice)

    def _settings_for(self, profile: Profile | None) -> Settings:
        settings = self._services.settings.settings
        try:
            return profile_settings.apply(settings, profile)
        except InvalidProfileError as e:  # the settings changed since it was checked
            self._services.messages.warning(f"{e} This dictation uses the settings.")
            self.profile = None
            return settings

    def _current(self) -> bool:
        """Whether the signal being handled comes from the current dictation's session."""
        return self._session is not None and self.sender() is self._session

    def _fail(self, message: str) -> None:
        self._drop_live_cleanup()
        self.message = message
        log.info("Dictation (%s) failed: %s", self.owner.value, message)
        self._set_state(State.FAILED)

    def _drop_live_cleanup(self) -> None:
        if self._live_cleanup is not None:
            self._documents.drop_live(self._live_cleanup)
            self._live_cleanup = None

    def _set_state(self, state: State) -> None:
        if state is not self.state:
            log.info("Dictation (%s): %s", self.owner.value, state.value)
            self.state = state
            self.state_changed.emit(state)

    def _prime_microphone(self) -> None:
        """Open the microphone once in the background, so the first dictation starts fast.

        Through ALSA's pulse plugin the first stream of a process starts up to 1.9 s late
        and the next within 35 ms (see ``audio.prime``).
        """
        capture = session_options(self._services.settings.settings).capture
        sd = self._services.sounddevice
        self._services.runner.submit(lambda: audio.prime(capture, sd),
                                     self._on_microphone_primed)

    @Slot(object, object)
    def _on_microphone_primed(self, first_block_ms: object, error: BaseException | None) -> None:
        if error is not None:
            log.info("Microphone not primed: %s", error)  # the dictation will say why
        else:
            log.info("Microphone primed: first block after %s ms", first_block_ms)

    @Slot(object)
    def _on_session_listening(self, _event: object) -> None:
        if self._current() and self.state is State.STARTING:
            self._set_state(State.RECORDING)

    @Slot(float)
    def _on_session_level_changed(self, db: float) -> None:
        if self._current():
            self.level_changed.emit(db)

    @Slot(int)
    def _on_session_countdown(self, seconds_left: int) -> None:
        if self._current():
            self.countdown_changed.emit(seconds_left)

    @Slot()
    def _on_session_auto_stopped(self) -> None:
        if self._current():
            log.info("Stopped after %g s of silence",
                     self._services.settings.settings.dictation.stop_after_silence)
            self.stop()  # as if the user had pressed the key

    @Slot()
    def _on_session_stopped(self) -> None:
        if self._current():
            self.microphone_closed.emit()

    @Slot(object)
    def _on_session_partial_changed(self, partial: Partial) -> None:
        if self._current():
            if self._live_cleanup is not None:
                self._documents.feed_live(self._live_cleanup, partial.committed)
            self.partial_changed.emit(Partial(partial.text,
                                              apply_commands(partial.committed, self._spoken)))

    @Slot(str)
    def _on_session_dropout(self, message: str) -> None:
        if self._current():
            self._services.messages.warning(message)

    @Slot(str)
    def _on_session_failed(self, message: str) -> None:
        if self._current():
            self._failure = message

    @Slot(object)
    def _on_session_finished(self, finished: Finished) -> None:
        if not self._current() or self.state not in (State.STARTING, State.RECORDING,
                                                     State.FINISHING):
            return
        if self.state is not State.FINISHING:  # it stopped by itself (device lost)
            self.stopped_at = time.monotonic()
        log.info("Raw text %.0f ms after the stop (%s ms in the engine)",
                 (time.monotonic() - self.stopped_at) * 1000, f"{finished.stop_to_final_ms:.0f}")
        if not finished.transcript.text:
            self._fail(self._failure or NO_SPEECH)
            return
        if self._failure:  # the microphone failed, but what it heard is kept
            self._services.messages.warning(self._failure)
        self.said = apply_commands(finished.transcript.text, self._spoken)
        self.partial_changed.emit(Partial("", self.said))  # the final text
        self.document = Document(finished.transcript, "dictation", finished.recording)
        if self.owner is Owner.EDIT:  # the edit controller takes it from here; not kept
            self._set_state(State.DONE)
            return
        self._documents.store(self.document)
        self._documents.show(self.document, clean=False)
        self._set_state(State.CLEANING)
        live, self._live_cleanup = self._live_cleanup, None
        self._documents.clean(self.document, live=live)

    @Slot()
    def _on_session_ended(self) -> None:
        worker = self.sender()
        if worker is self._session:
            self._session = None
            if self.state in (State.STARTING, State.RECORDING, State.FINISHING):
                self._fail(self._failure or "The dictation ended unexpectedly; the log has "
                                            "the details.")
        elif worker in self._winding_down:
            self._winding_down.discard(worker)
            if not self._winding_down and self._begin_when_ended:
                self._begin_when_ended = False
                self._begin()
        if isinstance(worker, SessionWorker):
            worker.deleteLater()
        if not self.session_active:
            self._model.idle()

    @Slot(str)
    def _on_model_ready(self, _name: str) -> None:
        if self.state is State.WAITING_FOR_MODEL:
            self._begin()
        elif not self.session_active and sys.platform.startswith("linux"):
            self._prime_microphone()

    @Slot(str)
    def _on_model_failed(self, message: str) -> None:
        if self.state is State.WAITING_FOR_MODEL:
            self._fail(message)

    @Slot(object, str)
    def _on_documents_document_cleaning(self, document: Document, text: str) -> None:
        if document is self.document and self.state is State.CLEANING:
            self.cleaned_so_far = text
            self.cleaned_text_changed.emit(text)

    @Slot(int, str)
    def _on_documents_live_cleaning(self, job: int, text: str) -> None:
        if job == self._live_cleanup and self.state in (State.RECORDING, State.FINISHING):
            self.cleaned_so_far = text
            self.cleaned_text_changed.emit(text)

    @Slot(object)
    def _on_documents_document_cleaned(self, document: Document) -> None:
        if document is self.document and self.state is State.CLEANING:
            self._set_state(State.DONE)
