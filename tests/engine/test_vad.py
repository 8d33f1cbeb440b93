"""Silero VAD in bounded runs: the same probabilities as one run over the whole recording,
streamed block by block and inside faster-whisper's own ``vad_filter``."""

import numpy as np
import pytest
from faster_whisper.vad import get_vad_model

from desktop.engine import vad
from desktop.engine.transcriber import Transcriber
from desktop.engine.vad import CONTEXT, FRAME, RUN_FRAMES, StreamingVad
from tests.conftest import DATA_DIR
from tests.ui.conftest import read_clip


def speech() -> np.ndarray:
    """About 40 s of real speech, whole frames: longer than one bounded run."""
    audio = np.concatenate([read_clip(DATA_DIR / name) for name in
                            ("jfk.flac", "LJ001-0001.wav", "1272-128104-0000.wav", "jfk.flac")])
    assert len(audio) > 2 * RUN_FRAMES * FRAME
    return audio[: len(audio) // FRAME * FRAME]


def one_run(audio: np.ndarray) -> np.ndarray:
    """Every frame in a single ONNX run, as faster-whisper does for up to 10,000 frames."""
    rows = audio.reshape(-1, FRAME)
    before = np.concatenate([np.zeros((1, CONTEXT), np.float32), rows[:-1, -CONTEXT:]])
    state = np.zeros((1, 1, 128), np.float32)
    out, _h, _c = get_vad_model().session.run(
        None, {"input": np.concatenate([before, rows], axis=1), "h": state, "c": state})
    return np.asarray(out).reshape(-1)


def test_faster_whispers_vad_runs_bounded_with_the_same_probabilities() -> None:
    audio = speech()
    whole = one_run(audio)
    vad.bound_whole_file_runs()
    assert np.array_equal(get_vad_model()(audio).reshape(-1), whole)


def test_the_vad_filter_of_a_transcription_goes_through_the_bounded_runs(
        transcriber: Transcriber, monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[int] = []
    bounded = vad.SileroRun._run
    monkeypatch.setattr(vad.SileroRun, "_run", lambda self, rows: runs.append(len(rows))
                        or bounded(self, rows))
    segments, _info = transcriber.model().transcribe(speech(), language="en", vad_filter=True)
    assert "ask not what your country" in " ".join(s.text for s in segments).lower()
    assert len(runs) >= 3 and max(runs) == RUN_FRAMES


def test_streaming_matches_a_whole_recording_run() -> None:
    audio = speech()
    whole = one_run(audio) >= 0.5
    stream = StreamingVad()
    for i in range(0, len(audio), 321):
        stream.feed(audio[i : i + 321])
    stream.flush()
    assert len(stream.flags) == len(whole)
    # Hysteresis only adds frames after speech (between the 0.35 and 0.5 thresholds).
    assert all(stream.flags[i] for i in np.flatnonzero(whole))
