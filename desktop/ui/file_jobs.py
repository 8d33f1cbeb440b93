"""Transcribes queued files one at a time on a thread of their own."""

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.engine import decode, transcriber
from desktop.engine.transcriber import TranscribeOptions, Transcriber
from desktop.ui.jobs import FILE_JOB_NICE, describe_error, lower_thread_priority

log = logging.getLogger(__name__)


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

    def shutdown(self, timeout: float = 2.0) -> None:
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
