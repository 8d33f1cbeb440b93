"""Streaming transcription: words while you speak, the final text the moment you stop.

Audio is fed in blocks. A streaming Silero VAD (:mod:`desktop.engine.vad`) splits it into
spans. As soon as a pause reaches ``spec_silence`` (a breath between phrases), the open
span up to that pause is decoded in advance at final quality (the file path's options,
beam 5, the committed text so far as the prompt) and the result is kept. If the pause
reaches ``commit_silence``, or the span is already ``eager_span`` long, that text is
committed: it never changes, and the next span starts at the pause.

While a span is open, a cheaper decode (beam 1, ``partial_padding``) gives the volatile
partial text. It decodes only the span's last ``partial_window`` seconds and joins their
words to the previous partial's where the two agree: a partial of the whole span cost
more the longer the span (0.15 CPU-s at 1.3 s of audio, 0.73 at 18 s, tiny.en). Partials
come at most every ``partial_interval``, none while the speaker pauses (nothing new is
heard; a ``spec_silence`` pause brings the advance decode's text), and no more often than
keeps them to ``partial_load`` of a CPU: a slower machine or a bigger model gets fewer
partials, not a busier CPU. When two partials in a row agree on a Whisper segment that is
followed by another (LocalAgreement-2), the span is cut at that segment's end and the
part before it is committed, so people who rarely pause still get commits. A span that
runs past ``max_span`` anyway is cut at its longest internal pause. At
:meth:`StreamingSession.finish` only the uncommitted tail is left; when the speaker paused
before stopping, its advance decode is already done and the stop costs no decode. Spans
with less than ``min_speech`` of speech are never decoded, so silence, breaths and
keyboard noise produce no text. What Whisper writes on noise it mistakes for speech
("Thank you.", "Thanks for watching!", VoiceInk #88, FluidVoice #762) is dropped when it
is all a decode found and the VAD heard no stretch of ``min_speech`` speech in a row in
that audio; said by someone, those words are kept.

Whisper ends every span with a full stop: it cannot hear that the sentence goes on after
the pause. So a span's final full stop is held back, and the next span is decoded with the
committed text ending in "..." as its prompt: Whisper then starts a continuation in lower
case and a new sentence in upper case (right at 22 of 31 clip joins of LJ001, against 14
with the full stop, which always gave a capital). A lower-case start drops the held full
stop; anything else commits it, at the start of the next span's text. The end of the
dictation ends its last sentence.
"""

import dataclasses
import difflib
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from desktop.engine.decode import SAMPLE_RATE, AudioArray
from desktop.engine.transcriber import PROMPT_CHARS, TranscribeOptions, Transcriber
from desktop.engine.transcript import Segment, add_segment, join_text
from desktop.engine.vad import FRAME, StreamingVad

log = logging.getLogger(__name__)

# How far from a segment boundary Whisper gave to look for the quietest VAD frame to cut at.
SNAP_SECONDS = 0.3
# Ends a prompt whose last full stop is held back; Whisper sometimes repeats it.
TRAILING_OFF = "..."
# A decode of a live span may write at most this many tokens, plus this many per second
# of audio (read speech is 3-4 tokens a second): a looping decode stops there.
MIN_TOKENS = 20
TOKENS_PER_SECOND = 10
# How many words at the end of the last partial are searched for a window's first words.
STITCH_REACH = 12
# A partial of the span's end starts at least this far inside the audio of the words
# shown last, so the two share words even when Whisper left the last ones out.
STITCH_OVERLAP = 1.5
# Seconds a partial's encoder sees at least, audio and padding: with 4 s of padding,
# tiny.en looped on 3 of 28 partials, of 0.6-2 s of audio (each a decode for nothing).
MIN_PARTIAL_ENCODED = 8.0
# What Whisper writes on non-speech (lower case, without punctuation).
PHANTOMS = frozenset({
    "thank you", "thank you very much", "thanks for watching", "thank you for watching",
    "thanks for listening", "thank you for listening", "please subscribe", "subscribe",
    "you", "bye", "bye bye", "the end", "music", "applause", "blank audio", "silence",
})


@dataclass(frozen=True)
class StreamingOptions:
    """How to stream.

    Attributes:
        transcribe: final-quality decoding options (the same as for files).
        spec_silence: seconds of pause after which the open span is decoded in advance.
        commit_silence: seconds of pause that close and commit a span.
        eager_span: a span at least this many seconds long is committed at a
            ``spec_silence`` pause already, or where two partials in a row agree on
            the segments before it (keeps the tail decoded at stop short).
        agreement: commit at segment ends two partials agree on (LocalAgreement-2).
        max_span: longest uncommitted span in seconds before a forced cut.
        partial_interval: least seconds between two partial decodes.
        partial_load: most share of one CPU spent on partial decodes: the next one
            starts no sooner than the last one's CPU seconds divided by this.
        partial_padding: ``encoder_padding`` of partial decodes (more for short audio,
            see MIN_PARTIAL_ENCODED).
        partial_window: seconds at the end of the open span a partial decodes, the words
            before them taken from the last partial (None: the whole span).
        partial_beam_size: beam width of partial decodes.
        min_speech: seconds of VAD speech a span needs to be decoded at all.
        pad: seconds of audio kept around speech when cutting.
        encoder_padding: seconds of padding the encoder sees after a span, instead of
            the rest of Whisper's 30-s window (None: all of it).
        stop_temperatures: the temperatures tried for the decode a stop waits for (each
            fallback is a whole decode more).
    """

    transcribe: TranscribeOptions = field(default_factory=TranscribeOptions)
    spec_silence: float = 0.2
    commit_silence: float = 0.5
    eager_span: float = 4.0
    agreement: bool = True
    max_span: float = 22.0
    partial_interval: float = 1.0
    partial_load: float = 0.09
    partial_padding: float | None = 4.0
    partial_window: float | None = 4.0
    partial_beam_size: int = 1
    min_speech: float = 0.25
    pad: float = 0.2
    encoder_padding: float | None = 10.0
    stop_temperatures: tuple[float, ...] = (0.0, 0.4)


@dataclass(frozen=True)
class Partial:
    """Volatile text of the span being spoken; replaces the previous Partial.

    Attributes:
        text: the words heard since the last commit (may be empty).
        committed: the committed text so far, which ``text`` follows.
    """

    text: str
    committed: str = ""

    @property
    def shown(self) -> str:
        """The committed text followed by the volatile words: what to show live."""
        return join_text([self.committed, self.text])


@dataclass(frozen=True)
class Committed:
    """Final text for a span of the recording; it will not change.

    Attributes:
        text: the words.
        start: span start, seconds from the beginning of the recording.
        end: span end, in seconds.
    """

    text: str
    start: float
    end: float


StreamEvent = Partial | Committed


@dataclass(frozen=True)
class _Job:
    kind: str  # "commit", "advance" (final quality, kept), "partial" or "tail"
    start: int  # samples from the beginning of the recording
    end: int
    rest: str = ""  # partial text after ``end``, shown once the span is committed
    span: int | None = None  # a partial of the end of a span: where the span starts

    @property
    def span_start(self) -> int:
        return self.start if self.span is None else self.span


class StreamingSession:
    """Turns fed audio into partial and committed text with one decoder thread.

    :meth:`feed` is called by one thread (the capture worker); events are delivered on
    the decoder thread ("streaming-decoder"); :meth:`finish` and :meth:`cancel` may be
    called from any thread.

    Attributes:
        committed: the committed spans so far.
        language: the language set, else the one the first final-quality decode that
            found words detected (then fixed for the rest of the dictation, as for a
            file's windows), else "".
        decodes: (kind, audio seconds, milliseconds) of every decode so far, for
            diagnostics; appended by the decoder thread.
    """

    def __init__(
        self,
        transcriber: Transcriber,
        options: StreamingOptions,
        on_event: Callable[[StreamEvent], None],
    ) -> None:
        self._transcriber = transcriber
        self._options = options
        self._on_event = on_event
        self._cond = threading.Condition()
        self._vad = StreamingVad()
        self._audio = _Buffer()
        self._span_start = 0
        self._speech_start: int | None = None
        self._speech_end = 0
        self._commits: deque[_Job] = deque()
        self._finishing = self._done = self._cancelled = self._heard = False
        self._held_stop = False  # the last committed span ended with a full stop not shown
        self._partial_upto = 0
        self._next_partial = 0.0
        # The latest pause worth an advance decode, and the last advance decode's result.
        self._pause: tuple[int, int] | None = None
        self._advance: tuple[int, int, str] | None = None
        # The last partial's span start and segments (words, end in samples).
        self._last_partial: tuple[int, list[tuple[list[str], int]]] | None = None
        # The open span's start, its words last shown (before the held full stop) and
        # the end of the audio they were heard in.
        self._volatile: tuple[int, str, int] = (0, "", 0)
        self._error: BaseException | None = None
        self.committed: list[Committed] = []
        self.language = options.transcribe.language or ""
        self.decodes: list[tuple[str, float, float]] = []
        self._thread = threading.Thread(target=self._run, name="streaming-decoder", daemon=True)

    @property
    def text(self) -> str:
        """The committed text so far."""
        return join_text(c.text for c in self.committed)

    @property
    def segments(self) -> tuple[Segment, ...]:
        """The committed text as segments (a held-back full stop joins the span before)."""
        segments: list[Segment] = []
        for c in self.committed:
            add_segment(segments, Segment(c.start, c.end, c.text))
        return tuple(segments)

    @property
    def spans(self) -> int:
        """How many spans of audio were committed (not counting the closing full stop,
        committed alone at the end with no length)."""
        return sum(c.end > c.start for c in self.committed)

    @property
    def silence_after_speech(self) -> float | None:
        """Seconds since speech was last heard, or None before any speech."""
        with self._cond:
            if not self._heard:
                return None
            return (self._now() - self._speech_end) / SAMPLE_RATE

    def start(self) -> None:
        """Start the decoder thread (and load the model there if needed)."""
        self._thread.start()

    def feed(self, audio: AudioArray) -> None:
        """Add 16 kHz mono audio. Cheap: runs the VAD and wakes the decoder."""
        with self._cond:
            self._audio.append(audio)
            first = len(self._vad.flags)
            self._vad.feed(audio)
            self._track(first)
            self._cond.notify_all()

    def finish(self) -> str:
        """Decode what is left after the last commit and return the final text.

        Raises:
            Exception: whatever stopped the decoder (for example a broken model).
        """
        with self._cond:
            first = len(self._vad.flags)
            self._vad.flush()
            self._track(first)
            self._finishing = True
            self._cond.notify_all()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self.text

    def cancel(self) -> None:
        """Stop after the decode in progress, without decoding the rest."""
        with self._cond:
            self._cancelled = True
            self._cond.notify_all()

    def _track(self, first: int) -> None:
        flags = self._vad.flags
        for i in range(first, len(flags)):
            if flags[i]:
                self._heard = True
                if self._speech_start is None:
                    self._speech_start = i * FRAME
                self._speech_end = (i + 1) * FRAME
        now = self._now()
        if self._speech_start is None:
            # Nothing said yet in this span: let it slide, keeping a little lead-in.
            self._span_start = max(self._span_start, now - self._samples("pad"))
        elif self._paused("commit_silence"):
            self._cut(self._pause_cut())
        elif self._paused("spec_silence"):
            # Kept after speech resumes: a busy decoder still decodes up to this pause.
            self._pause = (self._span_start, self._pause_cut())
        elif now - self._span_start >= self._samples("max_span"):
            # The VAD classifies a few frames at a time: ``now`` may be past the limit.
            self._cut(self._longest_pause(self._span_start + self._samples("max_span")))

    def _cut(self, at: int, rest: str = "", rest_end: int = 0) -> None:
        self._commits.append(_Job("commit", self._span_start, at, rest))
        self._span_start = at
        self._speech_start = at if self._speech_end > at else None
        self._partial_upto = at
        self._volatile = (at, rest, rest_end)

    def _pause_cut(self) -> int:
        """Where a span ends at the current pause: a little after the last speech.

        The same point for every use during one pause, so an advance decode can be reused.
        """
        pad = min(self._samples("pad"), self._samples("spec_silence") // 2)
        return min(self._speech_end + pad, self._now())

    def _paused(self, name: str) -> bool:
        """Whether the open span has speech and has been quiet for option ``name``."""
        return (self._speech_start is not None and not self._speaking()
                and self._now() - self._speech_end >= self._samples(name))

    def _longest_pause(self, now: int) -> int:
        """Return the middle of the longest pause in the open span (or ``now``)."""
        first = (self._span_start + SAMPLE_RATE) // FRAME
        flags = np.array(self._vad.flags[first : now // FRAME], dtype=bool)
        edges = np.flatnonzero(np.diff(np.concatenate([[1], flags.astype(int), [1]])))
        runs = edges.reshape(-1, 2)  # [start, stop) of each non-speech run
        if len(runs) == 0:
            return now
        lengths = runs[:, 1] - runs[:, 0]
        start, stop = runs[int(np.argmax(lengths))]
        return int((first + (start + stop) // 2) * FRAME)

    def _run(self) -> None:
        # Thread boundary: log and keep the error for finish().
        try:
            while (job := self._next_job()) is not None:
                self._do(job)
            if self._done and self.committed and (
                    self._held_stop or self.committed[-1].text[-1].isalnum()):
                # The end of the dictation ends its last sentence.
                self._commit_text(".", self.committed[-1].end, self.committed[-1].end)
        except Exception as e:
            log.exception("Streaming transcription failed")
            self._error = e

    def _next_job(self) -> _Job | None:
        with self._cond:
            while True:
                if self._cancelled or self._done:
                    return None
                if self._commits:
                    return self._commits.popleft()
                if self._finishing:
                    self._done = True
                    return self._tail_job()
                job = self._advance_job() or self._partial_job()
                if job is not None:
                    return job
                self._cond.wait()

    def _tail_job(self) -> _Job | None:
        if self._speech_start is None:
            return None
        end = self._audio.end
        if self._paused("spec_silence"):
            end = self._pause_cut()
        elif not self._speaking():
            end = min(end, self._speech_end + self._samples("pad"))
        return _Job("tail", self._span_start, end)

    def _advance_job(self) -> _Job | None:
        span, self._pause = self._pause, None
        if span is None or span[0] != self._span_start:
            return None
        if self._advance is not None and self._advance[:2] == span:
            return None
        return _Job("advance", *span)

    def _partial_job(self) -> _Job | None:
        now = self._now()
        if self._speech_start is None or now - self._partial_upto < FRAME * 8:
            return None
        if not self._speaking() or time.monotonic() < self._next_partial:
            # In a pause nothing new is heard; once it lasts spec_silence, the advance
            # decode gives the text, and if speech goes on the partial comes then.
            return None
        start, window = self._span_start, self._options.partial_window
        shown_from, shown, shown_end = self._volatile
        if window is not None and shown_from == start and shown:
            near = min(now - int(window * SAMPLE_RATE),
                       shown_end - int(STITCH_OVERLAP * SAMPLE_RATE))
            start = max(start, self._quietest(near))
        return _Job("partial", start, now, span=self._span_start)

    def _do(self, job: _Job) -> None:
        with self._cond:
            cached = self._advance
            audio = self._audio.copy(job.start, job.end)
            speech = sum(self._vad.flags[job.start // FRAME : job.end // FRAME]) * FRAME
            prompt = self._prompt()
        began, cpu = time.monotonic(), time.process_time()
        segments: list[Segment] = []
        if job.kind != "partial" and cached is not None and cached[:2] == (job.start, job.end):
            segments = [Segment(0.0, 0.0, cached[2])]
        elif speech >= self._samples("min_speech"):
            segments = self._decode(audio, prompt, job.kind)
            self.decodes.append((job.kind, len(audio) / SAMPLE_RATE,
                                 (time.monotonic() - began) * 1000))
        if segments and _phantom(segments) and not self._voiced(job.start, job.end):
            log.info("Dropped %r: no speech in a row under it", join_text(s.text for s in segments))
            segments = []
        text = join_text(s.text for s in segments)
        if job.kind == "partial":
            self._partial_done(job, segments, began, time.process_time() - cpu)
        elif job.kind == "advance":
            self._advance_done(job, text)
        else:
            self._commit(job, text)

    def _commit(self, job: _Job, text: str) -> None:
        with self._cond:
            self._audio.drop_before(job.end)
            self._advance = None
        self._commit_text(self._settle_full_stop(text), job.start / SAMPLE_RATE,
                          job.end / SAMPLE_RATE)
        self._on_event(self._partial(job.rest))

    def _commit_text(self, text: str, start: float, end: float) -> None:
        if not text:
            return
        event = Committed(text, start, end)
        with self._cond:
            self.committed.append(event)
        self._on_event(event)

    def _partial(self, text: str) -> Partial:
        return Partial(self._after_held_stop(text), self.text)

    def _after_held_stop(self, text: str) -> str:
        """Return ``text`` as it follows the committed text: after the held full stop,
        unless it continues the sentence (starts in lower case)."""
        text = text.removeprefix(TRAILING_OFF).strip()
        letter = re.search(r"[^\W\d_]", text)
        if text and self._held_stop and not (letter and letter.group().islower()):
            return ". " + text
        return text

    def _settle_full_stop(self, text: str) -> str:
        """Commit or drop the full stop held before ``text``, and hold back its own."""
        text = self._after_held_stop(text)
        if text:
            # "." or the "..." of a prompt that trailed off, but not an abbreviation's.
            word = text.split()[-1].rstrip(".")
            self._held_stop = text.endswith(".") and "." not in word
            text = text.rstrip(".") if self._held_stop else text
        return text

    def _advance_done(self, job: _Job, text: str) -> None:
        with self._cond:
            self._advance = (job.start, job.end, text)
            current = job.start == self._span_start and not self._commits
            if current and job.end - job.start >= self._samples("eager_span"):
                self._cut(job.end)  # committed next, from the text just decoded
                current = False
            if current:
                self._volatile = (job.start, text, job.end)
        if current:
            self._on_event(self._partial(text))

    def _partial_done(self, job: _Job, segments: list[Segment], began: float,
                      cpu: float) -> None:
        took = time.monotonic() - began
        text = join_text(s.text for s in segments)
        with self._cond:
            current = job.span_start == self._span_start and not self._commits
            shown_from, shown, _ = self._volatile
            new: str | None = text
            if current and shown and shown_from == job.span_start and not text:
                new = None  # the partial looped, or heard nothing: keep what is shown
            elif current and job.start > job.span_start:  # the end of the span only
                new = _stitch(shown, text)
                if new is None:
                    log.info("A partial of the span's end did not join; the next is whole")
                    self._volatile = (job.span_start, "", job.end)
            self._partial_upto = job.end
            # Keep the decoder idle at least half the time, so a stop rarely waits, and
            # partials to their share of the CPU. CTranslate2 computes on threads of its
            # own: the process's CPU time is what the decode cost, whatever else runs.
            self._next_partial = began + max(self._options.partial_interval, 2 * took,
                                             cpu / self._options.partial_load)
            if current and self._options.agreement:
                self._commit_agreed(job, segments)
            if current and new is not None:
                self._volatile = (job.span_start, new, job.end)
        if current and new is not None:
            self._on_event(self._partial(new))

    def _commit_agreed(self, job: _Job, segments: list[Segment]) -> None:
        """Cut the open span after the segments this partial and the last one agree on.

        LocalAgreement-2 (Macháček et al., "Turning Whisper into Real-Time Transcription
        System", 2023) at segment granularity: a segment two decodes of a growing span
        agree on (same words, ending within SNAP_SECONDS; partials of the span's end
        start at different points, so their first segments may differ), and that is
        followed by another, is complete. Its end (snapped to the quietest VAD frame
        near it) is cut and re-decoded at final quality.
        """
        placed = [(_words(s.text), job.start + int(s.end * SAMPLE_RATE)) for s in segments]
        previous, self._last_partial = self._last_partial, (job.span_start, placed)
        if previous is None or previous[0] != job.span_start:
            return
        reach = int(SNAP_SECONDS * SAMPLE_RATE)
        earlier = previous[1][:-1]
        for i in range(len(segments) - 1, 0, -1):
            words, end = placed[i - 1]
            if not any(w == words and abs(e - end) <= reach for w, e in earlier):
                continue
            gap = (segments[i - 1].end + segments[i].start) / 2
            at = self._quietest(job.start + int(gap * SAMPLE_RATE))
            if self._samples("eager_span") <= at - job.span_start and at < job.end:
                self._cut(at, join_text(s.text for s in segments[i:]), job.end)
                return

    def _voiced(self, start: int, end: int) -> bool:
        """Whether the VAD heard ``min_speech`` of speech in a row between the samples."""
        need = max(1, self._samples("min_speech") // FRAME)
        run = 0
        with self._cond:
            flags = self._vad.flags[start // FRAME : end // FRAME]
        for flag in flags:
            run = run + 1 if flag else 0
            if run >= need:
                return True
        return False

    def _quietest(self, near: int) -> int:
        """Return the middle of the frame with the least speech probability near ``near``."""
        reach = int(SNAP_SECONDS * SAMPLE_RATE) // FRAME
        first = max(self._span_start // FRAME + 1, near // FRAME - reach)
        probs = self._vad.probs[first : near // FRAME + reach + 1]
        if not probs:
            return near
        return (first + int(np.argmin(probs))) * FRAME + FRAME // 2

    def _decode(self, audio: AudioArray, prompt: str | None, kind: str) -> list[Segment]:
        # Spans are already cut by the streaming VAD: running Silero again inside
        # transcribe() would only cost time. Final decodes need no timestamps; partials
        # keep them for the agreement between two partials. A partial is a preview:
        # no fallback decodes for it; a stop waits for at most one per decode.
        options = dataclasses.replace(
            self._options.transcribe, initial_prompt=prompt, vad=False,
            without_timestamps=kind != "partial",
            max_new_tokens=MIN_TOKENS + int(TOKENS_PER_SECOND * len(audio) / SAMPLE_RATE))
        if kind == "partial":
            options = dataclasses.replace(options, beam_size=self._options.partial_beam_size,
                                          temperatures=options.temperatures[:1])
        elif kind == "tail" or self._finishing:
            options = dataclasses.replace(options, temperatures=self._options.stop_temperatures)
        if self.language:
            options = dataclasses.replace(options, language=self.language)
        padding = self._options.encoder_padding
        if kind == "partial":
            padding = self._options.partial_padding
            if padding is not None:
                padding = max(padding, MIN_PARTIAL_ENCODED - len(audio) / SAMPLE_RATE)
        decoded = self._transcriber.transcribe_audio(audio, options, padding,
                                                     looping_retry=kind != "partial")
        if decoded.segments and not self.language and kind != "partial":
            self.language = decoded.language
        return decoded.segments

    def _prompt(self) -> str | None:
        text = self.text or self._options.transcribe.initial_prompt or ""
        if self._held_stop:
            text += TRAILING_OFF
        return text[-PROMPT_CHARS:] or None

    def _now(self) -> int:
        return len(self._vad.flags) * FRAME

    def _speaking(self) -> bool:
        return bool(self._vad.flags) and self._vad.flags[-1]

    def _samples(self, name: str) -> int:
        return int(float(getattr(self._options, name)) * SAMPLE_RATE)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _stitch(before: str, after: str) -> str | None:
    """Join the words of a span's end to the words of the whole span decoded before.

    The two overlap: ``after`` starts inside audio ``before`` covers. They are joined
    where they agree on two or more words in a row near ``before``'s end; ``after``'s
    first words may differ (its audio starts at a pause, or inside a word).

    Returns:
        The joined text, or None when they agree nowhere.
    """
    a, b = before.split(), after.split()
    first = max(0, len(a) - STITCH_REACH)
    matcher = difflib.SequenceMatcher(None, [_key(w) for w in a[first:]],
                                      [_key(w) for w in b], autojunk=False)
    blocks = [m for m in matcher.get_matching_blocks() if m.size >= 2 and m.b <= 3]
    if not blocks:
        return None
    best = max(blocks, key=lambda m: m.size)
    return " ".join(a[: first + best.a] + b[best.b :])


def _key(word: str) -> str:
    return re.sub(r"[^a-z0-9']", "", word.lower())


def _phantom(segments: list[Segment]) -> bool:
    """Whether every segment is one of Whisper's phrases for non-speech."""
    return all(" ".join(re.findall(r"[a-z]+", s.text.lower())) in PHANTOMS for s in segments)


class _Buffer:
    """Growing audio storage addressed in samples from the start of the recording."""

    def __init__(self) -> None:
        self._data = np.zeros(30 * SAMPLE_RATE, dtype=np.float32)
        self._base = 0
        self._size = 0

    @property
    def end(self) -> int:
        return self._base + self._size

    def append(self, audio: AudioArray) -> None:
        if self._size + len(audio) > len(self._data):
            grown = np.zeros(2 * (self._size + len(audio)), dtype=np.float32)
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size : self._size + len(audio)] = audio
        self._size += len(audio)

    def copy(self, start: int, end: int) -> AudioArray:
        return self._data[max(0, start - self._base) : end - self._base].copy()

    def drop_before(self, sample: int) -> None:
        cut = min(max(0, sample - self._base), self._size)
        self._data[: self._size - cut] = self._data[cut : self._size]
        self._base += cut
        self._size -= cut
