"""Short start/stop sounds from ``resources/sounds``, played without blocking the GUI.

Qt's multimedia module is not part of PySide6-Essentials, so the WAVs are played through
sounddevice (already the capture dependency) on a short-lived daemon thread. Each play
reports when it is over (the stream is stopped, which waits for its buffers to play), so
a dictation can ignore its microphone until then.
"""

import logging
import threading
import wave
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np

log = logging.getLogger(__name__)

SOUND_DIR = Path(__file__).resolve().parents[2] / "resources" / "sounds"
NAMES = ("start", "stop", "cancel")


@cache
def load(name: str) -> tuple[np.ndarray, int]:
    """Return the samples (float32, mono) and rate of ``resources/sounds/<name>.wav``.

    Raises:
        ValueError: ``name`` is not one of ``NAMES``.
    """
    if name not in NAMES:
        raise ValueError(f"unknown sound {name!r}; use one of {', '.join(NAMES)}")
    with wave.open(str(SOUND_DIR / f"{name}.wav"), "rb") as w:
        frames = w.readframes(w.getnframes())
        rate = w.getframerate()
    return np.frombuffer(frames, "<i2").astype(np.float32) / 32768, rate


class SoundPlayer:
    """Plays a named sound; errors (no output device) are logged, never raised.

    Any thread may call :meth:`play`; it returns at once.

    Args:
        sd: a stand-in for the ``sounddevice`` module (tests).
    """

    def __init__(self, *, sd: ModuleType | None = None) -> None:
        self._sd = sd
        self.thread: threading.Thread | None = None

    def play(self, name: str, played: threading.Event | None = None) -> None:
        """Start playing ``name`` (``start``, ``stop`` or ``cancel``).

        Args:
            name: which sound.
            played: set once the sound has been played (or could not be).
        """
        samples, rate = load(name)
        self.thread = threading.Thread(target=self._run, args=(samples, rate, played),
                                       name="sound", daemon=True)
        self.thread.start()

    def _run(self, samples: np.ndarray, rate: int, played: threading.Event | None) -> None:
        # Thread boundary: a missing output device must not disturb the dictation.
        try:
            sd = self._sd or _sounddevice()
            # Leaving the block stops the stream: PortAudio waits for its buffers to play.
            with sd.OutputStream(samplerate=rate, channels=1, dtype="float32") as stream:
                stream.write(samples.reshape(-1, 1))
        except Exception:
            log.info("Could not play a sound", exc_info=True)
        finally:
            if played is not None:
                played.set()


def _sounddevice() -> ModuleType:
    import sounddevice

    module: ModuleType = sounddevice
    return module
