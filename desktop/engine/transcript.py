"""Value types shared by the transcriber, streaming, export and history."""

from collections.abc import Iterable
from dataclasses import dataclass, field

# Punctuation that follows the word before it without a space.
PUNCTUATION = ".,;:!?"


@dataclass(frozen=True)
class Segment:
    """A span of recognised speech.

    Attributes:
        start: start time in seconds from the beginning of the audio.
        end: end time in seconds.
        text: the words, without leading or trailing spaces.
    """

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    """The result of transcribing one file or one dictation.

    Attributes:
        source: the file or recording it came from.
        duration: seconds of audio.
        language: the language used or detected.
        model: the Whisper model's name.
        segments: the recognised spans, in order.
        warnings: sentences about damage in the input (truncation, skipped parts).
    """

    source: str
    duration: float
    language: str
    model: str
    segments: tuple[Segment, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        """All segments' text joined with single spaces."""
        return join_text(s.text for s in self.segments)


def add_segment(segments: list[Segment], segment: Segment) -> None:
    """Append ``segment``; leading punctuation (a full stop streaming held back) goes to
    the end of the segment before it."""
    text = segment.text.strip()
    if segments and text[:1] in PUNCTUATION:
        last = segments[-1]
        segments[-1] = Segment(last.start, last.end, last.text + text[0])
        segment = Segment(segment.start, segment.end, text[1:].strip())
    if segment.text:
        segments.append(segment)


def glue(before: str, after: str) -> str:
    """Return what goes between ``before`` and ``after``: a space, or nothing at the start
    or before punctuation (a full stop held back by streaming)."""
    return "" if not before or after[:1] in PUNCTUATION else " "


def join_text(parts: Iterable[str]) -> str:
    """Join pieces of text with single spaces, dropping empty ones.

    A piece that starts with punctuation (a full stop held back by streaming) follows the
    piece before it without a space.
    """
    joined = ""
    for part in (p.strip() for p in parts):
        if part:
            joined += glue(joined, part) + part
    return joined

