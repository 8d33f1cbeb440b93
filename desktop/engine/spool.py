"""Crash-safe dictation recordings: a WAV file written while the audio is captured.

Each dictation is a 16-bit 16 kHz mono WAV in the recordings folder (0o600 in a 0o700
folder). Audio is written, flushed and fsynced every quarter second, so a crash, a kill
or a power cut loses at most that much. While it records, a ``.recording`` sidecar holds
the start time and an exclusive lock (flock); the lock dies with the process, so a spool
whose sidecar is unlocked belongs to a dictation that never finished. The audio length is
taken from the file size, not the header, because a kill can land between the two.

If the disk refuses a write, the spool keeps what reached it, writes no more and closes
cleanly, so the dictation can still finish with its text. A recording killed before any
audio reached the disk holds nothing to recover and is removed by :func:`finalise`.
"""

import contextlib
import json
import os
import struct
import wave
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import numpy as np

from desktop.engine.decode import SAMPLE_RATE, AudioArray
from desktop.paths import private_dir

MARKER_SUFFIX = ".recording"
HEADER_BYTES = 44  # what the stdlib wave module writes for 16-bit PCM
SAMPLE_BYTES = 2
FLUSH_SECONDS = 0.25

try:
    import fcntl
except ImportError:  # Windows: no flock; every unfinished spool counts as abandoned.
    fcntl = None  # type: ignore[assignment]


class Error(Exception):
    """Base class for spool errors."""


class SpoolWriteError(Error):
    """The recording could not be written."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return (f"Dictara could not write the recording {self.path} ({self.reason}); free some "
                "disk space or check the recordings folder's permissions.")


class RecordingStoppedError(SpoolWriteError):
    """The disk refused a write mid-dictation; the recording stops growing there."""

    def __str__(self) -> str:
        return (f"The recording {self.path} could not be written further ({self.reason}), so "
                "the dictation stopped and its text so far is kept; free some disk space "
                "before dictating again.")


class NothingRecordedError(Error):
    """An unfinished recording held no audio; it was removed."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.path = path

    def __str__(self) -> str:
        return (f"The dictation recorded in {self.path} was cut off before any audio reached "
                "the disk, so there was nothing to recover and it was removed.")


class RepairError(Error):
    """An unfinished recording could not be repaired; it was left as it is."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return (f"The recording {self.path} could not be repaired ({self.reason}); it was left "
                "as it is, so check the recordings folder's permissions and free space, then "
                "recover it again.")


@dataclass(frozen=True)
class SpoolInfo:
    """An unfinished recording found on disk.

    Attributes:
        path: the WAV file.
        duration: seconds of audio it holds.
        started: when the recording began (timezone-aware).
    """

    path: Path
    duration: float
    started: datetime


class Spool:
    """Writes one dictation to disk as it is captured.

    Capture worker thread only (one thread writes, flushes and closes).

    Attributes:
        path: the WAV file.
        started: when the recording began.
        samples: samples written so far (including those not yet flushed).
    """

    def __init__(self, path: Path, started: datetime) -> None:
        self.path = path
        self.started = started
        self.samples = 0
        self.failed = False
        self._pending: list[AudioArray] = []
        self._pending_samples = 0
        self._marker = _open_private(_marker(path))
        try:
            if fcntl is not None:
                fcntl.flock(self._marker, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._marker.write(json.dumps({"started": started.isoformat()}).encode())
            self._marker.flush()
            self._file = _open_private(path)
        except OSError:
            # A full disk: no recording was made, so no marker may claim one was.
            with contextlib.suppress(OSError):
                self._marker.close()
            _marker(path).unlink(missing_ok=True)
            raise
        self._wav = wave.open(self._file, "wb")  # noqa: SIM115 (lives as long as the spool)
        self._wav.setnchannels(1)
        self._wav.setsampwidth(SAMPLE_BYTES)
        self._wav.setframerate(SAMPLE_RATE)

    @classmethod
    def create(cls, recordings_dir: Path, started: datetime | None = None) -> "Spool":
        """Start a new recording in ``recordings_dir`` (created user-only if needed).

        Raises:
            SpoolWriteError: the folder or the file cannot be created.
        """
        started = started or datetime.now(UTC).astimezone()
        name = started.strftime("dictation-%Y%m%d-%H%M%S-%f.wav")
        path = recordings_dir / name
        try:
            private_dir(recordings_dir)
            return cls(path, started)
        except OSError as e:
            raise SpoolWriteError(path, e.strerror or str(e)) from e

    @property
    def duration(self) -> float:
        """Seconds of audio written so far."""
        return self.samples / SAMPLE_RATE

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has run."""
        return self._file.closed

    def write(self, audio: AudioArray) -> None:
        """Append 16 kHz mono audio; it reaches the disk within FLUSH_SECONDS.

        After a refused write the audio is only counted: the recording keeps what reached
        the disk before.

        Raises:
            RecordingStoppedError: the disk refused the write (raised once).
        """
        self._pending.append(audio)
        self._pending_samples += len(audio)
        self.samples += len(audio)
        if self._pending_samples >= FLUSH_SECONDS * SAMPLE_RATE:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered and force it to disk (header included).

        Raises:
            RecordingStoppedError: the disk refused the write (raised once).
        """
        pending, self._pending, self._pending_samples = self._pending, [], 0
        if not pending or self.failed:
            return
        pcm = np.clip(np.concatenate(pending), -1.0, 1.0) * 32767
        try:
            self._wav.writeframes(pcm.astype("<i2").tobytes())  # also patches the header
            self._file.flush()
            os.fsync(self._file.fileno())
        except OSError as e:
            self.failed = True
            raise RecordingStoppedError(self.path, e.strerror or str(e)) from e

    def close(self) -> Path:
        """Flush, close the WAV and mark the recording finished; return its path.

        After a refused write it never raises: the header is set to what reached the disk.

        Raises:
            RecordingStoppedError: the final flush was refused (the spool is closed anyway).
        """
        try:
            self.flush()
        finally:
            if self.failed:
                # The buffered bytes cannot reach a full disk; closing would retry them.
                with contextlib.suppress(OSError):
                    self._wav.close()
                with contextlib.suppress(OSError):
                    self._file.close()
                with contextlib.suppress(OSError):
                    _repair_header(self.path)
            else:
                self._wav.close()
                self._file.close()
            self._marker.close()
            _marker(self.path).unlink(missing_ok=True)
        return self.path


def unfinished(recordings_dir: Path) -> list[SpoolInfo]:
    """Return recordings whose dictation ended without finishing (crash, kill, power cut).

    Recordings still being made by a running Dictara are left out. Any thread.
    """
    if not recordings_dir.is_dir():
        return []
    found = []
    for marker in sorted(recordings_dir.glob("*.wav" + MARKER_SUFFIX)):
        path = marker.with_suffix("")
        if path.is_file() and not _in_use(marker):
            found.append(SpoolInfo(path, _duration(path), _started(marker, path)))
    return found


def finalise(info: SpoolInfo) -> Path:
    """Repair an unfinished recording's WAV header and mark it finished. Any thread.

    Each recording is repaired on its own: callers catch :class:`Error` per recording
    and go on with the others.

    Raises:
        NothingRecordedError: it held no audio (killed before the first flush); the
            recording and its marker were removed.
        RepairError: it could not be read or written; it was left as it is.
    """
    try:
        if info.path.stat().st_size < HEADER_BYTES + SAMPLE_BYTES:
            info.path.unlink()
            _marker(info.path).unlink(missing_ok=True)
            raise NothingRecordedError(info.path)
        _repair_header(info.path)
        _marker(info.path).unlink(missing_ok=True)
    except OSError as e:
        raise RepairError(info.path, e.strerror or str(e)) from e
    return info.path


def prune(recordings_dir: Path, keep_days: int, now: datetime | None = None) -> list[Path]:
    """Delete finished recordings older than ``keep_days`` (-1 keeps all, 0 keeps none).

    Unfinished recordings are never deleted: they wait for ``dictara recover``.

    Returns:
        The deleted files.
    """
    if keep_days < 0 or not recordings_dir.is_dir():
        return []
    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    deleted = []
    for path in recordings_dir.glob("*.wav"):
        mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        if not _marker(path).exists() and (keep_days == 0 or mtime < cutoff):
            path.unlink(missing_ok=True)
            deleted.append(path)
    return deleted


def _repair_header(path: Path) -> None:
    """Rewrite the whole 44-byte header for the whole samples on disk; drop a torn one.

    The full header is written, not just its two sizes: a kill during the first flush
    can leave it partly written.
    """
    data = (path.stat().st_size - HEADER_BYTES) // SAMPLE_BYTES * SAMPLE_BYTES
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + data, b"WAVE", b"fmt ", 16, 1, 1,
                         SAMPLE_RATE, SAMPLE_RATE * SAMPLE_BYTES, SAMPLE_BYTES,
                         SAMPLE_BYTES * 8, b"data", data)
    with path.open("r+b") as f:
        f.truncate(HEADER_BYTES + data)
        f.write(header)
        f.flush()
        os.fsync(f.fileno())


def _marker(path: Path) -> Path:
    return path.with_name(path.name + MARKER_SUFFIX)


def _open_private(path: Path) -> BinaryIO:
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    return os.fdopen(fd, "w+b")


def _in_use(marker: Path) -> bool:
    if fcntl is None:
        return False
    try:
        with marker.open("rb") as f:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def _duration(path: Path) -> float:
    data = max(0, path.stat().st_size - HEADER_BYTES)
    return data // SAMPLE_BYTES / SAMPLE_RATE


def _started(marker: Path, path: Path) -> datetime:
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        return datetime.fromisoformat(json.loads(marker.read_text())["started"])
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).astimezone()
