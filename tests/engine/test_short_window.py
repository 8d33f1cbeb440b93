"""Shortened encoder windows: what the encoder sees, same words, the looping fallback."""

import threading

import faster_whisper
import numpy as np
import pytest

from desktop.engine import short_window
from desktop.engine import transcriber as transcriber_module
from desktop.engine.decode import AudioFile
from desktop.engine.transcriber import TranscribeOptions, Transcriber
from tests.conftest import DATA_DIR
from tests.wer import wer

OPTIONS = TranscribeOptions(language="en", vad=False, without_timestamps=True)


@pytest.fixture
def encoded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Frame counts of every window the encoder is given, in order."""
    frames: list[int] = []
    original = faster_whisper.WhisperModel.encode

    def spy(self, features):  # type: ignore[no-untyped-def]
        frames.append(features.shape[-1])
        return original(self, features)

    monkeypatch.setattr(faster_whisper.WhisperModel, "encode", spy)
    return frames


def clip(name: str) -> np.ndarray:
    with AudioFile(DATA_DIR / name) as media:
        return np.concatenate(list(media.chunks()))


def test_the_encoder_sees_the_audio_plus_the_padding(transcriber: Transcriber,
                                                     encoded: list[int]) -> None:
    audio = clip("LJ001-0002.wav")  # 1.9 s
    transcriber.transcribe_audio(audio, OPTIONS, encoder_padding=10.0)
    transcriber.transcribe_audio(audio, OPTIONS)
    assert 1180 <= encoded[0] <= 1200 and encoded[0] % 2 == 0
    assert encoded[1] == 3000


def test_the_padding_applies_only_to_the_calling_thread(transcriber: Transcriber,
                                                        encoded: list[int]) -> None:
    audio = clip("LJ001-0002.wav")
    other = threading.Thread(target=transcriber.transcribe_audio, args=(audio, OPTIONS))
    with short_window.padding(5.0):
        other.start()
        other.join()
    assert encoded == [3000]


def test_shortened_windows_give_the_same_words(transcriber: Transcriber) -> None:
    for name in ("LJ001-0001.wav", "1272-128104-0000.wav", "jfk.flac"):
        audio = clip(name)
        full = " ".join(s.text for s in transcriber.transcribe_audio(audio, OPTIONS).segments)
        short = " ".join(
            s.text for s in transcriber.transcribe_audio(audio, OPTIONS, 10.0).segments)
        assert wer([full], [short]) <= 10.0, (full, short)


def test_a_looping_decode_is_redone_on_the_full_window(
        transcriber: Transcriber, encoded: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    ratios = iter([3.1, 1.2])  # the first (shortened) decode looks like a loop
    monkeypatch.setattr(transcriber_module, "get_compression_ratio", lambda text: next(ratios))
    segments = transcriber.transcribe_audio(clip("LJ001-0002.wav"), OPTIONS, 10.0).segments
    assert encoded[0] < 3000 and encoded[-1] == 3000
    assert "modern" in " ".join(s.text for s in segments)
