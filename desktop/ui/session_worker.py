"""Bridges one dictation :class:`~desktop.engine.session.Session` at a time to signals.

The engine calls back on its worker threads; each event is re-emitted as the engine's own
value object, which Qt queues to the GUI thread's receivers.
"""

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from PySide6.QtCore import QObject, Signal, Slot

from desktop.engine.session import (
    AutoStopped,
    Countdown,
    Dropout,
    Event,
    Failed,
    Finished,
    Level,
    Listening,
    Session,
    SessionOptions,
    Stopped,
)
from desktop.engine.streaming import Partial
from desktop.engine.transcriber import Transcriber
from desktop.ui.jobs import JobRunner, describe_error

log = logging.getLogger(__name__)


class SessionWorker(QObject):
    """Runs one :class:`Session` at a time. GUI thread only.

    Signals:
        listening(object): the :class:`Listening` event: audio flows, every word counts.
        level_changed(float): input RMS level in dBFS.
        countdown(int): whole seconds left before the session stops after silence.
        auto_stopped(): the session stopped by itself (``finished`` follows).
        stopped(): the microphone is closed (a stop sound can no longer be recorded).
        partial_changed(object): a :class:`Partial` (the committed text comes with it).
        dropout(str): audio was lost; one sentence.
        failed(str): the dictation could not go on; one sentence.
        finished(object): the :class:`Finished` event, with the final transcript.
        ended(): the session is over (after ``finished``, a failure, or a cancel).
    """

    listening = Signal(object)
    level_changed = Signal(float)
    countdown = Signal(int)
    auto_stopped = Signal()
    stopped = Signal()
    partial_changed = Signal(object)
    dropout = Signal(str)
    failed = Signal(str)
    finished = Signal(object)
    ended = Signal()

    def __init__(self, runner: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._session: Session | None = None
        self._starting = False
        self._stop_requested = False
        self._cancel_requested = False

    @property
    def active(self) -> bool:
        """Whether a dictation is starting or running."""
        return self._starting or self._session is not None

    def start(
        self,
        transcriber: Transcriber,
        recordings_dir: Path,
        options: SessionOptions,
        warm_up: Callable[[], None] | None = None,
        sd: ModuleType | None = None,
    ) -> None:
        """Build the session and open the microphone in the pool. GUI thread only.

        Building it loads the streaming VAD, which would stall the GUI for ~100 ms.
        """
        self._starting = True

        def build() -> Session:
            session = Session(transcriber, recordings_dir, options, self._on_session_event,
                              warm_up=warm_up, sd=sd)
            session.start()
            return session

        self._runner.submit(build, self._on_start_done)

    def stop(self) -> None:
        """Stop recording; ``finished`` follows when the text is final. GUI thread only."""
        if self._session is not None:
            self._session.stop()
        elif self._starting:
            self._stop_requested = True

    def mute(self, until: threading.Event) -> None:
        """Transcribe silence instead of the microphone until ``until`` is set (the app's
        own sound plays). GUI thread only."""
        if self._session is not None:
            self._session.mute(until)

    def cancel(self) -> None:
        """Stop without a final text (Esc, quit); ``ended`` follows. GUI thread only."""
        if self._session is not None:
            self._session.cancel()
        elif self._starting:
            self._cancel_requested = True

    @Slot(object, object)
    def _on_start_done(self, session: object, error: BaseException | None) -> None:
        self._starting = False
        if error is not None or not isinstance(session, Session):
            self._cancel_requested = self._stop_requested = False
            self.failed.emit(describe_error(error or RuntimeError("no session")))
            self.ended.emit()
            return
        self._session = session
        self._runner.submit(session.wait, self._on_session_waited)  # ended follows
        if self._cancel_requested:
            self._cancel_requested = self._stop_requested = False
            session.cancel()  # ``ended`` once its threads let go of the microphone
            return
        if self._stop_requested:
            self._stop_requested = False
            session.stop()

    @Slot(object, object)
    def _on_session_waited(self, _finished: object, _error: object) -> None:
        self._session = None
        self.ended.emit()

    def _on_session_event(self, event: Event) -> None:
        """Runs on the session's worker threads; only emits."""
        if isinstance(event, Level):
            self.level_changed.emit(event.rms_db)
        elif isinstance(event, Listening):
            self.listening.emit(event)
        elif isinstance(event, Countdown):
            self.countdown.emit(event.seconds_left)
        elif isinstance(event, AutoStopped):
            self.auto_stopped.emit()
        elif isinstance(event, Stopped):
            self.stopped.emit()
        elif isinstance(event, Partial):
            self.partial_changed.emit(event)
        elif isinstance(event, Dropout):
            self.dropout.emit(event.message)
        elif isinstance(event, Failed):
            self.failed.emit(event.message)
        elif isinstance(event, Finished):
            self.finished.emit(event)
        # Committed: the Partial that follows every commit carries the committed text.
