"""Session: capture → spool → streaming → final text, with the fake microphone."""

import itertools
import threading
import wave
from pathlib import Path

import numpy as np
import pytest

from desktop.engine import audio
from desktop.engine.decode import AudioFile
from desktop.engine.session import (
    AutoStopped,
    Countdown,
    Dropout,
    Event,
    Failed,
    Finished,
    Level,
    Listening,
    Session,
    SessionOptions,
    Stopped,
)
from desktop.engine.streaming import Partial, StreamingOptions
from desktop.engine.transcriber import TranscribeOptions, Transcriber
from tests.conftest import DATA_DIR, reference
from tests.fake_sounddevice import FakeSoundDevice
from tests.wer import wer

CLIP = "LJ001-0001.wav"


@pytest.fixture(scope="module")
def clip() -> np.ndarray:
    with AudioFile(DATA_DIR / CLIP) as media:
        return np.concatenate(list(media.chunks()))


def test_a_dictation_runs_to_the_final_text(transcriber: Transcriber, tmp_path: Path,
                                            clip: np.ndarray) -> None:
    warmed = []
    events: list[Event] = []
    sd = FakeSoundDevice(clip, speed=3)
    options = SessionOptions(streaming=StreamingOptions(TranscribeOptions(language="en")),
                             stop_after_silence=0.8)
    session = Session(transcriber, tmp_path, options, events.append,
                      warm_up=lambda: warmed.append(True), sd=sd)  # type: ignore[arg-type]
    session.start()
    finished = session.wait(timeout=120)
    assert finished is not None and events[-1] == finished
    assert isinstance(events[0], Listening)
    assert any(isinstance(e, Level) for e in events)
    assert warmed == [True]
    assert wer([reference(CLIP)], [finished.text]) <= 10
    assert finished.recording is not None
    with wave.open(str(finished.recording), "rb") as w:
        assert w.getnframes() / 16000 == pytest.approx(finished.duration, abs=0.01)
    assert len(clip) / 16000 < finished.duration < len(clip) / 16000 + 3
    assert finished.committed_segments >= 1
    transcript = finished.transcript
    assert (transcript.language, transcript.model) == ("en", "tiny.en")
    assert transcript.source == str(finished.recording)
    assert transcript.segments and transcript.text.endswith(".")
    # Every Partial carries the committed text so far; the last one all of it.
    partials = [e for e in events if isinstance(e, Partial)]
    assert partials[-1].committed.rstrip(".") == transcript.text.rstrip(".")
    committed = [p.committed for p in partials]
    assert all(later.startswith(earlier.rstrip(".")) for earlier, later
               in itertools.pairwise(committed))


def test_the_detected_language_is_reported(transcriber: Transcriber, tmp_path: Path,
                                           clip: np.ndarray) -> None:
    options = SessionOptions(max_seconds=4.0)  # no language set: Whisper says which
    session = Session(transcriber, tmp_path, options, lambda event: None,
                      sd=FakeSoundDevice(clip, speed=4))  # type: ignore[arg-type]
    session.start()
    finished = session.wait(timeout=120)
    assert finished is not None and finished.text
    assert finished.transcript.language == "en"


def test_a_vanished_microphone_keeps_the_recording_and_says_where(
        transcriber: Transcriber, tmp_path: Path, clip: np.ndarray) -> None:
    events: list[Event] = []
    sd = FakeSoundDevice(clip, speed=4, vanish_after=3.0)
    session = Session(transcriber, tmp_path, SessionOptions(), events.append, sd=sd)  # type: ignore[arg-type]
    session.start()
    finished = session.wait(timeout=120)
    [failed] = [e for e in events if isinstance(e, Failed)]
    assert session.recording is not None
    assert f"the recording so far is saved at {session.recording}" in failed.message
    assert finished is not None and finished.duration == pytest.approx(3.0, abs=0.05)
    assert finished.text.lower().startswith("printing")


def test_no_microphone_fails_at_start_without_leaving_a_file(
        transcriber: Transcriber, tmp_path: Path) -> None:
    session = Session(transcriber, tmp_path, SessionOptions(), print,
                      sd=FakeSoundDevice(devices=[]))  # type: ignore[arg-type]
    with pytest.raises(audio.NoMicrophoneError):
        session.start()
    assert list(tmp_path.iterdir()) == []


def test_overflow_is_reported_and_cancel_ends_without_text(
        transcriber: Transcriber, tmp_path: Path, clip: np.ndarray) -> None:
    events: list[Event] = []
    sd = FakeSoundDevice(clip, speed=4, overflow_blocks=(5,))
    session = Session(transcriber, tmp_path, SessionOptions(max_seconds=0.5), events.append,
                      sd=sd)  # type: ignore[arg-type]
    session.start()
    assert session.wait(timeout=60) is not None
    [dropout] = [e for e in events if isinstance(e, Dropout)]
    assert dropout.blocks == 1 and "lost" in dropout.message

    events.clear()
    session = Session(transcriber, tmp_path, SessionOptions(), events.append,
                      sd=FakeSoundDevice(clip, speed=4))  # type: ignore[arg-type]
    session.start()
    session.cancel()
    assert session.wait(timeout=60) is None
    assert not [e for e in events if isinstance(e, Finished)]


def test_keep_days_zero_deletes_the_recording_once_transcribed(
        transcriber: Transcriber, tmp_path: Path, clip: np.ndarray) -> None:
    events: list[Event] = []
    session = Session(transcriber, tmp_path, SessionOptions(max_seconds=1.0, keep_days=0),
                      events.append, sd=FakeSoundDevice(clip, speed=4))  # type: ignore[arg-type]
    session.start()
    finished = session.wait(timeout=60)
    assert finished is not None and finished.recording is None
    assert list(tmp_path.glob("*.wav")) == []


def test_silence_after_speech_counts_down_and_stops_as_a_stop_would(
        transcriber: Transcriber, tmp_path: Path, clip: np.ndarray) -> None:
    events: list[Event] = []
    speech = clip[: 16000 * 4]
    options = SessionOptions(streaming=StreamingOptions(TranscribeOptions(language="en")),
                             stop_after_silence=1.5)
    session = Session(transcriber, tmp_path, options, events.append,
                      sd=FakeSoundDevice(speech, speed=4))  # type: ignore[arg-type]
    session.start()
    finished = session.wait(timeout=60)
    assert finished is not None and finished.text.lower().startswith("printing")
    kinds = [type(e) for e in events]
    assert kinds.index(AutoStopped) < kinds.index(Stopped) < kinds.index(Finished)
    assert [e for e in events if isinstance(e, AutoStopped)] == [AutoStopped("silence")]
    countdown = [e.seconds_left for e in events if isinstance(e, Countdown)]
    assert countdown[-3:] == [2, 1, 0]
    # Stopped 1.5 s after the last word (the VAD's hangover and a block or two later).
    assert 4.0 + 1.0 < finished.duration < 4.0 + 2.0


def test_a_dictation_nobody_spoke_in_is_not_stopped_by_silence(
        transcriber: Transcriber, tmp_path: Path) -> None:
    events: list[Event] = []
    session = Session(transcriber, tmp_path, SessionOptions(stop_after_silence=0.3),
                      events.append, sd=FakeSoundDevice(np.zeros(16000), speed=4))  # type: ignore[arg-type]
    session.start()
    assert session.wait(timeout=1.5) is None  # still recording
    session.stop()
    finished = session.wait(timeout=30)
    assert finished is not None and finished.text == ""
    assert not [e for e in events if isinstance(e, Countdown | AutoStopped)]


def test_muted_audio_is_recorded_but_not_transcribed(
        transcriber: Transcriber, tmp_path: Path, clip: np.ndarray) -> None:
    sound_playing = threading.Event()  # never ends within the test
    session = Session(transcriber, tmp_path, SessionOptions(max_seconds=4.0), lambda e: None,
                      sd=FakeSoundDevice(clip[: 16000 * 4], speed=4))  # type: ignore[arg-type]
    session.mute(sound_playing)
    session.start()
    finished = session.wait(timeout=60)
    assert finished is not None and finished.text == ""
    assert finished.recording is not None
    with wave.open(str(finished.recording), "rb") as w:
        recorded = np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32768
    assert audio.levels(recorded.astype(np.float32))[1] > -20  # the speech is on disk
