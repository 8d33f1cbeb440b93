"""Wires the dictation, cleanup and history flows between the workers and the window.

The controller owns no widgets: it turns user intents (record, clean again, open an
entry) into worker jobs and reports what happened by signals the window shows.
"""

import logging
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from desktop.engine import audio
from desktop.engine.cleanup import CleanupResult
from desktop.engine.history import Entry
from desktop.engine.session import Finished
from desktop.engine.transcriber import Transcriber
from desktop.engine.transcript import Segment, Transcript, add_segment
from desktop.options import session_options
from desktop.ui.services import Services
from desktop.ui.workers import (
    COMPUTE_NICE,
    CleanupWorker,
    SessionWorker,
    call_at_lower_priority,
    describe_error,
)

log = logging.getLogger(__name__)


@dataclass
class Document:
    """The transcript on screen in the compare view.

    Attributes:
        transcript: the raw transcript with its segments.
        kind: "dictation" or "file".
        recording: the dictation's audio, if kept.
        entry_id: its history id, once stored.
        result: its cleanup, once done.
        cleanup_job: the cleanup job running for it, if any.
    """

    transcript: Transcript
    kind: str
    recording: Path | None = None
    entry_id: int | None = None
    result: CleanupResult | None = None
    cleanup_job: int | None = None


def document_from_entry(entry: Entry) -> Document:
    """Rebuild a document from a history entry."""
    transcript = Transcript(entry.source, entry.duration, entry.language, entry.model,
                            entry.segments)
    result = None
    if entry.cleaned is not None:
        result = CleanupResult(entry.raw, entry.cleaned,
                               "ollama" if entry.backend == "ollama" else "rules",
                               entry.cleanup_model, entry.fallback_reason, 0.0)
    return Document(transcript, entry.kind, entry.recording, entry.id, result)


class Controller(QObject):
    """Runs model loading, dictations, cleanups and history writes. GUI thread only.

    Signals:
        model_loading(str): the model's name; it is loading in the background.
        model_ready(str): the model is loaded; dictation can start.
        model_failed(str): the model could not be loaded (one sentence).
        recording_started(): the microphone is opening.
        recording_listening(): audio is flowing; say "speak now".
        recording_stopped(): the session ended (after Finished or a failure).
        document_changed(object): a new :class:`Document` is on screen (raw text known).
        cleanup_text(str): the cleaned text so far for the document on screen.
        cleanup_done(object): the :class:`CleanupResult` for the document on screen.
        history_changed(): an entry was added, updated or deleted.
    """

    model_loading = Signal(str)
    model_ready = Signal(str)
    model_failed = Signal(str)
    recording_started = Signal()
    recording_listening = Signal()
    recording_stopped = Signal()
    document_changed = Signal(object)
    cleanup_text = Signal(str)
    cleanup_done = Signal(object)
    history_changed = Signal()

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.document: Document | None = None
        self.session = SessionWorker(services.runner, self)
        self.cleanup = CleanupWorker(services.runner, self)
        self._segments: list[Segment] = []
        self._recording = False
        self._model_ready = False
        self._docs_by_job: dict[int, Document] = {}
        self.session.committed.connect(self._on_session_committed)
        self.session.finished.connect(self._on_session_finished)
        self.session.failed.connect(self._on_session_failed)
        self.session.dropout.connect(self._on_session_dropout)
        self.session.started.connect(self._on_session_started)
        self.session.listening.connect(self.recording_listening)
        self.session.ended.connect(self._on_session_ended)
        self.cleanup.text_changed.connect(self._on_cleanup_text_changed)
        self.cleanup.finished.connect(self._on_cleanup_finished)

    @property
    def ready(self) -> bool:
        """Whether the speech model is loaded."""
        return self._model_ready

    @property
    def recording(self) -> bool:
        """Whether a dictation is running (until its final text arrives)."""
        return self._recording

    def load_model(self) -> None:
        """Resolve the configured model and load it in the background."""
        self._model_ready = False
        try:
            transcriber = self.services.make_transcriber()
        except Exception as e:  # models.Error, and whatever a broken install raises
            log.info("No usable model", exc_info=True)
            self.services.transcriber = None
            self.model_failed.emit(describe_error(e))
            return
        self.model_loading.emit(transcriber.ref.name)
        # CTranslate2 starts its compute threads while loading; loading on a low-priority
        # thread makes them inherit that priority, so the GUI thread gets a CPU first.
        self.services.runner.submit(
            lambda: call_at_lower_priority(transcriber.load, COMPUTE_NICE),
            self._on_model_loaded)

    def start_recording(self) -> bool:
        """Start a dictation if the model is ready. Returns whether it is starting."""
        transcriber = self.services.transcriber
        if self._recording or not self._model_ready or transcriber is None:
            return False
        self._recording = True
        self._segments = []
        self.cleanup.cancel()
        options = session_options(self.services.settings.settings)
        self.session.start(transcriber, self.services.paths.recordings_dir, options,
                           warm_up=self.services.cleaner().warm_up,
                           sd=self.services.sounddevice)
        return True

    def stop_recording(self) -> None:
        """Stop; the final text and the cleanup follow."""
        self.session.stop()

    def show_document(self, document: Document, clean: bool = True) -> None:
        """Put a document on screen; clean it if it has no cleanup yet and ``clean``."""
        self.document = document
        self.document_changed.emit(document)
        if document.result is not None:
            self.cleanup_done.emit(document.result)
        elif clean and document.transcript.text:
            self.clean(document)

    def clean(self, document: Document, preset: str | None = None) -> None:
        """Clean a document's raw text (again), with another preset if given."""
        cleaner = self.services.cleaner(preset)
        job = self.cleanup.clean(cleaner, document.transcript.text)
        document.cleanup_job = job
        document.result = None
        self._docs_by_job[job] = document

    def clean_again(self, preset: str) -> None:
        """Clean the document on screen again with ``preset``."""
        if self.document is not None and self.document.transcript.text:
            self.document_changed.emit(self.document)
            self.clean(self.document, preset)

    def store(self, document: Document) -> None:
        """Add a document to the history in the background."""
        history = self.services.history
        if history is None:
            return
        transcript, kind, recording = document.transcript, document.kind, document.recording
        self.services.runner.submit(
            lambda: (document, history.add(transcript, kind, recording)), self._on_stored)

    def shutdown(self) -> None:
        """Cancel a running dictation and cleanup (the recording stays on disk)."""
        self.session.cancel()
        self.cleanup.cancel()

    def _save_cleaned(self, document: Document) -> None:
        history, entry_id, result = self.services.history, document.entry_id, document.result
        if history is None or entry_id is None or result is None:
            return
        self.services.runner.submit(lambda: history.set_cleaned(entry_id, result),
                                    self._on_history_written)

    @Slot(object, object)
    def _on_model_loaded(self, _model: object, error: BaseException | None) -> None:
        transcriber = self.services.transcriber
        if error is not None or transcriber is None:
            self.model_failed.emit(describe_error(error or RuntimeError("no model")))
            return
        self._model_ready = True
        self.model_ready.emit(transcriber.ref.name)
        if sys.platform.startswith("linux"):
            self._prime_microphone()

    def _prime_microphone(self) -> None:
        """Open the microphone once in the background, so the first dictation's start is fast.

        Through ALSA's pulse plugin the first stream of a process starts up to 1.9 s late
        and the next within 35 ms (see ``audio.prime``).
        """
        capture = session_options(self.services.settings.settings).capture
        sd = self.services.sounddevice
        self.services.runner.submit(lambda: audio.prime(capture, sd),
                                    self._on_microphone_primed)

    @Slot(object, object)
    def _on_microphone_primed(self, first_block_ms: object, error: BaseException | None) -> None:
        if error is not None:
            log.info("Microphone not primed: %s", error)  # the dictation will say why
        else:
            log.info("Microphone primed: first block after %s ms", first_block_ms)

    @Slot()
    def _on_session_started(self) -> None:
        self.recording_started.emit()

    @Slot(str, float, float)
    def _on_session_committed(self, text: str, start: float, end: float) -> None:
        add_segment(self._segments, Segment(start, end, text))

    @Slot(object)
    def _on_session_finished(self, finished: Finished) -> None:
        transcriber = self.services.transcriber
        model = transcriber.ref.name if isinstance(transcriber, Transcriber) else ""
        segments = tuple(self._segments) or (
            (Segment(0.0, finished.duration, finished.text),) if finished.text else ())
        language = self.services.settings.settings.whisper.language
        source = str(finished.recording) if finished.recording else "dictation"
        transcript = Transcript(source, finished.duration, language, model, segments)
        if not transcript.text:
            self.services.messages.warning(
                "No speech was heard in that dictation; check the microphone in Settings "
                "and speak a little closer.")
            return
        # Keep the exact final text even if the committed spans differ from it.
        if transcript.text != finished.text and finished.text:
            transcript = replace(transcript, segments=(
                Segment(0.0, finished.duration, finished.text),))
        document = Document(transcript, "dictation", finished.recording)
        self.store(document)
        self.show_document(document)

    @Slot()
    def _on_session_ended(self) -> None:
        self._recording = False
        self.recording_stopped.emit()

    @Slot(str)
    def _on_session_failed(self, message: str) -> None:
        self.services.messages.error(message)

    @Slot(str)
    def _on_session_dropout(self, message: str) -> None:
        self.services.messages.warning(message)

    @Slot(int, str)
    def _on_cleanup_text_changed(self, job: int, text: str) -> None:
        if self.document is not None and self.document.cleanup_job == job:
            self.cleanup_text.emit(text)

    @Slot(int, object)
    def _on_cleanup_finished(self, job: int, result: CleanupResult) -> None:
        document = self._docs_by_job.pop(job, None)
        if document is None or document.cleanup_job != job:
            return
        document.result = result
        document.cleanup_job = None
        self._save_cleaned(document)
        if document is self.document:
            self.cleanup_done.emit(result)

    @Slot(object, object)
    def _on_stored(self, stored: object, error: BaseException | None) -> None:
        if error is not None or not isinstance(stored, tuple):
            self.services.messages.error(describe_error(error or RuntimeError("not stored")))
            return
        document, entry_id = stored
        document.entry_id = entry_id
        self._save_cleaned(document)
        self.history_changed.emit()

    @Slot(object, object)
    def _on_history_written(self, _result: object, error: BaseException | None) -> None:
        if error is not None:
            self.services.messages.error(describe_error(error))
            return
        self.history_changed.emit()
