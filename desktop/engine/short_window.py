"""Encode less than Whisper's 30-s window when a live span is short.

faster-whisper pads every window to 30 s, and the encoder's cost grows faster than the
window (tiny.en int8 on 2 cores: 234 ms for 30 s, 49 ms for 15 s): for the few seconds
decoded when a dictation stops, the encoder is most of the wait. Whisper needs some of
that padding: it is how the decoder sees where the audio ends. With 1 s of it, tiny.en
looped on repeated words in 10 of 112 English clips; with 10 s, none did, the WER was
15.7 % against 16.8 % with the full window, in 33 s against 62 s
(`benchmarks/short_window.py`).

:func:`padding` sets how much padding the encoder sees for the decodes made in its
block (in the calling thread or task only); outside it the full window is encoded.
"""

import contextlib
import contextvars
from collections.abc import Iterator

import ctranslate2
import faster_whisper
import numpy as np

_padding_seconds: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "padding_seconds", default=None)


class WhisperModel(faster_whisper.WhisperModel):  # type: ignore[misc]  # untyped
    """faster-whisper's model, with the encoder window shortened inside :func:`padding`."""

    def encode(self, features: np.ndarray) -> ctranslate2.StorageView:
        """Encode a padded 30-s window, cut to its content plus the chosen padding."""
        seconds = _padding_seconds.get()
        if seconds is not None:
            # pad_or_trim pads with exact zeros; a column of real log-mel is never all zero.
            content = np.flatnonzero(features.reshape(-1, features.shape[-1]).any(axis=0))
            end = int(content[-1]) + 1 if content.size else 0
            end += round(seconds * self.frames_per_second)
            end += end % 2  # the encoder's stride-2 convolution halves the frame count
            if end < features.shape[-1]:
                features = np.ascontiguousarray(features[..., :end])
        return super().encode(features)


@contextlib.contextmanager
def padding(seconds: float | None) -> Iterator[None]:
    """Let the encoder see only ``seconds`` of padding after the audio (None: all of it)."""
    token = _padding_seconds.set(seconds)
    try:
        yield
    finally:
        _padding_seconds.reset(token)
