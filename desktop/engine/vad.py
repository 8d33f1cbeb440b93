"""Streaming voice activity detection with the Silero VAD model bundled in faster-whisper.

faster-whisper's ``get_speech_timestamps`` needs the whole recording at once. This runs
the same ONNX model frame by frame as audio arrives, carrying the model's recurrent
state and the 64-sample context between calls, so its probabilities match a whole-file
run exactly (checked in tests/engine/test_vad.py).

:func:`bound_whole_file_runs` makes faster-whisper's own whole-recording VAD (the
``vad_filter`` of every file window) run the model the same way, a bounded number of
frames at a time. Upstream classifies up to 10,000 frames (5.3 minutes) in one ONNX run:
for the 10-minute windows of a long file its activations took 89 MB (210 to 265 MB with
the copies around it under glibc's defaults, varying from run to run).
"""

import numpy as np
import numpy.typing as npt
from faster_whisper.vad import SileroVADModel, get_vad_model

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
# Most frames classified in one ONNX run (16 s): the run's memory, 6 MB, stays small,
# and the probabilities are the same for any run length.
RUN_FRAMES = 500


class SileroRun:
    """Silero VAD over consecutive frames, a bounded number per ONNX run.

    The recurrent state and the 64-sample context carry from one frame to the next,
    across runs and calls alike. One thread only.
    """

    def __init__(self, model: SileroVADModel | None = None) -> None:
        self._session = (model or get_vad_model()).session
        self._state = np.zeros((2, 1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)

    def probabilities(self, rows: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Return the speech probability of each row of FRAME samples, in order."""
        out = [self._run(rows[at : at + RUN_FRAMES]) for at in range(0, len(rows), RUN_FRAMES)]
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)

    def _run(self, rows: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        before = np.concatenate([self._context[None, :], rows[:-1, -CONTEXT:]])
        batch = np.concatenate([before, rows], axis=1)
        self._context = rows[-1, -CONTEXT:].copy()
        out, h, c = self._session.run(
            None, {"input": batch, "h": self._state[0], "c": self._state[1]}
        )
        self._state = np.stack([h, c])
        return np.asarray(out, dtype=np.float32).reshape(-1)


class StreamingVad:
    """Turns audio into per-frame speech flags with Silero's hysteresis.

    One thread only: whichever feeds the audio.

    Attributes:
        flags: one bool per complete 32 ms frame so far (True = speech).
        probs: the speech probability of each of those frames.
    """

    def __init__(self) -> None:
        self._silero = SileroRun()
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
        for prob in self._silero.probabilities(rows):
            self._speaking = prob >= THRESHOLD or (self._speaking and prob >= NEG_THRESHOLD)
            self.flags.append(self._speaking)
            self.probs.append(float(prob))
        return count


def bound_whole_file_runs() -> None:
    """Make faster-whisper's whole-recording VAD run RUN_FRAMES at a time, for good.

    faster-whisper has no setting for it, so this replaces ``SileroVADModel.__call__``;
    tests/engine/test_vad.py checks that a transcription's ``vad_filter`` still goes
    through it with the same probabilities, so an upgrade that changes either fails there.
    """
    setattr(SileroVADModel, "__call__", _whole_recording)  # noqa: B010 (a method)


def _whole_recording(model: SileroVADModel, audio: AudioArray, num_samples: int = FRAME,
                     context_size_samples: int = CONTEXT) -> npt.NDArray[np.float32]:
    """``SileroVADModel.__call__`` in bounded runs: one probability per frame, as (N, 1)."""
    if (num_samples, context_size_samples) != (FRAME, CONTEXT) or len(audio) % FRAME:
        raise ValueError("the audio must be whole 512-sample frames, with 64 of context")
    return SileroRun(model).probabilities(audio.reshape(-1, FRAME))[:, None]
