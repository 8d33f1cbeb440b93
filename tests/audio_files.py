"""Writing 16 kHz mono test audio."""

import wave
from pathlib import Path

import numpy as np

from desktop.engine.decode import SAMPLE_RATE


def write_wav(path: Path, audio: np.ndarray) -> Path:
    """Write float samples in [-1, 1] as a 16-bit 16 kHz mono WAV and return the path."""
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())
    return path


def silence(path: Path, seconds: float) -> Path:
    """Write digital silence."""
    return write_wav(path, np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32))
