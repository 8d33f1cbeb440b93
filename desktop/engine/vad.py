"""Streaming voice activity detection with the Silero VAD model bundled in faster-whisper.

faster-whisper's ``get_speech_timestamps`` needs the whole recording at once. This runs
the same ONNX model frame by frame as audio arrives, carrying the model's recurrent
state and the 64-sample context between calls, so its probabilities match a whole-file
run exactly (checked in tests/engine/test_streaming.py).
"""

import numpy as np
import numpy.typing as npt
from faster_whisper.vad import get_vad_model

from desktop.engine.decode import AudioArray

FRAME = 512  # samples per Silero frame at 16 kHz (32 ms)
CONTEXT = 64
THRESHOLD = 0.5
# Below this a frame ends speech (Silero's default neg_threshold = threshold - 0.15).
NEG_THRESHOLD = 0.35
# Frames classified together. One ONNX run of three frames costs 0.22 ms against 0.11 for
# one, and fed 20-ms blocks in real time, each run pays again for caches gone cold while
# the thread slept: the VAD cost 0.015 CPU-s per second of audio, a quarter of what one
# decode of the recording costs with tiny.en. Decisions come up to 64 ms later.
BATCH_FRAMES = 3


class StreamingVad:
    """Turns audio into per-frame speech flags with Silero's hysteresis.

    One thread only: whichever feeds the audio.

    Attributes:
        flags: one bool per complete 32 ms frame so far (True = speech).
        probs: the speech probability of each of those frames.
    """

    def __init__(self) -> None:
        self._model = get_vad_model()
        self._state = np.zeros((2, 1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self._speaking = False
        self.flags: list[bool] = []
        self.probs: list[float] = []

    def feed(self, audio: AudioArray) -> int:
        """Add 16 kHz mono audio and return how many new frames were classified.

        Frames are classified BATCH_FRAMES or more at a time (see :meth:`flush`).
        """
        self._pending = np.concatenate([self._pending, audio])
        if len(self._pending) < BATCH_FRAMES * FRAME:
            return 0
        return self.flush()

    def flush(self) -> int:
        """Classify every complete frame fed so far; return how many were new."""
        count = len(self._pending) // FRAME
        if count == 0:
            return 0
        rows = self._pending[: count * FRAME].reshape(count, FRAME)
        self._pending = self._pending[count * FRAME :]
        for prob in self._probabilities(rows):
            self._speaking = prob >= THRESHOLD or (self._speaking and prob >= NEG_THRESHOLD)
            self.flags.append(self._speaking)
            self.probs.append(float(prob))
        return count

    def _probabilities(self, rows: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        before = np.concatenate([self._context[None, :], rows[:-1, -CONTEXT:]])
        batch = np.concatenate([before, rows], axis=1)
        self._context = rows[-1, -CONTEXT:].copy()
        out, h, c = self._model.session.run(
            None, {"input": batch, "h": self._state[0], "c": self._state[1]}
        )
        self._state = np.stack([h, c])
        return np.asarray(out, dtype=np.float32).reshape(-1)
