"""One dictation from the first block of audio to the final text.

A :class:`Session` opens the microphone (:mod:`desktop.engine.audio`), writes every block
to a crash-safe spool (:mod:`desktop.engine.spool`) and feeds a streaming transcription
(:mod:`desktop.engine.streaming`); on stop it decodes what is left and reports the final
text. One capture worker thread does the spool, levels and feeding; the streaming
decoder thread does the Whisper work. Events go to one subscriber callable.

The app's own start and stop sounds must never reach the transcript: on a laptop the
microphone hears the speakers. While a sound plays (see :meth:`Session.mute`), and for
``ECHO_SECONDS`` after it ends, the transcription is fed silence instead of the
microphone; the recording on disk keeps what was captured.
"""

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import numpy as np

from desktop.engine import audio, spool
from desktop.engine.audio import Capture, CaptureOptions
from desktop.engine.decode import AudioArray
from desktop.engine.spool import Spool
from desktop.engine.streaming import (
    Committed,
    Partial,
    StreamEvent,
    StreamingOptions,
    StreamingSession,
)
from desktop.engine.transcriber import Transcriber
from desktop.engine.transcript import Transcript

log = logging.getLogger(__name__)

LEVEL_SECONDS = 0.05  # how often Level events are sent
READ_TIMEOUT = 0.1
# After a sound ends, its last samples are still on their way: through the output
# buffer (PortAudio's stop waits for it), the sound server, the room and the input
# buffer. 0.3 s covers PulseAudio's defaults with room to spare.
ECHO_SECONDS = 0.3
# A sound that never reports its end (a hung output device) mutes no longer than this.
MAX_MUTE_SECONDS = 3.0


class Error(Exception):
    """Base class for session errors."""


class DeviceLostError(Error):
    """The microphone vanished mid-recording; what was captured is on disk."""

    def __init__(self, recording: Path) -> None:
        super().__init__(recording)
        self.recording = recording

    def __str__(self) -> str:
        return (f"The microphone stopped delivering audio; the recording so far is saved at "
                f"{self.recording}. Reconnect it or pick another input in Settings.")


@dataclass(frozen=True)
class Listening:
    """Audio is flowing: from now on every word is recorded (say so to the user).

    Attributes:
        first_block_ms: milliseconds from starting the stream to its first block.
    """

    first_block_ms: float


@dataclass(frozen=True)
class Level:
    """Input level for a meter.

    Attributes:
        rms_db: RMS level in dBFS (-100 = silence).
        peak_db: peak level in dBFS.
    """

    rms_db: float
    peak_db: float


@dataclass(frozen=True)
class Countdown:
    """Silence after speech counts towards the automatic stop (``stop_after_silence``).

    Sent whenever the whole seconds left change, once speech has been heard.

    Attributes:
        seconds_left: seconds until the stop, rounded up (back to the full setting
            while someone speaks).
    """

    seconds_left: int


@dataclass(frozen=True)
class AutoStopped:
    """The session stopped by itself; a Finished event follows as after :meth:`Session.stop`.

    Attributes:
        reason: ``"silence"`` (``stop_after_silence``) or ``"limit"`` (``max_seconds``).
    """

    reason: str


@dataclass(frozen=True)
class Stopped:
    """The microphone is closed: nothing more is recorded (a stop sound may play now)."""


@dataclass(frozen=True)
class Dropout:
    """Audio was lost before it could be recorded (input overflow or a full queue).

    Attributes:
        message: one sentence for the user.
        blocks: blocks lost so far in this session.
    """

    message: str
    blocks: int


@dataclass(frozen=True)
class Failed:
    """The dictation could not go on; a Finished event with the text so far may follow.

    Attributes:
        message: one sentence that says what happened and what to do.
    """

    message: str


@dataclass(frozen=True)
class Finished:
    """The dictation is over. Always the last event (except after cancel()).

    Attributes:
        transcript: the final transcript: its segments, the language used or detected,
            the model, the recording's length; its source is the recording's path
            (``"dictation"`` when retention deleted it).
        recording: the WAV file, or None when retention deleted it.
        stop_to_final_ms: milliseconds from the stop to the final text.
        committed_segments: spans committed while speaking (the tail included).
    """

    transcript: Transcript
    recording: Path | None
    stop_to_final_ms: float
    committed_segments: int

    @property
    def text(self) -> str:
        """The final text."""
        return self.transcript.text

    @property
    def duration(self) -> float:
        """Seconds of audio recorded."""
        return self.transcript.duration


Event = (Listening | Level | Countdown | AutoStopped | Stopped | Partial | Committed | Dropout
         | Failed | Finished)


@dataclass(frozen=True)
class SessionOptions:
    """How to run a dictation.

    Attributes:
        capture: microphone settings.
        streaming: transcription settings.
        max_seconds: stop by itself after this much audio (None = until stop()).
        stop_after_silence: stop by itself after this many seconds without speech,
            once speech has been heard (None = never).
        keep_days: recording retention; 0 deletes the recording once transcribed,
            -1 keeps recordings forever.
    """

    capture: CaptureOptions = field(default_factory=CaptureOptions)
    streaming: StreamingOptions = field(default_factory=StreamingOptions)
    max_seconds: float | None = None
    stop_after_silence: float | None = None
    keep_days: int = 30


class Session:
    """Runs one dictation: capture → spool → streaming → final text.

    ``start``, ``stop``, ``cancel`` and ``wait`` may be called from any thread (``stop``
    also from a signal handler). Events are delivered to ``on_event`` on the capture
    worker thread ("dictation-capture": Listening, Level, Countdown, AutoStopped, Stopped,
    Dropout, Failed, Finished) or the
    streaming decoder thread ("streaming-decoder": Partial, Committed); the subscriber
    must not block and must hand them over to its own thread (the GUI re-emits signals).

    Attributes:
        capture: the open microphone (after start), with its counters.
        recording: the spool file (after start).
    """

    def __init__(
        self,
        transcriber: Transcriber,
        recordings_dir: Path,
        options: SessionOptions,
        on_event: Callable[[Event], None],
        *,
        warm_up: Callable[[], None] | None = None,
        sd: ModuleType | None = None,
    ) -> None:
        self._transcriber = transcriber
        self._recordings_dir = recordings_dir
        self._options = options
        self._on_event = on_event
        self._warm_up = warm_up
        self._sd = sd
        self._stop = threading.Event()
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._stop_time: float | None = None
        self._finished: Finished | None = None
        self._countdown: int | None = None
        # Sounds playing (set when they end) with the latest time each may still mute.
        self._mutes: deque[tuple[threading.Event, float]] = deque()
        self._muted_until = 0.0
        self._streaming = StreamingSession(transcriber, options.streaming, self._forward)
        self.capture: Capture | None = None
        self.recording: Path | None = None

    def start(self) -> None:
        """Open the microphone and start recording; returns at once.

        Raises:
            audio.Error: no microphone, or it cannot be opened (one sentence says why).
            spool.SpoolWriteError: the recording cannot be created.
        """
        spool.prune(self._recordings_dir, self._options.keep_days)
        self.capture = Capture(self._options.capture, self._sd)
        writer = Spool.create(self._recordings_dir)
        self.recording = writer.path
        try:
            self.capture.start()
        except audio.Error:
            writer.close().unlink()
            raise
        if self._warm_up is not None:
            threading.Thread(target=self._run_warm_up, name="warm-up", daemon=True).start()
        self._streaming.start()
        threading.Thread(target=self._run, args=(self.capture, writer),
                         name="dictation-capture", daemon=True).start()

    def stop(self) -> None:
        """Stop recording and produce the final text (a Finished event). Non-blocking."""
        if self._stop_time is None:
            self._stop_time = time.monotonic()
        self._stop.set()

    def mute(self, until: threading.Event) -> None:
        """Feed the transcription silence until ``until`` is set, then ECHO_SECONDS more.

        For the app's own sounds: call it just before one starts and set ``until`` once
        it has been played. Any thread.
        """
        self._mutes.append((until, time.monotonic() + MAX_MUTE_SECONDS))

    def cancel(self) -> None:
        """Stop recording without finishing the transcript; the recording is kept."""
        self._cancel.set()
        self._streaming.cancel()
        self._stop.set()

    def wait(self, timeout: float | None = None) -> Finished | None:
        """Block until the session ends; return its Finished event (None if cancelled)."""
        self._done.wait(timeout)
        return self._finished

    def _run(self, capture: Capture, writer: Spool) -> None:
        # Thread boundary: every failure becomes a Failed event, never a lost recording.
        try:
            with self._transcriber.live_priority():
                self._record(capture, writer)
                self._finish(capture, writer)
        except Exception as e:
            log.exception("Dictation failed")
            self._emit(Failed(str(e) if isinstance(e, audio.Error | spool.Error | Error)
                              else f"Dictation failed ({e}); the recording is saved at "
                                   f"{writer.path}."))
        finally:
            if not writer.closed:
                writer.close()
            self._done.set()

    def _record(self, capture: Capture, writer: Spool) -> None:
        next_level = 0.0
        lost = 0
        listening = False
        while not self._stop.is_set():
            try:
                block = capture.read(READ_TIMEOUT)
            except audio.DeviceLostError:
                self._emit(Failed(str(DeviceLostError(writer.path))))
                break
            if block is None:
                continue
            if not listening:
                listening = True
                self._emit(Listening(capture.first_block_ms or 0.0))
            self._take(writer, block)
            if writer.duration >= next_level:
                self._emit(Level(*audio.levels(block)))
                next_level = writer.duration + LEVEL_SECONDS
            if capture.overflows + capture.dropped > lost:
                lost = capture.overflows + capture.dropped
                self._emit(Dropout(_dropout_message(
                    lost, capture, self._options.capture.block_seconds), lost))
            self._check_auto_stop(writer)

    def _finish(self, capture: Capture, writer: Spool) -> None:
        self._take(writer, capture.stop())
        self._keep(writer.flush)
        path = writer.close()
        if self._cancel.is_set():
            return
        self._emit(Stopped())
        self.stop()
        self._streaming.finish()
        assert self._stop_time is not None
        took = (time.monotonic() - self._stop_time) * 1000
        recording: Path | None = path
        if self._options.keep_days == 0:
            path.unlink(missing_ok=True)
            recording = None
        streaming = self._streaming
        transcript = Transcript(str(recording) if recording else "dictation", writer.duration,
                                streaming.language, self._transcriber.ref.name,
                                streaming.segments)
        self._finished = Finished(transcript, recording, took, streaming.spans)
        self._emit(self._finished)

    def _take(self, writer: Spool, block: AudioArray) -> None:
        # First: a full disk must not cost the text.
        self._streaming.feed(np.zeros_like(block) if self._muted() else block)
        self._keep(lambda: writer.write(block))

    def _keep(self, write: Callable[[], None]) -> None:
        """Run a spool write; a refused one ends the dictation, keeping the text so far."""
        try:
            write()
        except spool.RecordingStoppedError as e:
            self._emit(Failed(str(e)))
            self.stop()

    def _muted(self) -> bool:
        """Whether one of the app's sounds may be in the block just read. Capture thread."""
        now = time.monotonic()
        while self._mutes and (self._mutes[0][0].is_set() or now >= self._mutes[0][1]):
            self._mutes.popleft()
            self._muted_until = max(self._muted_until, now + ECHO_SECONDS)
        return bool(self._mutes) or now < self._muted_until

    def _check_auto_stop(self, writer: Spool) -> None:
        limit = self._options.max_seconds
        if limit is not None and writer.duration >= limit:
            self._stop_by_itself("limit")
            return
        quiet = self._options.stop_after_silence
        silence = self._streaming.silence_after_speech
        if quiet is None or silence is None:
            return  # nobody has spoken yet: only the user stops it
        left = max(0, math.ceil(quiet - silence))
        if left != self._countdown:
            self._countdown = left
            self._emit(Countdown(left))
        if left == 0:
            self._stop_by_itself("silence")

    def _stop_by_itself(self, reason: str) -> None:
        if self._stop_time is None:
            self.stop()
            self._emit(AutoStopped(reason))

    def _forward(self, event: StreamEvent) -> None:
        if not self._cancel.is_set():
            self._emit(event)

    def _emit(self, event: Event) -> None:
        try:
            self._on_event(event)
        except Exception:
            log.exception("Dictation event subscriber failed on %s", type(event).__name__)

    def _run_warm_up(self) -> None:
        assert self._warm_up is not None
        try:
            self._warm_up()
        except Exception:
            log.exception("Warm-up failed")


def _dropout_message(blocks: int, capture: Capture, block_seconds: float) -> str:
    seconds = blocks * block_seconds
    return (f"{seconds:.1f} s of audio from {capture.device.name!r} was lost because the "
            f"computer was too busy to record it; close other busy apps if words are missing.")

