"""Whisper's log-mel features, computed a piece at a time.

faster-whisper computes the features of all the audio it is given in one piece: for a
10-minute window of a file that is a 60 000 x 400 frame matrix and its spectrum, 440 MB at
peak with tiny.en on top of the loaded model (measured; the decoded audio itself is 38 MB).
:class:`PieceFeatureExtractor` does the same arithmetic on 30 s of frames at a time into
one preallocated spectrogram (19 MB for 10 minutes), so the peak no longer follows the
window's length. Only the final clamp needs the whole spectrogram (its maximum).
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
        waveform = np.asarray(waveform, dtype=np.float32)
        if padding:
            waveform = np.pad(waveform, (0, padding))
        n_fft, hop = self.n_fft, self.hop_length
        padded = np.pad(waveform, (n_fft // 2, n_fft // 2), mode="reflect")
        frames = (len(padded) - n_fft) // hop  # the last STFT frame is dropped, as upstream
        window = np.hanning(n_fft + 1)[:-1].astype(np.float32)
        log_spec = np.empty((self.mel_filters.shape[0], frames), dtype=np.float32)
        for first in range(0, frames, PIECE_FRAMES):
            last = min(frames, first + PIECE_FRAMES)
            span = padded[first * hop : (last - 1) * hop + n_fft]
            view = np.lib.stride_tricks.sliding_window_view(span, n_fft)[::hop]
            spectrum = np.fft.rfft(view * window, n=n_fft, axis=-1).astype(np.complex64)
            magnitudes = (np.abs(spectrum) ** 2).T
            mel = self.mel_filters @ magnitudes
            log_spec[:, first:last] = np.log10(np.clip(mel, 1e-10, None))
        if frames:
            log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
        result: np.ndarray = (log_spec + 4.0) / 4.0
        return result
