"""Runs cleanups off the GUI thread, one at a time, streaming the text back."""

import logging
import threading

from PySide6.QtCore import QObject, Signal, Slot

from desktop.engine.cleanup import Cleaner, CleanupResult
from desktop.ui.jobs import JobRunner

log = logging.getLogger(__name__)


class CleanupWorker(QObject):
    """Runs :meth:`Cleaner.clean` in the pool, streaming text back; one cleanup at a time.

    The text streams in a token at a time, faster than the GUI needs it: only the latest
    text is kept, and at most one update waits in the GUI's event queue. (One signal per
    token queued hundreds of updates that the event loop then ran back to back, a stall
    of up to 400 ms for a long transcript.)

    Signals:
        text_changed(int, str): job id and the cleaned text so far.
        finished(int, object): job id and the :class:`CleanupResult`.
    """

    text_changed = Signal(int, str)
    finished = Signal(int, object)
    _text_posted = Signal()

    def __init__(self, runner: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._next_id = 0
        self._cancel = threading.Event()
        self._latest: tuple[int, str] | None = None
        self._latest_lock = threading.Lock()
        self._text_posted.connect(self._on_text_posted)

    def clean(self, cleaner: Cleaner, raw: str) -> int:
        """Start cleaning ``raw``, cancelling any cleanup still running. GUI thread only.

        Returns:
            The job id carried by this cleanup's signals.
        """
        self._cancel.set()
        self._cancel = cancel = threading.Event()
        self._next_id += 1
        job = self._next_id

        def run() -> tuple[int, CleanupResult]:
            return job, cleaner.clean(raw, lambda text: self._post_text(job, text), cancel)

        self._runner.submit(run, self._on_job_done)
        return job

    def cancel(self) -> None:
        """Stop waiting for the model; the rule-based result still arrives."""
        self._cancel.set()

    def _post_text(self, job: int, text: str) -> None:
        """Keep the latest text and wake the GUI unless an update is already queued. Any thread."""
        with self._latest_lock:
            queued = self._latest is not None
            self._latest = (job, text)
        if not queued:
            self._text_posted.emit()

    @Slot()
    def _on_text_posted(self) -> None:
        with self._latest_lock:
            latest, self._latest = self._latest, None
        if latest is not None:
            self.text_changed.emit(*latest)

    @Slot(object, object)
    def _on_job_done(self, result: object, error: BaseException | None) -> None:
        if isinstance(result, tuple):
            self.finished.emit(*result)
        elif error is not None:  # Cleaner.clean never raises for server trouble
            log.error("Cleanup crashed: %s", error)
