"""Runs cleanups off the GUI thread, one at a time in order, streaming the text back."""

import logging
import threading
from collections import deque
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal, Slot

from desktop.engine.cleanup import Cleaner, CleanupResult
from desktop.ui.jobs import JobRunner

log = logging.getLogger(__name__)


@dataclass
class _Cleanup:
    job: int
    cleaner: Cleaner
    raw: str
    cancel: threading.Event = field(default_factory=threading.Event)


class CleanupWorker(QObject):
    """Runs :meth:`Cleaner.clean` in the pool, one cleanup at a time, streaming text back.

    One runner serves one model in Ollama, so cleanups wait in line; a cancelled one
    stops waiting for the model and still delivers its rule-based result.

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
        self._running: _Cleanup | None = None
        self._waiting: deque[_Cleanup] = deque()
        self._latest: tuple[int, str] | None = None
        self._latest_lock = threading.Lock()
        self._text_posted.connect(self._on_text_posted)

    def clean(self, cleaner: Cleaner, raw: str) -> int:
        """Queue a cleanup of ``raw``; it runs after those before it. GUI thread only.

        Returns:
            The job id carried by this cleanup's signals.
        """
        self._next_id += 1
        self._waiting.append(_Cleanup(self._next_id, cleaner, raw))
        self._run_next()
        return self._next_id

    def cancel(self, job: int | None) -> None:
        """Stop job ``job`` waiting for the model; its rule-based result still arrives."""
        for cleanup in (self._running, *self._waiting):
            if cleanup is not None and cleanup.job == job:
                cleanup.cancel.set()

    def cancel_all(self) -> None:
        """Cancel every cleanup (quit)."""
        for cleanup in (self._running, *self._waiting):
            if cleanup is not None:
                cleanup.cancel.set()

    def _run_next(self) -> None:
        if self._running is not None or not self._waiting:
            return
        self._running = c = self._waiting.popleft()

        def run() -> tuple[int, CleanupResult]:
            return c.job, c.cleaner.clean(c.raw, lambda text: self._post_text(c.job, text),
                                          c.cancel)

        self._runner.submit(run, self._on_job_done)

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
        self._running = None
        if isinstance(result, tuple):
            self.finished.emit(*result)
        elif error is not None:  # Cleaner.clean never raises for server trouble
            log.error("Cleanup crashed: %s", error)
        self._run_next()
