"""Thin QObject adapters that run engine work off the GUI thread and report by signals.

Every adapter lives in the GUI thread; the engine calls it back on worker threads, and
it re-emits what happened as signals, which Qt queues to the GUI thread's receivers.
Receivers connect bound ``@Slot`` methods, never lambdas, so delivery is always queued.
"""

import logging
import os
import queue
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from desktop.engine import decode, transcriber
from desktop.engine.cleanup import Cleaner, CleanupResult
from desktop.engine.session import (
    Dropout,
    Event,
    Failed,
    Finished,
    Level,
    Listening,
    Session,
    SessionOptions,
)
from desktop.engine.streaming import Committed, Partial
from desktop.engine.transcriber import TranscribeOptions, Transcriber

log = logging.getLogger(__name__)

POOL_THREADS = 8
# How much lower than the GUI's the CPU priority (nice value) of the engine's busy threads
# is. The GIL is free over 90 % of the time during a dictation plus a file job; the event
# loop stalled because the GUI thread waited for a CPU behind Whisper's compute threads.
COMPUTE_NICE = 5  # CTranslate2's worker threads: live and file decoding
FILE_JOB_NICE = 10  # the file-jobs thread: decoding, VAD and features of queued files


def describe_error(error: BaseException) -> str:
    """Return one sentence for the user about ``error`` (tracebacks go to the log)."""
    text = str(error).strip()
    if not text:
        return f"Something went wrong ({type(error).__name__}); the log has the details."
    return text.splitlines()[0]


def lower_thread_priority(increment: int) -> None:
    """Make the calling thread ``increment`` nice steps less urgent for the CPU scheduler.

    Linux only (there nice is per thread, and threads created afterwards inherit it); a
    no-op elsewhere. It cannot be undone without privileges, so call it only on threads
    that do nothing but background work.
    """
    if not sys.platform.startswith("linux") or increment <= 0:
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + increment)
    except OSError as e:
        log.info("Could not lower the priority of thread %d: %s", tid, e)


def call_at_lower_priority(fn: Callable[[], Any], increment: int) -> Any:
    """Run ``fn()`` on a new thread with its priority lowered; block and return its result.

    Threads ``fn`` creates inherit the lower priority, which is the point: a model loaded
    this way computes on low-priority threads. Any thread may call it.

    Raises:
        Exception: whatever ``fn`` raised.
    """
    outcome: list[Any] = []

    def run() -> None:
        lower_thread_priority(increment)
        try:
            outcome.append(fn())
        except BaseException as e:  # re-raised in the caller's thread below
            outcome.append(e)

    thread = threading.Thread(target=run, name="low-priority-call", daemon=True)
    thread.start()
    thread.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


class _JobSignals(QObject):
    done = Signal(object, object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _JobSignals) -> None:
        super().__init__()
        self._fn = fn
        self._signals = signals

    def run(self) -> None:
        # Thread boundary: any failure is logged and returned as the job's error.
        try:
            result, error = self._fn(), None
        except Exception as e:
            log.info("Background job failed", exc_info=True)
            result, error = None, e
        self._signals.done.emit(result, error)


class JobRunner(QObject):
    """Runs one-shot callables on a thread pool; ``(result, error)`` comes back in the GUI.

    GUI thread only. ``done`` must be a bound ``@Slot(object, object)`` of a GUI object.
    """

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if pool is None:
            # A private pool: a dictation's waiter and a model load may hold threads for
            # long, and the 2-core default would leave nothing for quick jobs.
            pool = QThreadPool(self)
            pool.setMaxThreadCount(POOL_THREADS)
        self.pool = pool
        self._pending: set[_JobSignals] = set()

    def submit(self, fn: Callable[[], Any], done: Callable[[Any, Any], None]) -> None:
        """Run ``fn()`` in the pool and call ``done(result, error)`` in the GUI thread."""
        signals = _JobSignals(self)
        signals.done.connect(done)
        signals.done.connect(self._on_job_done)
        self._pending.add(signals)
        self.pool.start(_Job(fn, signals))

    def wait(self, msecs: int = 5000) -> bool:
        """Block until the pool is idle (shutdown and tests only)."""
        return self.pool.waitForDone(msecs)

    @Slot(object, object)
    def _on_job_done(self, _result: object, _error: object) -> None:
        signals = self.sender()
        if isinstance(signals, _JobSignals):
            self._pending.discard(signals)
            signals.deleteLater()


class Progress(QObject):
    """Carries progress from a worker thread to the GUI.

    Signals:
        changed(int, int, str): done, total and a status word; any thread may emit.
    """

    changed = Signal(int, int, str)

    def report(self, done: int, total: int, status: str = "") -> None:
        """Emit ``changed``. Any thread."""
        self.changed.emit(int(done), int(total), status)


class SessionWorker(QObject):
    """Bridges one :class:`Session` at a time to signals.

    Signals:
        started(): the microphone is open and recording.
        listening(): audio is flowing: every word from now on is recorded.
        level_changed(float): input RMS level in dBFS.
        partial_changed(str): the volatile words since the last commit.
        committed(str, float, float): final text of a span, its start and end seconds.
        dropout(str): audio was lost; one sentence.
        failed(str): the dictation could not go on; one sentence.
        finished(object): the :class:`Finished` event.
        ended(): the session is over (after ``finished``, a failure, or a cancel).
    """

    started = Signal()
    listening = Signal()
    level_changed = Signal(float)
    partial_changed = Signal(str)
    committed = Signal(str, float, float)
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

    def cancel(self) -> None:
        """Stop without a final text (Esc, shutdown); ``ended`` follows. GUI thread only."""
        if self._session is not None:
            self._session.cancel()
        elif self._starting:
            self._cancel_requested = True

    @Slot(object, object)
    def _on_start_done(self, session: object, error: BaseException | None) -> None:
        self._starting = False
        if error is not None or not isinstance(session, Session):
            self._cancel_requested = False
            self.failed.emit(describe_error(error or RuntimeError("no session")))
            self.ended.emit()
            return
        if self._cancel_requested:
            self._cancel_requested = self._stop_requested = False
            session.cancel()
            self.ended.emit()
            return
        self._session = session
        self.started.emit()
        self._runner.submit(session.wait, self._on_session_waited)
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
            self.listening.emit()
        elif isinstance(event, Partial):
            self.partial_changed.emit(event.text)
        elif isinstance(event, Committed):
            self.committed.emit(event.text, event.start, event.end)
        elif isinstance(event, Dropout):
            self.dropout.emit(event.message)
        elif isinstance(event, Failed):
            self.failed.emit(event.message)
        elif isinstance(event, Finished):
            self.finished.emit(event)


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


@dataclass
class FileJob:
    """One file waiting for, or in, transcription.

    Attributes:
        id: the job's number.
        path: the file.
        options: how to decode it.
        cancel: set to stop it.
    """

    id: int
    path: Path
    options: TranscribeOptions
    cancel: threading.Event = field(default_factory=threading.Event)


class FileJobWorker(QObject):
    """Transcribes queued files one at a time on its own thread.

    A dictation takes priority: the transcriber pauses file work between segments while
    a live session runs.

    Signals:
        started(int): a job began.
        progress_changed(int, float): job id and fraction done.
        finished(int, object): job id and its :class:`Transcript`.
        failed(int, str): job id and one sentence (a bad file's reason).
        cancelled(int): the job was cancelled.
    """

    started = Signal(int)
    progress_changed = Signal(int, float)
    finished = Signal(int, object)
    failed = Signal(int, str)
    cancelled = Signal(int)

    def __init__(self, transcriber_fn: Callable[[], Transcriber],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._transcriber_fn = transcriber_fn
        self._queue: queue.Queue[FileJob | None] = queue.Queue()
        self._jobs: dict[int, FileJob] = {}
        self._next_id = 0
        self._thread = threading.Thread(target=self._run, name="file-jobs", daemon=True)
        self._thread.start()

    def add(self, path: Path, options: TranscribeOptions) -> int:
        """Queue a file; returns its job id. GUI thread only."""
        self._next_id += 1
        job = FileJob(self._next_id, path, options)
        self._jobs[job.id] = job
        self._queue.put(job)
        return job.id

    def cancel(self, job_id: int) -> None:
        """Cancel a queued or running job. GUI thread only."""
        job = self._jobs.get(job_id)
        if job is not None:
            job.cancel.set()

    def pending(self) -> int:
        """Jobs not yet finished."""
        return len(self._jobs)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Cancel everything and stop the thread. GUI thread only."""
        for job in list(self._jobs.values()):
            job.cancel.set()
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        lower_thread_priority(FILE_JOB_NICE)
        while (job := self._queue.get()) is not None:
            self._do(job)
            self._jobs.pop(job.id, None)

    def _do(self, job: FileJob) -> None:
        if job.cancel.is_set():
            self.cancelled.emit(job.id)
            return
        self.started.emit(job.id)
        # Thread boundary: a file's failure is reported in its row; the queue goes on.
        try:
            result = self._transcriber_fn().transcribe_file(
                job.path, job.options, _FileProgress(self, job.id).report, job.cancel)
        except transcriber.CancelledError:
            self.cancelled.emit(job.id)
        except decode.Error as e:
            self.failed.emit(job.id, e.reason[:1].upper() + e.reason[1:] + ".")
        except Exception as e:
            log.exception("Transcribing %s failed", job.path)
            self.failed.emit(job.id, describe_error(e))
        else:
            self.finished.emit(job.id, result)


@dataclass
class _FileProgress:
    worker: FileJobWorker
    job: int

    def report(self, fraction: float) -> None:
        self.worker.progress_changed.emit(self.job, fraction)
