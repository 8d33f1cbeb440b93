"""Log-mel features a piece at a time are faster-whisper's, whatever the length."""

import numpy as np
import pytest
from faster_whisper.feature_extractor import FeatureExtractor

from desktop.engine.features import PIECE_FRAMES, PieceFeatureExtractor
from tests.ui.conftest import read_clip


@pytest.mark.parametrize("seconds", [0.002, 0.005, 0.05, 1.0, 29.99, 30.0, 30.01, 95.3])
def test_pieces_give_the_same_features(seconds: float) -> None:
    audio = np.random.default_rng(7).standard_normal(int(seconds * 16000)).astype(np.float32)
    expected, got = FeatureExtractor()(audio * 0.1), PieceFeatureExtractor()(audio * 0.1)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


def test_real_speech_across_piece_boundaries(data_dir) -> None:  # type: ignore[no-untyped-def]
    speech = np.concatenate([read_clip(data_dir / "LJ001-0001.wav")] * 4)  # 40 s
    assert len(speech) // 160 > PIECE_FRAMES
    expected, got = FeatureExtractor()(speech), PieceFeatureExtractor()(speech)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)
