"""Microphone capture: a PortAudio input stream turned into 16 kHz mono float32 blocks.

The stream runs at the device's own rate; the PortAudio callback only copies each block
into a bounded queue and counts what it drops. :meth:`Capture.read`, called by one worker
thread, downmixes and resamples with soxr. The stream is opened with ``latency="low"``:
through ALSA's pulse plugin the default high latency delayed the first block by 1.7-1.9 s
(and lost the audio before it), low latency by 6-12 ms.

The sounddevice module can be injected, so tests replay clips without a sound card.
"""

import math
import queue
import threading
import time
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
import soxr

from desktop.engine.decode import SAMPLE_RATE, AudioArray

# Rates to try, after the device's default, when a device refuses a rate.
FALLBACK_RATES = (48000, 44100, 32000, 22050, 16000, 8000)
SILENCE_DB = -100.0


class Error(Exception):
    """Base class for capture errors."""


class NoMicrophoneError(Error):
    """The system has no input device at all."""

    def __str__(self) -> str:
        return "No microphone was found; connect one or pick another input in Settings."


class DeviceNotFoundError(Error):
    """No input device matches the configured name or index."""

    def __init__(self, wanted: str) -> None:
        super().__init__(wanted)
        self.wanted = wanted

    def __str__(self) -> str:
        return (f"There is no input device {self.wanted!r}; pick one listed by "
                "`dictara dictate --list-devices` or choose another input in Settings.")


class DeviceFailedError(Error):
    """The device exists but cannot be opened at any sample rate."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name, reason)
        self.name, self.reason = name, reason

    def __str__(self) -> str:
        return (f"The microphone {self.name!r} could not be opened ({self.reason}); close other "
                "apps that use it or pick another input in Settings.")


class DeviceLostError(Error):
    """The device stopped delivering audio while recording."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return (f"The microphone {self.name!r} stopped delivering audio; reconnect it or pick "
                "another input in Settings.")


@dataclass(frozen=True)
class InputDevice:
    """An audio input.

    Attributes:
        index: PortAudio's device index.
        name: the device's name.
        channels: maximum input channels.
        default_samplerate: the rate the device prefers.
        is_default: whether it is the system's default input.
    """

    index: int
    name: str
    channels: int
    default_samplerate: float
    is_default: bool


@dataclass(frozen=True)
class CaptureOptions:
    """How to capture.

    Attributes:
        device: a device name (exact, or a unique part of it) or index; empty = default.
        latency: PortAudio latency, "low" (the default, see the module docstring) or seconds.
        block_seconds: length of each callback block.
        queue_seconds: audio the queue holds before blocks are dropped.
        stall_seconds: no audio for this long means the device is gone.
    """

    device: str = ""
    latency: str | float = "low"
    block_seconds: float = 0.02
    queue_seconds: float = 30.0
    stall_seconds: float = 2.0


def list_input_devices(sd: ModuleType | None = None) -> list[InputDevice]:
    """Return every device with input channels. Any thread."""
    sd = sd or _sounddevice()
    default = _default_input_index(sd)
    return [
        InputDevice(i, str(d["name"]), int(d["max_input_channels"]),
                    float(d["default_samplerate"]), i == default)
        for i, d in enumerate(sd.query_devices())
        if int(d["max_input_channels"]) > 0
    ]


def find_device(wanted: str, sd: ModuleType | None = None) -> InputDevice:
    """Return the input device for a setting: empty, an index, or (part of) a name.

    Raises:
        NoMicrophoneError: there is no input device at all.
        DeviceNotFoundError: nothing matches ``wanted``.
    """
    devices = list_input_devices(sd)
    if not devices:
        raise NoMicrophoneError
    wanted = wanted.strip()
    if not wanted:
        return next((d for d in devices if d.is_default), devices[0])
    if wanted.isdigit():
        matches = [d for d in devices if d.index == int(wanted)]
    else:
        matches = [d for d in devices if d.name == wanted]
        matches = matches or [d for d in devices if wanted.lower() in d.name.lower()]
    if not matches:
        raise DeviceNotFoundError(wanted)
    return matches[0]


def levels(block: AudioArray) -> tuple[float, float]:
    """Return ``(rms, peak)`` of a block in dBFS (at least -100). Any thread."""
    if block.size == 0:
        return SILENCE_DB, SILENCE_DB
    rms = math.sqrt(float(np.mean(np.square(block, dtype=np.float64))))
    peak = float(np.max(np.abs(block)))
    return _db(rms), _db(peak)


class Capture:
    """One open input stream delivering 16 kHz mono float32 blocks.

    :meth:`start` and :meth:`stop` may be called from any one controlling thread;
    :meth:`read` from one worker thread only.

    Attributes:
        device: the device in use.
        samplerate: the rate the device runs at.
        first_block_ms: milliseconds from starting the stream to the first block.
        overflows: blocks PortAudio flagged as input overflow (audio lost in the driver).
        dropped: blocks dropped because the queue was full.
    """

    def __init__(self, options: CaptureOptions, sd: ModuleType | None = None) -> None:
        self._options = options
        self._sd = sd or _sounddevice()
        self.device = find_device(options.device, self._sd)
        self.samplerate = self._pick_rate()
        self.first_block_ms: float | None = None
        self.overflows = 0
        self.dropped = 0
        blocks = max(1, int(options.queue_seconds / options.block_seconds))
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=blocks)
        self._ended = threading.Event()
        self._resampler = soxr.ResampleStream(self.samplerate, SAMPLE_RATE, 1, dtype="float32")
        self._started_at = 0.0
        self._last_audio = 0.0
        self._stream: Any = None

    def start(self) -> None:
        """Open and start the stream.

        Raises:
            DeviceFailedError: PortAudio refused to open or start it.
        """
        try:
            self._stream = self._sd.InputStream(
                device=self.device.index,
                samplerate=self.samplerate,
                channels=1,
                dtype="float32",
                latency=self._options.latency,
                blocksize=int(self.samplerate * self._options.block_seconds),
                callback=self._callback,
                finished_callback=self._ended.set,
            )
            self._started_at = self._last_audio = time.monotonic()
            self._stream.start()
        except self._sd.PortAudioError as e:
            raise DeviceFailedError(self.device.name, _reason(e)) from e

    def read(self, timeout: float) -> AudioArray | None:
        """Return the next 16 kHz block, or None if none came within ``timeout`` seconds.

        Raises:
            DeviceLostError: the stream ended by itself or went silent for too long.
        """
        try:
            block = self._queue.get(timeout=timeout)
        except queue.Empty:
            self._check_alive()
            return None
        self._last_audio = time.monotonic()
        return self._convert(block)

    def stop(self) -> AudioArray:
        """Stop the stream and return the audio still queued (already resampled)."""
        if self._stream is not None:
            self._stream.stop(ignore_errors=True)
            self._stream.close(ignore_errors=True)
            self._stream = None
        rest = [np.zeros(0, dtype=np.float32)]
        while not self._queue.empty():
            block = self._queue.get_nowait()
            rest.append(block.mean(axis=1) if block.ndim > 1 else block)
        return self._convert(np.concatenate(rest), last=True)

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        # PortAudio's thread: copy and enqueue, nothing else.
        if self.first_block_ms is None:
            self.first_block_ms = (time.monotonic() - self._started_at) * 1000
        if status.input_overflow:
            self.overflows += 1
        try:
            self._queue.put_nowait(indata.copy())
        except queue.Full:
            self.dropped += 1

    def _convert(self, block: Any, last: bool = False) -> AudioArray:
        mono = block.mean(axis=1) if block.ndim > 1 else block
        return np.asarray(self._resampler.resample_chunk(mono.astype(np.float32), last=last),
                          dtype=np.float32)

    def _check_alive(self) -> None:
        stalled = time.monotonic() - self._last_audio > self._options.stall_seconds
        if self._stream is not None and (self._ended.is_set() or stalled):
            raise DeviceLostError(self.device.name)

    def _pick_rate(self) -> int:
        reasons = []
        for rate in dict.fromkeys([int(self.device.default_samplerate), *FALLBACK_RATES]):
            try:
                self._sd.check_input_settings(device=self.device.index, channels=1,
                                              dtype="float32", samplerate=rate)
                return rate
            except (self._sd.PortAudioError, ValueError) as e:
                reasons.append(_reason(e))
        raise DeviceFailedError(self.device.name, reasons[0] if reasons else "no usable rate")


def prime(options: CaptureOptions, sd: ModuleType | None = None,
          timeout: float = 3.0) -> float | None:
    """Open the input once and wait for its first block, then close it. Any thread.

    The first stream a process opens through ALSA's pulse plugin delivered its first
    block 0.3-1.9 s late on the bench, and later ones within 35 ms (docs/live.md): an app
    that primes the device once at start-up does not lose its user's first words.

    Returns:
        Milliseconds to the first block, or None if none came within ``timeout``.

    Raises:
        Error: there is no usable microphone.
    """
    capture = Capture(options, sd)
    capture.start()
    deadline = time.monotonic() + timeout
    try:
        while capture.first_block_ms is None and time.monotonic() < deadline:
            capture.read(timeout=0.05)
    except DeviceLostError:
        pass  # no block in time: the caller learns it from the None
    finally:
        capture.stop()
    return capture.first_block_ms


def _db(value: float) -> float:
    return max(SILENCE_DB, 20 * math.log10(value)) if value > 0 else SILENCE_DB


def _default_input_index(sd: ModuleType) -> int:
    try:
        return int(sd.default.device[0])
    except (TypeError, IndexError, ValueError):
        return -1


def _reason(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _sounddevice() -> ModuleType:
    # Imported lazily: importing sounddevice fails when PortAudio itself is missing.
    try:
        import sounddevice
    except OSError:
        raise NoMicrophoneError from None
    module: ModuleType = sounddevice
    return module
