"""Streaming: commits at pauses and agreed segment ends, forced cuts,
partials, stops that reuse an advance decode, no text from noise."""

import time
from pathlib import Path

import numpy as np
import pytest

from desktop.engine.decode import AudioFile
from desktop.engine.streaming import (
    Committed,
    Partial,
    StreamEvent,
    StreamingOptions,
    StreamingSession,
)
from desktop.engine.transcriber import Decoded, TranscribeOptions, Transcriber
from desktop.engine.transcript import Segment
from tests.conftest import DATA_DIR
from tests.wer import wer

LJ = DATA_DIR
FIRST = ("Printing, in the only sense with which we are at present concerned, differs from "
         "most if not from all the arts and crafts represented in the Exhibition")
SECOND = "in being comparatively modern."
OPTIONS = StreamingOptions(TranscribeOptions(language="en"))


def load(path: Path) -> np.ndarray:
    with AudioFile(path) as media:
        return np.concatenate(list(media.chunks()))


def stream(transcriber: Transcriber, audio: np.ndarray, options: StreamingOptions = OPTIONS,
           speed: float | None = None) -> tuple[str, list[StreamEvent]]:
    events: list[StreamEvent] = []
    session = StreamingSession(transcriber, options, events.append)
    session.start()
    step = 320
    start = time.monotonic()
    for i in range(0, len(audio), step):
        if speed:
            time.sleep(max(0.0, start + i / 16000 / speed - time.monotonic()))
        session.feed(audio[i : i + step])
    return session.finish(), events


class CountingTranscriber(Transcriber):
    calls = 0

    def transcribe_audio(self, audio, options, encoder_padding=None, *, looping_retry=True):  # type: ignore[no-untyped-def]
        self.calls += 1
        return super().transcribe_audio(audio, options, encoder_padding,
                                        looping_retry=looping_retry)


class ScriptedTranscriber:
    """Partials (beam 1) say "one." up to 3 s, then "two"; final decodes say "final"."""

    def transcribe_audio(self, audio: np.ndarray, options: TranscribeOptions,
                         encoder_padding: float | None = None, *,
                         looping_retry: bool = True) -> Decoded:
        seconds = len(audio) / 16000
        if options.beam_size > 1:
            return Decoded([Segment(0.0, seconds, "final")], "en")
        if seconds < 3.5:
            return Decoded([Segment(0.0, seconds, "one")], "en")
        return Decoded([Segment(0.0, 3.0, "one."), Segment(3.0, seconds, "two")], "en")


def test_silence_breath_and_keys_are_never_decoded(transcriber: Transcriber) -> None:
    counting = CountingTranscriber(transcriber.ref, transcriber._options)
    counting._model = transcriber.model()
    rng = np.random.default_rng(1)
    silence = np.zeros(16000 * 2, dtype=np.float32)
    hiss = (0.003 * rng.standard_normal(16000 * 2)).astype(np.float32)
    keys = np.zeros(16000 * 2, dtype=np.float32)
    for at in range(0, len(keys) - 200, 2400):  # a key click every 150 ms
        keys[at : at + 200] = 0.3 * rng.standard_normal(200) * np.exp(-np.arange(200) / 30)
    text, events = stream(counting, np.concatenate([silence, hiss, keys, silence]))
    assert text == ""
    assert counting.calls == 0
    assert not [e for e in events if e.text]


def test_a_pause_commits_the_span_before_it(transcriber: Transcriber) -> None:
    gap = np.zeros(16000, dtype=np.float32)
    audio = np.concatenate([load(LJ / "LJ001-0002.wav"), gap, load(LJ / "LJ001-0001.wav")])
    text, events = stream(transcriber, audio)
    commits = [e for e in events if isinstance(e, Committed)]
    assert len(commits) >= 2
    assert wer([SECOND], [commits[0].text]) == 0
    assert commits[0].end <= 1.9 + 0.6
    assert [c.start for c in commits] == sorted(c.start for c in commits)
    assert wer([f"{SECOND} {FIRST}"], [text]) <= 10


def test_a_long_span_is_cut_and_partials_show_while_speaking(transcriber: Transcriber) -> None:
    options = StreamingOptions(TranscribeOptions(language="en"), max_span=5.0,
                               partial_interval=0.5)
    text, events = stream(transcriber, load(LJ / "LJ001-0001.wav"), options, speed=2.0)
    commits = [e for e in events if isinstance(e, Committed)]
    assert len(commits) >= 2
    assert all(c.end - c.start <= 5.0 + 0.05 for c in commits[:-1])
    assert [e for e in events if isinstance(e, Partial) and e.text]
    assert wer([FIRST], [text]) <= 15


@pytest.mark.parametrize("seconds", [0.0, 0.01])
def test_finishing_without_audio_gives_empty_text(transcriber: Transcriber,
                                                  seconds: float) -> None:
    text, events = stream(transcriber, np.zeros(int(seconds * 16000), dtype=np.float32))
    assert (text, events) == ("", [])


def test_a_stop_after_a_short_pause_reuses_the_advance_decode(transcriber: Transcriber) -> None:
    audio = np.concatenate([load(LJ / "LJ001-0002.wav"), np.zeros(6400, dtype=np.float32)])
    session = StreamingSession(transcriber, OPTIONS, lambda event: None)
    session.start()
    session.feed(audio)
    deadline = time.monotonic() + 60
    while not [d for d in session.decodes if d[0] == "advance"] and time.monotonic() < deadline:
        time.sleep(0.02)
    text = session.finish()
    assert [d[0] for d in session.decodes] == ["advance"]
    assert wer([SECOND], [text]) == 0


def test_two_partials_that_agree_commit_the_segment_they_agree_on() -> None:
    # The scripted texts do not follow the audio: partials of the whole span only.
    options = StreamingOptions(TranscribeOptions(language="en"), spec_silence=5.0,
                               commit_silence=5.0, eager_span=2.0, partial_interval=0.1,
                               partial_window=None)
    text, events = stream(ScriptedTranscriber(), load(LJ / "LJ001-0001.wav"),  # type: ignore[arg-type]
                          options, speed=4.0)
    commits = [e for e in events if isinstance(e, Committed)]
    assert len(commits) >= 2 and commits[0].text == "final"
    assert commits[0].end == pytest.approx(3.0, abs=0.35)
    # The words after the cut stay on screen until the next partial.
    assert events[events.index(commits[0]) + 1] == Partial("two", commits[0].text)
    assert text.startswith("final final")


class PromptedTranscriber:
    """Final decodes return the next of ``texts`` and keep the prompt they were given."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.prompts: list[str | None] = []
        self.calls: list[tuple[float, TranscribeOptions]] = []

    def transcribe_audio(self, audio: np.ndarray, options: TranscribeOptions,
                         encoder_padding: float | None = None, *,
                         looping_retry: bool = True) -> Decoded:
        self.calls.append((len(audio) / 16000, options))
        if options.beam_size == 1:
            return Decoded([], "")
        self.prompts.append(options.initial_prompt)
        return Decoded([Segment(0.0, len(audio) / 16000, self.texts.pop(0))], "en")


def test_a_span_full_stop_waits_for_the_next_span_to_start_a_sentence() -> None:
    gap = np.zeros(16000, dtype=np.float32)
    speech = load(LJ / "LJ001-0002.wav")
    scripted = PromptedTranscriber(["One sentence.", "...goes on...", "New one, i.e.", "more"])
    events: list[StreamEvent] = []
    session = StreamingSession(scripted, OPTIONS, events.append)  # type: ignore[arg-type]
    session.start()
    audio = np.concatenate([speech, gap, speech, gap, speech, gap, speech])
    for i in range(0, len(audio), 320):
        session.feed(audio[i : i + 320])
    text = session.finish()
    assert text == "One sentence goes on. New one, i.e. more."
    assert session.spans == 4
    assert [e.text for e in events if isinstance(e, Committed)] == [
        "One sentence", "goes on", ". New one, i.e.", "more", "."]
    assert scripted.prompts == [None, "One sentence...", "One sentence goes on...",
                                "One sentence goes on. New one, i.e."]


def test_decodes_are_bounded_and_a_stop_waits_for_one_fallback_at_most() -> None:
    scripted = PromptedTranscriber(["Still speaking"])
    options = StreamingOptions(TranscribeOptions(language="en"), partial_interval=0.1)
    stream(scripted, load(LJ / "LJ001-0001.wav")[: 16000 * 3], options, speed=4.0)  # type: ignore[arg-type]
    assert all(o.max_new_tokens is not None and o.max_new_tokens <= 20 + 10 * seconds
               for seconds, o in scripted.calls)
    partials = [o for _, o in scripted.calls if o.beam_size == 1]
    assert partials and all(o.temperatures == (0.0,) for o in partials)
    assert scripted.calls[-1][1].temperatures == (0.0, 0.4)
    assert TranscribeOptions().temperatures == (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


class SayingTranscriber:
    """Every decode (partial or final) says ``text``; partials cost 50 ms of CPU and note
    when they ran and with which padding."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.partial_paddings: list[tuple[float, float | None]] = []
        self.partial_times: list[float] = []

    def transcribe_audio(self, audio: np.ndarray, options: TranscribeOptions,
                         encoder_padding: float | None = None, *,
                         looping_retry: bool = True) -> Decoded:
        if options.beam_size == 1:
            self.partial_paddings.append((len(audio) / 16000, encoder_padding))
            self.partial_times.append(time.monotonic())
            busy = time.process_time() + 0.05  # the CPU a decode costs
            while time.process_time() < busy:
                pass
        return Decoded([Segment(0.0, len(audio) / 16000, self.text)], "en")


def bursts(speech: np.ndarray, burst: float = 0.15, gap: float = 0.3) -> np.ndarray:
    """Snippets of speech too short for a word (Silero hears no 0.25 s in a row)."""
    parts = []
    for k in range(12):
        start = int((0.5 + k * 0.5) * 16000)
        parts += [speech[start : start + int(burst * 16000)],
                  np.zeros(int(gap * 16000), dtype=np.float32)]
    return np.concatenate(parts)


@pytest.mark.parametrize("said", ["Thank you.", "Thanks for watching!", "you"])
def test_whisper_phrases_for_noise_are_dropped_when_no_word_was_heard(said: str) -> None:
    noise = bursts(load(LJ / "LJ001-0001.wav"))
    text, events = stream(SayingTranscriber(said), noise)  # type: ignore[arg-type]
    assert text == ""
    assert not [e for e in events if isinstance(e, Partial) and e.text]


def test_the_same_words_spoken_are_kept() -> None:
    text, _ = stream(SayingTranscriber("Thank you."),  # type: ignore[arg-type]
                     load(LJ / "LJ001-0001.wav"))
    assert text.startswith("Thank you")


def test_other_words_on_short_snippets_are_never_dropped() -> None:
    text, _ = stream(SayingTranscriber("Yes."),  # type: ignore[arg-type]
                     bursts(load(LJ / "LJ001-0001.wav")))
    assert text.startswith("Yes")


def test_partials_keep_to_their_share_of_the_time_and_their_padding() -> None:
    saying = SayingTranscriber("words")
    options = StreamingOptions(TranscribeOptions(language="en"), spec_silence=5.0,
                               commit_silence=5.0, partial_interval=0.01, partial_load=0.25,
                               partial_padding=4.0)
    stream(saying, load(LJ / "LJ001-0001.wav")[: 16000 * 4], options, speed=1.0)  # type: ignore[arg-type]
    gaps = np.diff(saying.partial_times)
    # Each partial costs >= 50 ms of CPU: at a quarter of a CPU, the next starts >= 200 ms
    # after it began (not 100 ms, which keeping the decoder idle half the time allows).
    assert len(gaps) >= 3 and gaps.min() >= 0.2 - 0.01
    # 4 s of padding, and at least 8 s encoded: shorter, Whisper loops.
    assert all(padding == max(4.0, 8.0 - seconds) for seconds, padding in saying.partial_paddings)


class PlacedTranscriber:
    """Says one word per 0.4 s of ``clip``, named by its place ("w0 w1 …"), for whatever
    part of the clip it is given; notes the seconds of audio each partial decodes."""

    def __init__(self, clip: np.ndarray) -> None:
        self.clip = clip
        self.partial_seconds: list[float] = []

    def transcribe_audio(self, audio: np.ndarray, options: TranscribeOptions,
                         encoder_padding: float | None = None, *,
                         looping_retry: bool = True) -> Decoded:
        start = next(int(i) for i in np.flatnonzero(self.clip == audio[0])
                     if np.array_equal(self.clip[i : i + 400], audio[:400]))
        if options.beam_size == 1:
            self.partial_seconds.append(len(audio) / 16000)
        first, last = -(-start // 6400), (start + len(audio)) // 6400
        words = " ".join(f"w{k}" for k in range(first, last))
        return Decoded([Segment(0.0, len(audio) / 16000, words)] if words else [], "en")


def test_partials_of_a_long_span_decode_its_end_and_join_the_words_before() -> None:
    clip = load(LJ / "LJ001-0001.wav")
    placed = PlacedTranscriber(clip)
    options = StreamingOptions(TranscribeOptions(language="en"), spec_silence=5.0,
                               commit_silence=5.0, eager_span=30.0, partial_interval=0.3,
                               partial_window=3.0)
    _, events = stream(placed, clip, options, speed=2.0)  # type: ignore[arg-type]
    shown = [e.text.split() for e in events if isinstance(e, Partial) and e.text]
    # Every partial reads w0, w1, … without a gap or a repeat, however it was joined.
    assert len(shown) >= 5
    assert all(words == [f"w{k}" for k in range(len(words))] for words in shown)
    assert max(len(words) for words in shown) * 0.4 >= 6.0
    # Past the first 3 s, partials decode 3 s (and the way back to a pause), not the span.
    assert max(placed.partial_seconds) <= 3.0 + 0.3 + 0.05
