"""Value types shared by the transcriber, streaming, export and history."""

from collections.abc import Iterable
from dataclasses import dataclass, field


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


def join_text(parts: Iterable[str]) -> str:
    """Join pieces of text with single spaces, dropping empty ones."""
    return " ".join(p.strip() for p in parts if p.strip())

