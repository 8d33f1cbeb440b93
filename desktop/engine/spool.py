"""Crash-safe dictation recordings: a WAV file written while the audio is captured.

Each dictation is a 16-bit 16 kHz mono WAV in the recordings folder (0o600 in a 0o700
folder). Audio is written, flushed and fsynced every quarter second, so a crash, a kill
or a power cut loses at most that much. While it records, a ``.recording`` sidecar holds
the start time and an exclusive lock (flock); the lock dies with the process, so a spool
whose sidecar is unlocked belongs to a dictation that never finished. The audio length is
taken from the file size, not the header, because a kill can land between the two.
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
        self._pending: list[AudioArray] = []
        self._pending_samples = 0
        self._marker = _open_private(_marker(path))
        if fcntl is not None:
            fcntl.flock(self._marker, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._marker.write(json.dumps({"started": started.isoformat()}).encode())
        self._marker.flush()
        self._file = _open_private(path)
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
            recordings_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            recordings_dir.chmod(0o700)
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

        Raises:
            SpoolWriteError: the disk refused the write.
        """
        self._pending.append(audio)
        self._pending_samples += len(audio)
        self.samples += len(audio)
        if self._pending_samples >= FLUSH_SECONDS * SAMPLE_RATE:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered and force it to disk (header included)."""
        if not self._pending:
            return
        pcm = np.clip(np.concatenate(self._pending), -1.0, 1.0) * 32767
        self._pending, self._pending_samples = [], 0
        try:
            self._wav.writeframes(pcm.astype("<i2").tobytes())  # also patches the header
            self._file.flush()
            os.fsync(self._file.fileno())
        except OSError as e:
            raise SpoolWriteError(self.path, e.strerror or str(e)) from e

    def close(self) -> Path:
        """Flush, close the WAV and mark the recording finished; return its path."""
        try:
            self.flush()
        finally:
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
    """Repair an unfinished recording's WAV header and mark it finished. Any thread."""
    size = info.path.stat().st_size
    data = (size - HEADER_BYTES) // SAMPLE_BYTES * SAMPLE_BYTES
    with info.path.open("r+b") as f:
        f.truncate(HEADER_BYTES + data)
        f.seek(4)
        f.write(struct.pack("<I", 36 + data))
        f.seek(40)
        f.write(struct.pack("<I", data))
    _marker(info.path).unlink(missing_ok=True)
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
