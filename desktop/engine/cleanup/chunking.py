"""Splits long transcripts into sentence-aligned chunks that fit the model's context."""

import re

MAX_CHUNK_WORDS = 300
CONTEXT_WORDS = 40  # how much of the text before a chunk the model sees, at most

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def sentences(text: str) -> list[str]:
    """Return the sentences of ``text`` (split after . ! ? … and at line breaks)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def chunks(text: str, max_words: int = MAX_CHUNK_WORDS) -> list[str]:
    """Return ``text`` as consecutive chunks of whole sentences, each ≤ ``max_words`` words.

    A single sentence longer than ``max_words`` (an unpunctuated transcript) is cut at word
    boundaries. Joining the chunks with spaces gives back every word in order.
    """
    out: list[list[str]] = [[]]
    for sentence in sentences(text):
        ws = sentence.split()
        for start in range(0, len(ws), max_words):
            piece = ws[start : start + max_words]
            if out[-1] and len(out[-1]) + len(piece) > max_words:
                out.append([])
            out[-1].extend(piece)
    return [" ".join(c) for c in out if c]


def word_count(text: str) -> int:
    """Return the number of whitespace-separated words in ``text``."""
    return len(text.split())


def tail_of(text: str, max_words: int = CONTEXT_WORDS) -> str:
    """Return the last whole sentences of ``text`` within ``max_words`` words.

    When even the last sentence is longer, its last ``max_words`` words.
    """
    kept: list[str] = []
    for sentence in reversed(sentences(text)):
        if kept and word_count(" ".join([sentence, *kept])) > max_words:
            break
        kept.insert(0, sentence)
    return " ".join(" ".join(kept).split()[-max_words:])
