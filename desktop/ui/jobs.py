"""Background work for the GUI: a thread pool for one-shot jobs, progress, CPU priority.

Every adapter lives in the GUI thread; work runs on pool threads, and results come back
as queued signals to bound ``@Slot`` methods of GUI objects, never lambdas.
"""

import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

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


def is_expected(error: BaseException) -> bool:
    """Return whether ``error`` is foreseen: one of Dictara's own, or the system's.

    Dictara's errors (no microphone, a bad file, Ollama off) and OSError (disk full,
    permissions) are explained to the user in a sentence; their tracebacks would only
    alarm someone reading the terminal. Anything else is a bug, and its traceback is what
    the log is for.
    """
    return (isinstance(error, OSError)
            or type(error).__module__.partition(".")[0] == "desktop")


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
            if is_expected(e):
                log.info("Background job failed: %s", e)
            else:
                log.error("Background job failed", exc_info=True)
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
        self._closed = False

    def submit(self, fn: Callable[[], Any], done: Callable[[Any, Any], None]) -> None:
        """Run ``fn()`` in the pool and call ``done(result, error)`` in the GUI thread.

        After :meth:`close` nothing runs (a late result must not touch a closed history).
        """
        if self._closed:
            log.info("Not starting a job after shutdown: %s", fn)
            return
        signals = _JobSignals(self)
        signals.done.connect(done)
        signals.done.connect(self._on_job_done)
        self._pending.add(signals)
        self.pool.start(_Job(fn, signals))

    def close(self) -> None:
        """Run no more jobs (quit)."""
        self._closed = True

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
