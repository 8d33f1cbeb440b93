"""Spoken commands: "new line", "new paragraph", "scratch that" and spoken punctuation.

A command counts only where it stands alone, as Whisper writes it when someone says it:
bounded on both sides by sentence punctuation, a comma, a line break, or the start or end
of the text ("New paragraph.", ", new line,", "Scratch that!"). Mid-sentence the same
words are text ("a new paragraph about safety", "don't scratch that surface").

Spoken punctuation ("period", "comma", "question mark", "colon") is opt-in, because the
words are common: it also counts right after a word when punctuation or the end of the
text follows it ("it works period" → "it works."), unless a determiner comes before it
("a long period." stays as it is).

The punctuation Whisper writes around a command is the command's: the comma of ", new
line," and the full stop of "New paragraph." go with it. A sentence end before it stays
with the text before.

Plain functions on strings, safe to call from any thread.
"""

import enum
import re
from dataclasses import dataclass

# Punctuation that bounds a command; a comma or semicolon before one belongs to it.
_BOUNDS = ".!?…,;:"
_SENTENCE_END = ".!?…"
_OWN_LEFT = ",;"
# Words after which "period", "comma"... are nouns ("a period", "the last comma", "a
# trial period", "the Oxford comma", "semi colon").
_NOUN_BEFORE = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "each", "every", "any", "no", "one",
    "my", "your", "his", "her", "its", "our", "their", "same", "first", "last", "next",
    "whole", "entire", "another", "of", "per", "long", "short", "trial", "grace", "time",
    "waiting", "given", "certain", "notice", "oxford", "serial", "inverted", "semi",
})
_PHRASES = re.compile(
    r"\b(?:(?P<new_paragraph>new\s+paragraph)|(?P<new_line>new[\s-]?line)"
    r"|(?P<scratch_that>scratch\s+that)|(?P<period>period|full\s+stop)|(?P<comma>comma)"
    r"|(?P<question_mark>question\s+mark)|(?P<colon>colon))\b",
    re.IGNORECASE,
)
# A sentence end (closing quotes or brackets included) that another sentence follows.
_SENTENCE_BREAK = re.compile(r"[.!?…][\"')\]”’]*(?=\s)")


class Command(enum.Enum):
    """A spoken command; its value is the group name of its phrase."""

    NEW_LINE = "new_line"
    NEW_PARAGRAPH = "new_paragraph"
    SCRATCH_THAT = "scratch_that"
    PERIOD = "period"
    COMMA = "comma"
    QUESTION_MARK = "question_mark"
    COLON = "colon"

    @property
    def is_punctuation(self) -> bool:
        """Whether it is spoken punctuation (on only with ``punctuation``)."""
        return self in _MARKS

    def after(self, text_before: str) -> str:
        """Return ``text_before`` with this command applied to its end.

        A line break replaces the spaces before it; "scratch that" removes the last
        sentence (back to a sentence end or line break); punctuation replaces any
        punctuation at the end and attaches to the last word (nothing to attach to: the
        text is returned as it is).

        Args:
            text_before: the text the command follows (without the command itself).
        """
        if self is Command.NEW_LINE:
            return text_before.rstrip(" \t") + "\n"
        if self is Command.NEW_PARAGRAPH:
            return text_before.rstrip() + "\n\n" if text_before.strip() else "\n\n"
        if self is Command.SCRATCH_THAT:
            return _without_last_sentence(text_before)
        bare = text_before.rstrip().rstrip(_BOUNDS).rstrip()
        return bare + _MARKS[self] if bare else text_before


_MARKS = {Command.PERIOD: ".", Command.COMMA: ",", Command.QUESTION_MARK: "?",
          Command.COLON: ":"}


@dataclass(frozen=True)
class CommandOptions:
    """Which spoken commands apply.

    Attributes:
        enabled: whether any command applies ("new line", "new paragraph", "scratch that").
        punctuation: whether "period", "comma", "question mark" and "colon" apply too.
    """

    enabled: bool = True
    punctuation: bool = False


@dataclass(frozen=True)
class Found:
    """A command standing alone in a text.

    Attributes:
        start: where its span starts: the spaces before it, and a comma or semicolon
            before it, are its own.
        end: where its span ends: after the punctuation and spaces that follow it.
        command: which command.
    """

    start: int
    end: int
    command: Command


def find(text: str, options: CommandOptions) -> list[Found]:
    """Return the commands that stand alone in ``text``, in order.

    Args:
        text: a transcript as Whisper writes it.
        options: which commands count.
    """
    if not options.enabled:
        return []
    found: list[Found] = []
    for match in _PHRASES.finditer(text):
        command = Command(match.lastgroup)
        if command.is_punctuation and not options.punctuation:
            continue
        start = _left_edge(text, match.start(), command)
        end = _right_edge(text, match.end())
        if start is not None and end is not None:
            # ", new line, new paragraph": the comma between them went with the first.
            found.append(Found(max(start, found[-1].end if found else 0), end, command))
    return found


def apply(text: str, options: CommandOptions) -> str:
    """Return ``text`` with every standalone command carried out.

    Spaces are tidied around line breaks, and the word after a sentence end, a paragraph
    break or a scratched first sentence gets a capital.

    Args:
        text: a whole dictation (or any text) as Whisper writes it.
        options: which commands count.
    """
    done, position = "", 0
    for item in find(text, options):
        done = item.command.after(join(done, text[position : item.start]))
        position = item.end
    if position == 0:
        return text
    return join(done, text[position:])


def join(before: str, after: str) -> str:
    """Return ``after`` appended to ``before``, as a command left it.

    A space goes between them unless ``before`` ends in white space or ``after`` starts
    with punctuation; ``after`` starts with a capital after a sentence end, a paragraph
    break, or at the start.

    Args:
        before: text that may end with a command's result ("It works.", "Dear Tom\\n").
        after: the text that follows it.
    """
    after = after.lstrip(" \t")
    if not after:
        return before
    tail = before.rstrip(" \t")
    if not tail.strip() or tail[-1] in _SENTENCE_END or tail.endswith("\n\n"):
        after = after[0].upper() + after[1:]
    space = "" if not before or before[-1].isspace() or after[0] in _BOUNDS else " "
    return before + space + after


def _without_last_sentence(text: str) -> str:
    """Return ``text`` without its last sentence (back to a sentence end or line break)."""
    kept = text.rstrip()
    ends = [m.end() for m in _SENTENCE_BREAK.finditer(kept)]
    cut = max(kept.rfind("\n") + 1, ends[-1] if ends else 0)
    return kept[:cut].rstrip(" \t")


def _left_edge(text: str, at: int, command: Command) -> int | None:
    """Return where a command found at ``at`` starts its span, or None if not alone."""
    before = text[:at].rstrip(" \t")
    if not before or before[-1] == "\n" or before[-1] in _SENTENCE_END + ":":
        return len(before)
    if before[-1] in _OWN_LEFT:
        return len(before[:-1].rstrip(" \t"))
    word = re.search(r"([\w'’]+)\Z", before)
    if command.is_punctuation and word and word.group(1).lower() not in _NOUN_BEFORE:
        return len(before)
    return None


def _right_edge(text: str, at: int) -> int | None:
    """Return where a command ending at ``at`` ends its span, or None if not alone."""
    rest = text[at:]
    spaces = len(rest) - len(rest.lstrip(" \t"))
    marks = re.match(r"[.!?…,;:]*", rest[spaces:])
    width = marks.end() if marks else 0
    if not width and spaces < len(rest) and rest[spaces] != "\n":
        return None
    end = at + spaces + width
    return end + len(text[end:]) - len(text[end:].lstrip(" \t"))
