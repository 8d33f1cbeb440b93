"""A stand-in for the sounddevice module that replays a clip from a thread.

Pass an instance wherever the engine accepts ``sd=``. It behaves like one input device:
the callback gets float32 blocks at the device rate, paced by a clock (``speed`` times
real time), then silence until stopped. It can refuse sample rates, flag overflows, and
vanish mid-stream the way an unplugged USB microphone does.
"""

import os
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import soxr


class PortAudioError(Exception):
    """What sounddevice raises."""


class FakeSoundDevice:
    """One fake microphone (or none, with ``devices=[]``)."""

    PortAudioError = PortAudioError

    def __init__(
        self,
        clip: np.ndarray | None = None,
        *,
        samplerate: int = 48000,
        speed: float = 1.0,
        refuse_rates: tuple[int, ...] = (),
        vanish_after: float | None = None,
        overflow_blocks: tuple[int, ...] = (),
        progress_file: Path | None = None,
        devices: list[dict[str, Any]] | None = None,
    ) -> None:
        clip = np.zeros(0, dtype=np.float32) if clip is None else clip
        self.audio = soxr.resample(clip, 16000, samplerate).astype(np.float32)
        self.samplerate = samplerate
        self.speed = speed
        self.refuse_rates = refuse_rates
        self.vanish_after = vanish_after
        self.overflow_blocks = overflow_blocks
        self.progress_file = progress_file
        self.devices = devices if devices is not None else [
            {"name": "Fake USB Microphone", "max_input_channels": 1,
             "default_samplerate": float(samplerate)},
        ]
        self.default = SimpleNamespace(device=[0 if self.devices else -1, 0])
        self.streams: list[FakeStream] = []
        self.played: list[tuple[int, bool]] = []  # (samples, a microphone was recording)

    def query_devices(self) -> list[dict[str, Any]]:
        return self.devices

    def check_input_settings(self, device: int, channels: int, dtype: str,
                             samplerate: float) -> None:
        if samplerate in self.refuse_rates:
            raise PortAudioError(f"Invalid sample rate [PaErrorCode -9997] ({samplerate})")

    def InputStream(self, **kwargs: Any) -> "FakeStream":
        stream = FakeStream(self, **kwargs)
        self.streams.append(stream)
        return stream

    def OutputStream(self, **kwargs: Any) -> "FakeOutput":
        return FakeOutput(self)


class FakeOutput:
    """A speaker: notes what is played and whether a microphone was recording then."""

    def __init__(self, sd: FakeSoundDevice) -> None:
        self.sd = sd

    def __enter__(self) -> "FakeOutput":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def write(self, samples: np.ndarray) -> None:
        self.sd.played.append((len(samples), any(s.recording for s in self.sd.streams)))


class FakeStream:
    """Calls the callback from a thread, like PortAudio."""

    def __init__(self, sd: FakeSoundDevice, *, samplerate: int, blocksize: int,
                 callback: Any, finished_callback: Any, **_: Any) -> None:
        self.sd, self.samplerate, self.blocksize = sd, samplerate, blocksize
        self.callback, self.finished_callback = callback, finished_callback
        self.fed = 0  # samples delivered to the callback
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-portaudio", daemon=True)

    @property
    def recording(self) -> bool:
        """Started and not yet stopped."""
        return self._thread.is_alive() and not self._stop.is_set()

    def start(self) -> None:
        self._thread.start()

    def stop(self, ignore_errors: bool = True) -> None:
        self._stop.set()
        self._thread.join()

    def close(self, ignore_errors: bool = True) -> None:
        self._stop.set()

    def _run(self) -> None:
        block_time = self.blocksize / self.samplerate / self.sd.speed
        index = 0
        while not self._stop.wait(block_time):
            if self.sd.vanish_after is not None and self.fed >= self.sd.vanish_after * \
                    self.samplerate:
                self.finished_callback()
                return
            block = self.sd.audio[self.fed : self.fed + self.blocksize]
            block = np.pad(block, (0, self.blocksize - len(block)))
            status = SimpleNamespace(input_overflow=index in self.sd.overflow_blocks)
            self.callback(block.reshape(-1, 1), self.blocksize, None, status)
            self.fed += self.blocksize
            index += 1
            if self.sd.progress_file is not None:
                self._report()

    def _report(self) -> None:
        assert self.sd.progress_file is not None
        fd = os.open(self.sd.progress_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, f"{self.fed / self.samplerate:.4f}\n".encode())
        finally:
            os.close(fd)
