"""The transcripts the window shows: the one on screen, their cleanups, their history rows.

A :class:`Document` is one transcript (a dictation, a file, a history entry) with its
cleanup. :class:`Documents` puts one on screen, cleans documents in the background, and
stores them in the history.
"""

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from desktop.engine.cleanup import Cleaner, CleanupResult
from desktop.engine.cleanup.options import Backend
from desktop.engine.commands import CommandOptions
from desktop.engine.history import Entry
from desktop.engine.transcript import Transcript
from desktop.ui.cleaners import Cleaners
from desktop.ui.cleanup_worker import CleanupWorker
from desktop.ui.jobs import describe_error
from desktop.ui.services import Services

log = logging.getLogger(__name__)


@dataclass
class Document:
    """A transcript with its cleanup: what the compare view shows.

    Attributes:
        transcript: the raw transcript with its segments.
        kind: "dictation", "file" or "recovered".
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
        backend: Backend = "rules"
        if entry.backend in ("ollama", "mixed"):
            backend = "ollama" if entry.backend == "ollama" else "mixed"
        result = CleanupResult(entry.raw, entry.cleaned, backend, entry.cleanup_model,
                               entry.fallback_reason, 0.0)
    return Document(transcript, entry.kind, entry.recording, entry.id, result)


class Documents(QObject):
    """Shows, cleans and stores documents. GUI thread only.

    Signals:
        document_changed(object): a new :class:`Document` is on screen (raw text known).
        cleanup_text(str): the cleaned text so far for the document on screen.
        cleanup_done(object): the :class:`CleanupResult` for the document on screen.
        document_cleaning(object, str): any document and its cleaned text so far.
        document_cleaned(object): any document whose cleanup is done (``result`` set).
        live_cleaning(int, str): a live cleanup (see ``start_live``) and its cleaned text
            so far, before its dictation has become a document.
        history_changed(): an entry was added, updated or deleted.

    Attributes:
        document: the document on screen, or None.
    """

    document_changed = Signal(object)
    cleanup_text = Signal(str)
    cleanup_done = Signal(object)
    document_cleaning = Signal(object, str)
    document_cleaned = Signal(object)
    live_cleaning = Signal(int, str)
    history_changed = Signal()

    def __init__(self, services: Services, cleaners: Cleaners,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._cleaners = cleaners
        self.document: Document | None = None
        self._worker = CleanupWorker(services.runner, self)
        self._docs_by_job: dict[int, Document] = {}
        self._worker.text_changed.connect(self._on_worker_text_changed)
        self._worker.finished.connect(self._on_worker_finished)

    def show(self, document: Document, clean: bool = True) -> None:
        """Put a document on screen; clean it if it has no cleanup yet and ``clean``."""
        self.document = document
        self.document_changed.emit(document)
        if document.result is not None:
            self.cleanup_done.emit(document.result)
        elif clean and document.transcript.text and document.cleanup_job is None:
            self.clean(document)

    def start_live(self, spoken: CommandOptions, cleaner: Cleaner) -> int:
        """Start cleaning a dictation while it is spoken with ``cleaner`` (its preset, or
        its per-app profile's), carrying out the ``spoken`` commands.

        Returns:
            The live cleanup's job: feed it with ``feed_live``, end it with ``clean(document,
            live=job)`` or ``drop_live``.
        """
        return self._worker.start_live(cleaner, spoken)

    def feed_live(self, job: int, committed: str) -> None:
        """Give a live cleanup the dictation's committed text so far."""
        self._worker.feed_live(job, committed)

    def drop_live(self, job: int) -> None:
        """Stop a live cleanup whose dictation will not become a document."""
        self._worker.drop_live(job)

    def clean(self, document: Document, preset: str | None = None,
              live: int | None = None) -> None:
        """Clean a document's raw text (again), with another preset if given.

        Cleanups run one at a time, in order; a cleanup of this document still under way
        is cancelled (its rule-based result arrives, and is dropped). With ``live``, the
        dictation's live cleanup finishes it instead: only its tail is left to clean.
        """
        self._worker.cancel(document.cleanup_job)
        if live is not None:
            job = live
            self._worker.finish_live(live, document.transcript.text)
        else:
            job = self._worker.clean(self._cleaners.get(preset), document.transcript.text)
        document.cleanup_job = job
        document.result = None
        self._docs_by_job[job] = document

    def clean_again(self, preset: str) -> None:
        """Clean the document on screen again with ``preset``."""
        if self.document is not None and self.document.transcript.text:
            self.document_changed.emit(self.document)
            self.clean(self.document, preset)

    def cancel_cleanup(self, document: Document) -> None:
        """Stop waiting for the model for ``document``; its rule-based result still arrives."""
        self._worker.cancel(document.cleanup_job)

    def store(self, document: Document) -> None:
        """Add a document to the history in the background."""
        history = self._services.history
        if history is None:
            return
        transcript, kind, recording = document.transcript, document.kind, document.recording
        self._services.runner.submit(
            lambda: (document, history.add(transcript, kind, recording)), self._on_stored)

    def forget_entry(self, entry_id: int) -> None:
        """An entry was deleted: the document on screen no longer has it."""
        if self.document is not None and self.document.entry_id == entry_id:
            self.document.entry_id = None

    def shutdown(self) -> None:
        """Stop waiting for the model (quit)."""
        self._worker.cancel_all()

    def _save_cleaned(self, document: Document) -> None:
        history, entry_id, result = self._services.history, document.entry_id, document.result
        if history is None or entry_id is None or result is None:
            return
        self._services.runner.submit(lambda: history.set_cleaned(entry_id, result),
                                     self._on_history_written)

    @Slot(int, str)
    def _on_worker_text_changed(self, job: int, text: str) -> None:
        document = self._docs_by_job.get(job)
        if document is None:
            self.live_cleaning.emit(job, text)
            return
        if document.cleanup_job != job:
            return
        self.document_cleaning.emit(document, text)
        if document is self.document:
            self.cleanup_text.emit(text)

    @Slot(int, object)
    def _on_worker_finished(self, job: int, result: CleanupResult) -> None:
        document = self._docs_by_job.pop(job, None)
        if document is None or document.cleanup_job != job:
            return
        document.result = result
        document.cleanup_job = None
        self._save_cleaned(document)
        self.document_cleaned.emit(document)
        if document is self.document:
            self.cleanup_done.emit(result)

    @Slot(object, object)
    def _on_stored(self, stored: object, error: BaseException | None) -> None:
        if error is not None or not isinstance(stored, tuple):
            self._services.messages.error(describe_error(error or RuntimeError("not stored")))
            return
        document, entry_id = stored
        document.entry_id = entry_id
        self._save_cleaned(document)
        self.history_changed.emit()

    @Slot(object, object)
    def _on_history_written(self, _result: object, error: BaseException | None) -> None:
        if error is not None:
            self._services.messages.error(describe_error(error))
            return
        self.history_changed.emit()
