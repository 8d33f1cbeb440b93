"""Runs cleanups off the GUI thread, one at a time in order, streaming the text back.

A dictation's cleanup is a :class:`~desktop.engine.cleanup.LiveCleanup` that starts with
the dictation and cleans its committed text in pieces while it is spoken; it does not wait
in line behind file cleanups (the engine's turns put its requests first).
"""

import logging
import threading
from collections import deque
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal, Slot

from desktop.engine.cleanup import Cleaner, CleanupResult, LiveCleanup
from desktop.engine.commands import CommandOptions
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
    text of each job is kept, and at most one update waits in the GUI's event queue. (One signal per
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
        self._live: dict[int, LiveCleanup] = {}
        self._latest: dict[int, str] = {}  # job → its latest text, not yet emitted
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

    def start_live(self, cleaner: Cleaner, spoken: CommandOptions) -> int:
        """Start cleaning a dictation while it is spoken; feed it with ``feed_live``.

        ``spoken`` says which spoken commands its cleaned text carries out.

        Its cleaned text so far comes as ``text_changed`` from the first piece on.

        Returns:
            The job id; ``finish_live`` completes it.
        """
        self._next_id += 1
        job = self._next_id
        self._live[job] = LiveCleanup(cleaner, lambda text: self._post_text(job, text), spoken)
        return job

    def feed_live(self, job: int, committed: str) -> None:
        """Give a live cleanup the dictation's committed text so far. GUI thread only."""
        live = self._live.get(job)
        if live is not None:
            live.feed(committed)

    def finish_live(self, job: int, raw: str) -> None:
        """Clean what is left of ``raw``, the final text; ``finished`` follows at once."""
        live = self._live.get(job)
        if live is not None:
            self._runner.submit(lambda: (job, live.finish(raw)), self._on_live_done)

    def cancel(self, job: int | None) -> None:
        """Stop job ``job`` waiting for the model; its rule-based result still arrives."""
        for cleanup in (self._running, *self._waiting):
            if cleanup is not None and cleanup.job == job:
                cleanup.cancel.set()
        if job in self._live:
            self._live[job].cancel()

    def drop_live(self, job: int) -> None:
        """Forget a live cleanup that will never be finished (its dictation was cancelled)."""
        live = self._live.pop(job, None)
        if live is not None:
            live.cancel()

    def cancel_all(self) -> None:
        """Cancel every cleanup (quit)."""
        for cleanup in (self._running, *self._waiting):
            if cleanup is not None:
                cleanup.cancel.set()
        for live in self._live.values():
            live.cancel()

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
            queued = bool(self._latest)
            self._latest[job] = text
        if not queued:
            self._text_posted.emit()

    @Slot()
    def _on_text_posted(self) -> None:
        with self._latest_lock:
            latest, self._latest = self._latest, {}
        for job, text in latest.items():
            self.text_changed.emit(job, text)

    @Slot(object, object)
    def _on_live_done(self, result: object, error: BaseException | None) -> None:
        if isinstance(result, tuple):
            self._live.pop(result[0], None)
            self.finished.emit(*result)
        elif error is not None:  # LiveCleanup.finish never raises for server trouble
            log.error("Live cleanup crashed: %s", error)

    @Slot(object, object)
    def _on_job_done(self, result: object, error: BaseException | None) -> None:
        self._running = None
        if isinstance(result, tuple):
            self.finished.emit(*result)
        elif error is not None:  # Cleaner.clean never raises for server trouble
            log.error("Cleanup crashed: %s", error)
        self._run_next()
