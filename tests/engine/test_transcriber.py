"""The transcriber on real speech with the real tiny.en model."""

import csv
import os
import threading
from pathlib import Path

import numpy as np
import pytest

from desktop.engine import models
from desktop.engine import transcriber as transcriber_module
from desktop.engine.decode import SAMPLE_RATE, AudioFile
from desktop.engine.transcriber import CancelledError, TranscribeOptions, Transcriber
from tests.audio_files import silence, write_wav
from tests.conftest import DATA_DIR, SHARED_SPEECH, reference
from tests.wer import wer

CLIPS = ["LJ001-0001.wav", "jfk.flac", "1272-128104-0000.wav", "local_whisper_dictation.wav"]


def test_clips_transcribe_within_wer_ceiling(transcriber: Transcriber, data_dir: Path) -> None:
    texts = [transcriber.transcribe_file(data_dir / c, TranscribeOptions()).text for c in CLIPS]
    assert wer([reference(c) for c in CLIPS], texts) < 12.0


def test_result_carries_timing_language_and_model(transcriber: Transcriber,
                                                  data_dir: Path) -> None:
    result = transcriber.transcribe_file(data_dir / "jfk.flac", TranscribeOptions())
    assert result.language == "en" and result.model == "tiny.en"
    assert result.duration == pytest.approx(11.0, abs=0.1)
    starts = [s.start for s in result.segments]
    assert starts == sorted(starts) and result.segments[-1].end <= 11.1
    assert "ask not what your country" in result.text.lower()


JOINED = ["LJ001-0001.wav", "jfk.flac", "local_whisper_dictation.wav"]


@pytest.fixture(scope="module")
def joined(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """38 s of real speech from three clips, as one WAV."""
    path = tmp_path_factory.mktemp("joined") / "joined.wav"
    parts = []
    for clip in JOINED:
        with AudioFile(data_dir / clip) as media:
            parts.extend(media.chunks())
    return write_wav(path, np.concatenate(parts))


def test_progress_rises_to_one(transcriber: Transcriber, joined: Path) -> None:
    seen: list[float] = []
    transcriber.transcribe_file(joined, TranscribeOptions(), seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 2


def test_cancel_stops_between_segments(transcriber: Transcriber, joined: Path) -> None:
    cancel = threading.Event()
    seen: list[float] = []

    def progress(fraction: float) -> None:
        seen.append(fraction)
        cancel.set()

    with pytest.raises(CancelledError):
        transcriber.transcribe_file(joined, TranscribeOptions(), progress, cancel)
    assert len(seen) == 1


@pytest.mark.parametrize("vad", [True, False])
def test_silence_gives_empty_text(transcriber: Transcriber, tmp_path: Path, vad: bool) -> None:
    quiet = silence(tmp_path / "silence.wav", 8.0)
    assert transcriber.transcribe_file(quiet, TranscribeOptions(vad=vad)).text == ""


def test_long_files_are_cut_at_pauses(transcriber: Transcriber, joined: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """With a 15-s window, a 38-s recording is decoded in pieces cut between words."""
    whole = transcriber.transcribe_file(joined, TranscribeOptions())
    monkeypatch.setattr(transcriber_module, "WINDOW_SECONDS", 15.0)
    monkeypatch.setattr(transcriber_module, "CHUNK_SECONDS", 2.0)
    windowed = transcriber.transcribe_file(joined, TranscribeOptions())
    refs = " ".join(reference(c) for c in JOINED)
    assert windowed.duration == pytest.approx(whole.duration, abs=0.01)
    starts = [s.start for s in windowed.segments]
    assert starts == sorted(starts) and windowed.segments[-1].end <= whole.duration + 0.1
    assert wer([refs], [windowed.text]) <= wer([refs], [whole.text]) + 3.0


def test_windows_cover_the_audio_exactly_once(monkeypatch: pytest.MonkeyPatch,
                                              data_dir: Path) -> None:
    monkeypatch.setattr(transcriber_module, "WINDOW_SECONDS", 8.0)
    with AudioFile(data_dir / "local_whisper_dictation.wav") as media:
        audio = np.concatenate(list(media.chunks(1.0)))
    with AudioFile(data_dir / "local_whisper_dictation.wav") as media:
        windows = list(transcriber_module._windows(media.chunks(1.0)))
    assert len(windows) >= 2
    assert np.array_equal(np.concatenate([w for _, w in windows]), audio)
    offsets = [o for o, _ in windows]
    assert offsets[0] == 0 and all(len(w) <= 9 * SAMPLE_RATE for _, w in windows)


def test_file_jobs_wait_while_a_dictation_is_live(transcriber: Transcriber,
                                                 data_dir: Path) -> None:
    progressed = threading.Event()
    finished = threading.Event()

    def job() -> None:
        transcriber.transcribe_file(data_dir / "local_whisper_dictation.wav",
                                    TranscribeOptions(), lambda _f: progressed.set())
        finished.set()

    with transcriber.live_priority():
        worker = threading.Thread(target=job)
        worker.start()
        assert not finished.wait(3.0), "the file job ran through a live dictation"
    assert finished.wait(60.0)
    worker.join()


def _shared_set() -> list[dict[str, str]]:
    manifest = SHARED_SPEECH / "en-read" / "manifest.tsv"
    if not manifest.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{manifest} is missing in CI")
        pytest.skip("the shared speech set is not beside this checkout")
    with manifest.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@pytest.mark.slow
def test_app_matches_bare_faster_whisper_on_shared_set(transcriber: Transcriber) -> None:
    """The app's WER equals a bare WhisperModel.transcribe loop, under a ceiling."""
    rows = [r for r in _shared_set() if float(r["seconds"]) >= 1.5]
    files = [SHARED_SPEECH / "en-read" / r["file"] for r in rows]
    refs = [r["text"] for r in rows]
    ours = [transcriber.transcribe_file(f, TranscribeOptions(language="en")).text for f in files]
    model = transcriber.model()
    bare = [" ".join(s.text.strip() for s in model.transcribe(
        str(f), language="en", beam_size=5, vad_filter=True)[0]) for f in files]
    ours_wer, bare_wer = wer(refs, ours), wer(refs, bare)
    assert ours_wer <= bare_wer + 0.01
    assert ours_wer < 15.0, f"WER {ours_wer:.1f} %"


def test_an_unused_model_is_freed_and_loaded_again_on_the_next_use() -> None:
    own = Transcriber(models.bundled_model(), models.ModelOptions(compute_type="int8"))
    assert own.unused_for() is None  # not loaded yet
    speech = np.concatenate(list(AudioFile(DATA_DIR / "LJ001-0002.wav").chunks()))
    options = TranscribeOptions(language="en")
    assert own.transcribe_audio(speech, options).segments
    with own.live_priority():  # a dictation holds it between its decodes too
        assert own.unused_for() == 0.0
        assert not own.unload(0.0)
    assert not own.unload(60.0)  # used just now
    assert own.unload(0.0)
    assert own.unused_for() is None and not own.unload(0.0)
    text = " ".join(s.text for s in own.transcribe_audio(speech, options).segments)
    assert "modern" in text
    assert own.unused_for() is not None
