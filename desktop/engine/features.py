"""Whisper's log-mel features, computed a piece at a time.

faster-whisper computes the features of all the audio it is given in one piece: for a
10-minute window of a file that is a 60 000 x 400 frame matrix and its spectrum, 440 MB at
peak with tiny.en on top of the loaded model (measured; the decoded audio itself is 38 MB).
:class:`PieceFeatureExtractor` does the same arithmetic on 30 s of frames at a time into
one preallocated spectrogram (19 MB for 10 minutes), so the peak no longer follows the
window's length. Each piece reads its samples of the padded signal straight from the
audio, and the final clamp and scaling work in place: two padded copies of the audio and
three of the spectrogram made a 10-minute window's features cost 126 MB, not 45.
"""

import numpy as np
from faster_whisper.feature_extractor import FeatureExtractor

PIECE_FRAMES = 3000  # 30 s of 10-ms frames per piece


class PieceFeatureExtractor(FeatureExtractor):  # type: ignore[misc]  # untyped
    """faster-whisper's :class:`FeatureExtractor`, a piece at a time; same results."""

    def __call__(self, waveform: np.ndarray, padding: int = 160,
                 chunk_length: int | None = None) -> np.ndarray:
        """Return the log-mel spectrogram of ``waveform`` (mel bands x frames).

        Args:
            waveform: 16 kHz mono samples.
            padding: zero samples appended first, as faster-whisper does.
            chunk_length: sets the window length faster-whisper reads back afterwards.
        """
        if chunk_length is not None:
            self.n_samples = chunk_length * self.sampling_rate
            self.nb_max_frames = self.n_samples // self.hop_length
        signal = _Padded(np.asarray(waveform, dtype=np.float32), padding, self.n_fft // 2)
        n_fft, hop = self.n_fft, self.hop_length
        frames = (len(signal) - n_fft) // hop  # the last STFT frame is dropped, as upstream
        window = np.hanning(n_fft + 1)[:-1].astype(np.float32)
        log_spec = np.empty((self.mel_filters.shape[0], frames), dtype=np.float32)
        for first in range(0, frames, PIECE_FRAMES):
            last = min(frames, first + PIECE_FRAMES)
            span = signal[first * hop : (last - 1) * hop + n_fft]
            view = np.lib.stride_tricks.sliding_window_view(span, n_fft)[::hop]
            spectrum = np.fft.rfft(view * window, n=n_fft, axis=-1).astype(np.complex64)
            magnitudes = (np.abs(spectrum) ** 2).T
            mel = self.mel_filters @ magnitudes
            log_spec[:, first:last] = np.log10(np.clip(mel, 1e-10, None))
        if frames:
            np.maximum(log_spec, log_spec.max() - 8.0, out=log_spec)
        log_spec += 4.0
        log_spec /= 4.0
        return log_spec


class _Padded:
    """The audio followed by ``padding`` zeros, reflected by ``edge`` samples at both ends
    (``np.pad`` mode "reflect"), read a slice at a time without copying the whole."""

    def __init__(self, audio: np.ndarray, padding: int, edge: int) -> None:
        self._audio = audio
        self._length = len(audio) + padding
        self._edge = edge
        # np.pad reflects again and again when the edge is longer than the signal.
        self._whole = (None if self._length > edge else
                       np.pad(np.pad(audio, (0, padding)), (edge, edge), mode="reflect"))

    def __len__(self) -> int:
        return self._length + 2 * self._edge

    def __getitem__(self, part: slice) -> np.ndarray:
        if self._whole is not None:
            return self._whole[part]
        at = np.arange(*part.indices(len(self))) - self._edge
        at = np.abs(at)  # reflected at the start, the first sample not repeated
        at = np.where(at >= self._length, 2 * (self._length - 1) - at, at)
        out = np.zeros(len(at), dtype=np.float32)  # the padding's zeros
        real = at < len(self._audio)
        out[real] = self._audio[at[real]]
        return out
