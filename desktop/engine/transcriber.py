"""File and buffer transcription with faster-whisper.

One :class:`Transcriber` owns one WhisperModel, loaded on first use and freed by
:meth:`Transcriber.unload` when unused for a while (it loads again on the next use). Files
are decoded in
bounded windows (see :mod:`desktop.engine.decode`); a file no longer than one window is
transcribed in a single call, exactly as a bare ``WhisperModel.transcribe`` would.
Longer files are cut at the longest pause near each window's end, with the language fixed
after the first window and the previous window's text carried as the prompt.
"""

import contextlib
import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from faster_whisper.transcribe import get_compression_ratio
from faster_whisper.vad import VadOptions, get_speech_timestamps, get_vad_model

from desktop.engine import models, short_window, vocabulary
from desktop.engine.decode import SAMPLE_RATE, AudioArray, AudioFile
from desktop.engine.memory import keep_heap_small, release_free_memory
from desktop.engine.short_window import WhisperModel
from desktop.engine.transcript import Segment, Transcript
from desktop.engine.vocabulary import BiasMode, Vocabulary

log = logging.getLogger(__name__)

WINDOW_SECONDS = 600.0
CHUNK_SECONDS = 30.0
# Where to look for a pause to cut a long file at: the last tenth of each window.
CUT_SEARCH_SHARE = 0.1
# Below this peak level (about -80 dBFS) audio is digital silence: never decode it.
SILENCE_PEAK = 1e-4
PROMPT_CHARS = 200
# faster-whisper's default: text that compresses better than this is Whisper looping.
LOOPING_COMPRESSION = 2.4

ProgressCallback = Callable[[float], None]


class Error(Exception):
    """Base class for transcription errors."""


class CancelledError(Error):
    """The caller asked to stop."""

    def __str__(self) -> str:
        return "The transcription was cancelled."


@dataclass(frozen=True)
class TranscribeOptions:
    """How to decode.

    Attributes:
        language: a language code, or None to detect it.
        beam_size: beam width (1 = greedy).
        vad: skip non-speech with Silero VAD.
        initial_prompt: text that conditions the first window.
        without_timestamps: decode text tokens only (live spans whose times are unused).
        temperatures: the first decode's temperature, then those of the fallback decodes
            faster-whisper makes while the text looks wrong (repetitive or improbable).
        max_new_tokens: most tokens one decode may write (bounds a decode that loops).
        vocabulary: the user's terms, which bias the decoder (for audio that fits one
            30-s window), and replacement rules, which rewrite every segment it writes.
        bias: how the terms bias the decoder: ``"hotwords"`` or ``"prompt"``.
    """

    language: str | None = None
    beam_size: int = 5
    vad: bool = True
    initial_prompt: str | None = None
    without_timestamps: bool = False
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    max_new_tokens: int | None = None
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    bias: BiasMode = "hotwords"


@dataclass(frozen=True)
class Decoded:
    """What one decode of an audio buffer found.

    Attributes:
        segments: the recognised spans, times relative to the buffer's start.
        language: the language used or detected ("" for silence with none set).
    """

    segments: list[Segment]
    language: str


class Transcriber:
    """Owns a Whisper model and transcribes files and audio buffers with it.

    Thread-safe: any thread may call it. A live dictation marks itself with
    :meth:`live_priority`; file transcriptions then wait between segments until it ends.

    Attributes:
        ref: the model in use.
    """

    def __init__(self, ref: models.ModelRef, options: models.ModelOptions) -> None:
        self.ref = ref
        self._options = options
        self._model: WhisperModel | None = None
        self._load_lock = threading.Lock()
        self._live_sessions = 0
        self._live_done = threading.Condition()
        self._users = 0  # transcriptions running (under _load_lock)
        self._last_used = time.monotonic()

    def model(self) -> WhisperModel:
        """Return the model, loading it on first use.

        Raises:
            models.BrokenModelError: the model cannot be loaded.
        """
        with self._load_lock:
            return self._loaded()

    def unused_for(self) -> float | None:
        """Seconds since the model was last used (0 while in use), or None if not loaded.

        A live dictation uses it from start to end, between its decodes too. Any thread.
        """
        with self._load_lock, self._live_done:
            if self._model is None:
                return None
            if self._users or self._live_sessions:
                return 0.0
            return time.monotonic() - self._last_used

    def unload(self, unused_for: float) -> bool:
        """Free the model if it has not been used for ``unused_for`` seconds. Any thread.

        The next use loads it again. Checked under the load lock, so no transcription can
        start in between.

        Returns:
            Whether it was freed.
        """
        with self._load_lock:
            with self._live_done:
                busy = self._users or self._live_sessions
            if self._model is None or busy or time.monotonic() - self._last_used < unused_for:
                return False
            self._model = None
        release_free_memory()
        return True

    def load(self) -> WhisperModel:
        """Load the model and the Silero VAD model, so no transcription pays for them.

        Importing onnxruntime for the VAD holds the GIL for 25-185 ms (its extension
        module's initialisation); done here, it happens while the model loads instead of
        when the first dictation or file starts.

        Raises:
            models.BrokenModelError: the model cannot be loaded.
        """
        model = self.model()
        get_vad_model()
        return model

    @contextlib.contextmanager
    def live_priority(self) -> Iterator[None]:
        """Make file jobs pause between segments while the block runs."""
        with self._live_done:
            self._live_sessions += 1
        try:
            yield
        finally:
            with self._live_done:
                self._live_sessions -= 1
                self._last_used = time.monotonic()
                self._live_done.notify_all()

    def transcribe_file(
        self,
        path: Path,
        options: TranscribeOptions,
        on_progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> Transcript:
        """Transcribe an audio or video file.

        Args:
            path: any file ffmpeg reads.
            options: decoding options.
            on_progress: called with the fraction of the audio done, 0.0 to 1.0.
            cancel: set it to stop between segments.

        Raises:
            decode.Error: the file cannot be read (one sentence says why).
            CancelledError: ``cancel`` was set.
            models.BrokenModelError: the model cannot be loaded.
        """
        with self._in_use() as model:
            return self._transcribe_file(model, path, options, on_progress, cancel)

    def _transcribe_file(
        self,
        model: WhisperModel,
        path: Path,
        options: TranscribeOptions,
        on_progress: ProgressCallback | None,
        cancel: threading.Event | None,
    ) -> Transcript:
        keep_heap_small()
        segments: list[Segment] = []
        language = options.language
        prompt = options.initial_prompt
        with AudioFile(path) as media:
            total = media.duration
            for offset, window in _windows(media.chunks(CHUNK_SECONDS)):
                found, language = self._decode(
                    model, window, dataclasses.replace(options, language=language,
                                                       initial_prompt=prompt))
                for seg in found:
                    self._checkpoint(cancel)
                    segments.append(Segment(offset + seg.start, offset + seg.end, seg.text))
                    if on_progress:
                        done = offset + seg.end
                        on_progress(min(1.0, done / max(total or media.decoded_seconds, done)))
                if segments:
                    prompt = " ".join(s.text for s in segments)[-PROMPT_CHARS:]
                del window, found  # before the next window is read, not after
                release_free_memory()
            warnings = tuple(media.warnings)
            duration = media.decoded_seconds
        if on_progress:
            on_progress(1.0)
        return Transcript(str(path), duration, language or "", self.ref.name,
                          tuple(segments), warnings)

    def transcribe_audio(self, audio: AudioArray, options: TranscribeOptions,
                         encoder_padding: float | None = None, *,
                         looping_retry: bool = True) -> Decoded:
        """Transcribe a 16 kHz mono buffer in one call (for live dictation).

        Args:
            audio: at most 30 s.
            options: decoding options.
            encoder_padding: seconds of silence the encoder sees after the audio instead
                of the rest of the 30-s window (see :mod:`desktop.engine.short_window`).
            looping_retry: should Whisper loop on the shorter window, decode the full
                one; otherwise return no segments (for a preview: a full window costs
                four times as much).

        Returns:
            The segments, with times relative to the buffer's start, and the language.
        """
        with self._in_use() as model, short_window.padding(encoder_padding):
            found, language = self._decode(model, audio, options)
            segments = list(found)
        text = " ".join(s.text for s in segments)
        if encoder_padding is not None and get_compression_ratio(text) > LOOPING_COMPRESSION:
            if not looping_retry:
                log.info("Whisper looped on a shortened window; nothing kept")
                return Decoded([], language or "")
            log.info("Whisper looped on a shortened window; decoding the full window")
            return self.transcribe_audio(audio, options)
        return Decoded(segments, language or "")

    @contextlib.contextmanager
    def _in_use(self) -> Iterator[WhisperModel]:
        """The model, loaded if needed and kept from :meth:`unload` while the block runs."""
        with self._load_lock:
            model = self._loaded()
            self._users += 1
        try:
            yield model
        finally:
            with self._load_lock:
                self._users -= 1
                self._last_used = time.monotonic()

    def _loaded(self) -> WhisperModel:
        """Return the model, loading it first if needed. Hold the load lock."""
        if self._model is None:
            self._model = models.load(self.ref, self._options)
            self._last_used = time.monotonic()
        return self._model

    def _decode(
        self, model: WhisperModel, audio: AudioArray, options: TranscribeOptions
    ) -> tuple[Iterator[Segment], str | None]:
        # max and min, not max(abs): abs would copy a 10-minute window (38 MB) first.
        if audio.size == 0 or max(float(audio.max()), -float(audio.min())) < SILENCE_PEAK:
            return iter(()), options.language
        words, tokenizer = options.vocabulary, model.hf_tokenizer
        # Biased, a decode of more than one 30-s window lost its timestamps and the words at
        # window ends (tiny.en, the 222-s LJ001 chapter: WER 4.7 -> 15.9 %); so only audio
        # that fits one window is biased: every live span, and short files.
        spellings = words.spellings if audio.size <= CHUNK_SECONDS * SAMPLE_RATE else ()
        bias = vocabulary.bias(spellings, options.initial_prompt, options.bias,
                               lambda text: len(tokenizer.encode(text, add_special_tokens=False)))
        raw, info = model.transcribe(
            audio,
            language=options.language,
            beam_size=options.beam_size,
            vad_filter=options.vad,
            initial_prompt=bias.initial_prompt,
            hotwords=bias.hotwords,
            without_timestamps=options.without_timestamps,
            temperature=list(options.temperatures),
            max_new_tokens=options.max_new_tokens,
        )
        found = (Segment(s.start, s.end, words.rewrite(s.text.strip())) for s in raw
                 if s.text.strip() and not vocabulary.is_echo(s.text, bias.terms))
        return found, info.language

    def _checkpoint(self, cancel: threading.Event | None) -> None:
        if cancel is not None and cancel.is_set():
            raise CancelledError
        with self._live_done:
            while self._live_sessions:
                self._live_done.wait(timeout=0.5)
                if cancel is not None and cancel.is_set():
                    raise CancelledError


def _windows(chunks: Iterable[AudioArray]) -> Iterator[tuple[float, AudioArray]]:
    """Regroup decoded chunks into windows of about WINDOW_SECONDS, cut at pauses.

    The chunks are joined once per window (not one by one, which copied the growing
    window again for every chunk), and what follows a cut is copied out, so the window
    before it can be freed.

    Yields:
        ``(offset in seconds, audio)`` pairs that together cover the input exactly once.
    """
    limit = int(WINDOW_SECONDS * SAMPLE_RATE)
    pending: list[AudioArray] = []
    size = 0
    offset = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        # Wait for one spare chunk, so a file just over the limit is not cut needlessly.
        if size >= limit + len(chunk):
            window = np.concatenate(pending)
            cut = _cut_point(window[:limit])
            pending, size = [window[cut:].copy()], len(window) - cut
            release_free_memory()  # what the cut's VAD left, before the window's own
            yield offset / SAMPLE_RATE, window[:cut]
            del window
            offset += cut
    if size:
        yield offset / SAMPLE_RATE, np.concatenate(pending)


def _cut_point(window: AudioArray) -> int:
    """Return where to end a window: mid-way through the longest pause near its end.

    Without any pause there (someone reading without a breath), cut at the quietest
    20 ms in that region, which is rarely inside a word.
    """
    start = int(len(window) * (1 - CUT_SEARCH_SHARE))
    tail = window[start:]
    speech = get_speech_timestamps(tail, VadOptions(min_silence_duration_ms=100, speech_pad_ms=0))
    if not speech:
        return len(window)
    edges = [0] + [x for s in speech for x in (s["start"], s["end"])] + [len(tail)]
    gaps = [(b - a, a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if b > a]
    if gaps:
        _length, gap_start, gap_end = max(gaps)
        return int(start + (gap_start + gap_end) // 2)
    frame = SAMPLE_RATE // 50
    usable = len(tail) // frame * frame
    energy = np.square(tail[:usable]).reshape(-1, frame).mean(axis=1)
    return start + int(np.argmin(energy)) * frame + frame // 2
