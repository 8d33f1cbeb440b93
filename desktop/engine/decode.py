"""Decoding audio and video files to 16 kHz mono float32 with PyAV, in bounded chunks.

Decoding the way faster-whisper's ``decode_audio`` does (s16 mono 16 kHz through PyAV's
resampler, skipping invalid packets), but as a generator, so a three-hour file never sits
in memory whole.
"""

import contextlib
import errno
import logging
import stat
import wave
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import av
import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
AudioArray = npt.NDArray[np.float32]
# A file that decodes to less than this share of its declared length counts as truncated.
TRUNCATION_RATIO = 0.97
# The audio and video types Dictara offers and looks for (lower case, with the dot): what
# folder drops pick up, what the open dialog shows, and what the installers register for
# "Open with". Every one decodes with PyAV's FFmpeg; other types still work when named
# directly, these are just the ones advertised.
MEDIA_SUFFIXES: tuple[str, ...] = (
    ".wav", ".mp3", ".m4a", ".flac", ".ogg", ".oga", ".opus", ".webm", ".mp4", ".mkv", ".mov",
    ".aac", ".wma", ".aiff", ".aif", ".amr", ".3gp", ".m4v", ".avi",
)


def media_filter() -> str:
    """Return a file-dialog name filter for :data:`MEDIA_SUFFIXES`, then all files.

    The string is in Qt's ``QFileDialog`` syntax, but the engine stays Qt-free. Any thread.

    Returns:
        ``"Audio and video (*.wav *.mp3 ...);;All files (*)"``.
    """
    patterns = " ".join(f"*{suffix}" for suffix in MEDIA_SUFFIXES)
    return f"Audio and video ({patterns});;All files (*)"


def _type_names() -> str:
    names = [suffix.lstrip(".") for suffix in MEDIA_SUFFIXES]
    return f"{', '.join(names[:-1])} or {names[-1]}"


class Error(Exception):
    """Base class for decoding errors: ``str(e)`` is ``"PATH: reason"``.

    Attributes:
        path: the file.
        reason: what is wrong and what to do, without the path.
    """

    reason = "the file cannot be decoded"

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class FileMissingError(Error):
    """The path does not exist."""

    reason = "no such file; check the path"


class IsFolderError(Error):
    """A folder where a file was expected."""

    reason = "this is a folder; pass the audio files inside it instead"


class SymlinkLoopError(Error):
    """A symbolic link that leads back to itself."""

    reason = "the symbolic link points to itself in a loop; point it at the audio file"


class NotRegularFileError(Error):
    """A pipe, socket or device where a file was expected."""

    reason = ("this is not a regular file (a pipe, socket or device); save the audio to a "
              "file and pass that")


class EmptyFileError(Error):
    """A file of zero bytes."""

    reason = "the file is empty (0 bytes), so it holds no audio"


class NotMediaError(Error):
    """A file ffmpeg cannot read as audio or video.

    The reason names the supported types when the file's suffix is not one of them, and
    suggests damage or a wrong suffix when it is.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        suffix = path.suffix.lower()
        if suffix in MEDIA_SUFFIXES:
            self.reason = (f"not an audio or video file Dictara can read; it may be damaged, "
                           f"or another kind of file named {suffix}")
        else:
            self.reason = (f"not an audio or video file Dictara can read; use one of these "
                           f"types: {_type_names()}")


class NoAudioStreamError(Error):
    """A media file without a sound track."""

    reason = "the file has no audio track, so there is nothing to transcribe"


class UnreadableError(Error):
    """A file that cannot be opened for reading."""

    reason = "permission denied; check that you are allowed to open the file"


class AudioFile:
    """An open media file that yields 16 kHz mono float32 audio.

    Use as a context manager. After :meth:`chunks` has been exhausted, ``warnings``
    says whether the file was truncated or had damaged parts.

    Attributes:
        path: the file.
        duration: seconds of audio the container declares, or None when unknown.
        decoded_seconds: seconds of audio produced so far.
        warnings: sentences about damage found while decoding (without the path).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.decoded_seconds = 0.0
        self.warnings: list[str] = []
        self._bad_packets = 0
        _check_path(path)
        try:
            self._container = av.open(str(path), mode="r", metadata_errors="ignore")
        except PermissionError:
            raise UnreadableError(path) from None
        except (av.error.FFmpegError, UnicodeDecodeError, ValueError):
            raise NotMediaError(path) from None
        if not self._container.streams.audio:
            self._container.close()
            raise NoAudioStreamError(path)
        self._stream = self._container.streams.audio[0]
        self.duration = _declared_duration(path, self._container, self._stream)

    def __enter__(self) -> "AudioFile":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the file."""
        self._container.close()

    def chunks(self, seconds: float = 30.0) -> Iterator[AudioArray]:
        """Yield the audio in blocks of about ``seconds`` (the last may be shorter).

        Raises:
            NotMediaError: nothing at all could be decoded from the file.
        """
        target = int(seconds * SAMPLE_RATE)
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        pending: list[npt.NDArray[np.int16]] = []
        size = 0
        for frame in self._frames():
            for out in resampler.resample(frame):
                pending.append(_samples(out))
                size += out.samples
            if size >= target:
                yield self._emit(pending)
                pending, size = [], 0
        for out in resampler.resample(None):
            pending.append(_samples(out))
        if pending:
            yield self._emit(pending)
        self._finish_warnings()

    def _frames(self) -> Iterator[av.AudioFrame]:
        try:
            for packet in self._container.demux(self._stream):
                try:
                    yield from packet.decode()
                except av.error.InvalidDataError:
                    self._bad_packets += 1
        except (av.error.FFmpegError, EOFError) as e:
            # A cut-off file ends in a demuxer error: keep what was decoded.
            log.info("Decoding %s stopped early: %s", self.path, e)
            self._bad_packets += 1

    def _emit(self, pending: list[npt.NDArray[np.int16]]) -> AudioArray:
        audio = np.concatenate(pending).astype(np.float32) / 32768.0
        self.decoded_seconds += len(audio) / SAMPLE_RATE
        return audio

    def _finish_warnings(self) -> None:
        if self.decoded_seconds == 0 and self._bad_packets:
            raise NotMediaError(self.path)
        if self.duration and self.decoded_seconds < self.duration * TRUNCATION_RATIO - 0.5:
            self.warnings.append(
                f"the file looks truncated: it declares {self.duration:.1f} s of audio but "
                f"only {self.decoded_seconds:.1f} s could be decoded; transcribed what is there"
            )
        elif self._bad_packets:
            self.warnings.append(
                f"the file has damaged parts ({self._bad_packets} unreadable packets); "
                "they were skipped"
            )


def _samples(frame: av.AudioFrame) -> npt.NDArray[np.int16]:
    return np.asarray(frame.to_ndarray(), dtype=np.int16).reshape(-1)


def _check_path(path: Path) -> None:
    try:
        info = path.stat()
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise SymlinkLoopError(path) from None
        if isinstance(e, PermissionError):
            raise UnreadableError(path) from None
        raise FileMissingError(path) from None
    if stat.S_ISDIR(info.st_mode):
        raise IsFolderError(path)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFileError(path)
    if info.st_size == 0:
        raise EmptyFileError(path)


def _declared_duration(path: Path, container: av.container.InputContainer,
                       stream: av.audio.stream.AudioStream) -> float | None:
    if container.format.name == "wav":
        # FFmpeg derives a WAV's duration from the file size, which hides truncation;
        # the RIFF header's frame count is what the writer meant.
        with contextlib.suppress(wave.Error, EOFError, OSError), wave.open(str(path)) as w:
            return float(w.getnframes() / w.getframerate())
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None
