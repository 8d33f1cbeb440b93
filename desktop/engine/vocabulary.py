"""The user's words: vocabulary terms and replacement rules (heard → written).

Terms are names, jargon and spellings Whisper should write (``Gutenberg``, ``Kubernetes``):
they bias the decoder (see :func:`bias`), the cleanup model is told to keep them, and
the guard accepts them as not "added words". A replacement rule rewrites what Whisper
heard into what the user writes (``pie torch`` → ``PyTorch``), whole words or phrases,
case-insensitively, the written form kept as given (see :meth:`Vocabulary.rewrite`).

They live in ``vocabulary.toml`` next to the settings. TOML, like the settings and the
profiles, because a person can edit it (comments, one term a line, any character quoted
unambiguously: a term may hold commas, ``=`` or ``#``), it keeps its order (the most
recently added terms are preferred when not all fit in Whisper's prompt), and the
standard library reads it: 10,000 terms load in about 30 ms (benchmarks/vocabulary.py). ::

    terms = [
        "Gutenberg",
        "Schoeffer",
    ]

    [replacements]
    "pie torch" = "PyTorch"

Import and export use plain files: a text file holds one term a line; a ``.csv`` file
holds one term (one field) or one rule (``heard,written``) a row.
"""

import csv
import difflib
import functools
import io
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import tomli_w

from desktop.paths import write_private

FILE_NAME = "vocabulary.toml"
MAX_TERM_CHARS = 100
# Whisper's prompt: at most half its 448-token context, less the start-of-previous token.
PROMPT_TOKENS = 223
# How alike (difflib's ratio) a word must be to a term to name it for the cleanup model.
NEARLY = 0.65
_HEADER = (
    "# Dictara's vocabulary: terms Whisper should write, and replacement rules\n"
    "# (heard = written). Edit it here or with `dictara vocab`.\n"
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

BiasMode = Literal["hotwords", "prompt"]
BIAS_MODES: tuple[BiasMode, ...] = ("hotwords", "prompt")


class Error(Exception):
    """Base class for vocabulary errors."""


class InvalidEntryError(Error):
    """A term or rule that cannot be used."""

    def __init__(self, entry: str, reason: str) -> None:
        super().__init__(entry, reason)
        self.entry, self.reason = entry, reason

    def __str__(self) -> str:
        return f"{self.entry!r} cannot be added to the vocabulary: {self.reason}."


class FileError(Error):
    """A vocabulary, import or export file that cannot be read or written."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return f"{self.path} cannot be used as a vocabulary file: {self.reason}."


@dataclass(frozen=True)
class Replacement:
    """A replacement rule.

    Attributes:
        heard: the word or phrase as Whisper writes it (matched ignoring case).
        written: what it becomes, exactly as given.
    """

    heard: str
    written: str


@dataclass(frozen=True)
class Vocabulary:
    """The user's terms and replacement rules.

    Attributes:
        terms: the terms, oldest first (each spelling once, ignoring case).
        replacements: the rules, oldest first (each heard form once, ignoring case).
    """

    terms: tuple[str, ...] = ()
    replacements: tuple[Replacement, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        """The terms and the written forms of the rules, oldest first, each once."""
        return _unique((*self.terms, *(r.written for r in self.replacements)))

    def with_terms(self, terms: Iterable[str]) -> "Vocabulary":
        """Return a copy with ``terms`` added as the most recent ones.

        A term already there (ignoring case) takes the new spelling and moves to the end.

        Raises:
            InvalidEntryError: a term is empty, too long or spans lines.
        """
        new = [_checked(t) for t in terms]
        keys = {t.casefold() for t in new}
        kept = [t for t in self.terms if t.casefold() not in keys]
        return Vocabulary(_unique([*kept, *new]), self.replacements)

    def with_replacements(self, rules: Iterable[tuple[str, str]]) -> "Vocabulary":
        """Return a copy with the ``(heard, written)`` rules added as the most recent ones.

        A rule for a heard form already there (ignoring case) replaces the old one.

        Raises:
            InvalidEntryError: either side of a rule is empty, too long or spans lines.
        """
        new: dict[str, Replacement] = {}
        for heard, written in rules:
            rule = Replacement(_checked(heard), _checked(written))
            new.pop(rule.heard.casefold(), None)  # moves to the end, as the latest
            new[rule.heard.casefold()] = rule
        kept = [r for r in self.replacements if r.heard.casefold() not in new]
        return Vocabulary(self.terms, (*kept, *new.values()))

    def without(self, entries: Iterable[str]) -> tuple["Vocabulary", list[str]]:
        """Return a copy without the terms and rules (by heard form) named, ignoring case.

        Returns:
            The new vocabulary and the entries that named nothing.
        """
        keys = {e.strip().casefold(): e for e in entries}
        terms = tuple(t for t in self.terms if t.casefold() not in keys)
        rules = tuple(r for r in self.replacements if r.heard.casefold() not in keys)
        found = {t.casefold() for t in self.terms} | {r.heard.casefold() for r in
                                                       self.replacements}
        return Vocabulary(terms, rules), [e for k, e in keys.items() if k not in found]

    def merged(self, other: "Vocabulary") -> "Vocabulary":
        """Return this vocabulary with ``other``'s terms and rules added after its own."""
        return self.with_terms(other.terms).with_replacements(
            (r.heard, r.written) for r in other.replacements)

    def rewrite(self, text: str) -> str:
        """Return ``text`` with every rule applied: whole words or phrases, ignoring case.

        Longer heard forms win over shorter ones inside them; the words of a phrase may be
        separated by any spaces or a hyphen. Any thread.
        """
        if not self.replacements:
            return text
        pattern, written = _rules_pattern(self.replacements)
        return pattern.sub(lambda m: written.get(_spaced(m.group()), m.group()), text)


@dataclass(frozen=True)
class Bias:
    """How one decode is biased towards the vocabulary.

    Attributes:
        hotwords: faster-whisper's ``hotwords`` (None: not used).
        initial_prompt: the prompt to decode with.
        terms: the terms offered to Whisper, for :func:`is_echo`.
    """

    hotwords: str | None
    initial_prompt: str | None
    terms: tuple[str, ...] = ()


class VocabularyFile:
    """Reads and writes ``vocabulary.toml``. Any thread; writes are atomic.

    Attributes:
        path: the file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def beside(cls, config_file: Path) -> "VocabularyFile":
        """The vocabulary file in the settings' folder."""
        return cls(config_file.with_name(FILE_NAME))

    def load(self) -> Vocabulary:
        """Return the vocabulary; an empty one if the file does not exist.

        Raises:
            FileError: the file is unreadable or not a vocabulary (one sentence says why).
        """
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Vocabulary()
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise FileError(self.path, _reason(e)) from None
        terms, rules = data.get("terms", []), data.get("replacements", {})
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise FileError(self.path, "\"terms\" must be a list of quoted words")
        if not isinstance(rules, dict) or not all(isinstance(w, str) for w in rules.values()):
            raise FileError(self.path, "[replacements] must hold lines like \"heard\" = "
                                       "\"written\"")
        try:
            return Vocabulary().with_terms(terms).with_replacements(rules.items())
        except InvalidEntryError as e:
            raise FileError(self.path, str(e).rstrip(".")) from None

    def save(self, vocabulary: Vocabulary) -> None:
        """Write ``vocabulary``, user-only.

        Raises:
            FileError: the file cannot be written (permissions, disk full).
        """
        data = {"terms": list(vocabulary.terms),
                "replacements": {r.heard: r.written for r in vocabulary.replacements}}
        text = _HEADER + "\n" + tomli_w.dumps(data, multiline_strings=False)
        try:
            write_private(self.path, text.encode("utf-8"))
        except OSError as e:
            raise FileError(self.path, _reason(e)) from None


def read_import(path: Path) -> Vocabulary:
    """Read a file to import: a ``.csv`` of terms and ``heard,written`` rules, or any
    other text file with one term a line. Blank lines and ``#`` comments are skipped.

    Raises:
        FileError: the file is unreadable, not text, or a row is not a term or a rule.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise FileError(path, _reason(e)) from None
    if "\0" in text:
        raise FileError(path, "it is not a text file")
    if path.suffix.lower() != ".csv":
        lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1)]
        return _parsed(path, [(n, [line]) for n, line in lines if line])
    rows = [(n, [c.strip() for c in row]) for n, row in enumerate(csv.reader(io.StringIO(text)),
                                                                    1)]
    rows = [(n, r) for n, r in rows if any(r)]
    if rows and [c.casefold() for c in rows[0][1]] == ["heard", "written"]:
        rows = rows[1:]
    return _parsed(path, rows)


def write_export(vocabulary: Vocabulary, path: Path) -> None:
    """Write ``vocabulary`` to ``path``: all of it as ``.csv``, else the terms a line each.

    Raises:
        FileError: the file cannot be written.
    """
    if path.suffix.lower() == ".csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows([t] for t in vocabulary.terms)
        writer.writerows([r.heard, r.written] for r in vocabulary.replacements)
        text = out.getvalue()
    else:
        text = "".join(f"{t}\n" for t in vocabulary.terms)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise FileError(path, _reason(e)) from None


def choose_terms(
    terms: tuple[str, ...], seen: str, budget: int, tokens: Callable[[str], int]
) -> tuple[str, ...]:
    """Return the terms that fit in ``budget`` tokens of Whisper's prompt.

    Terms already said (found in ``seen``, the text just before) come first: they are
    likely to be said again. Then the most recently added ones, newest first. The list
    ends before the first term that does not fit. Takes about 5 ms for 10,000 terms.

    Args:
        terms: the vocabulary's spellings, oldest first.
        seen: the text decoded just before this audio.
        budget: tokens the terms may take.
        tokens: counts the tokens of one term as it goes in the list (``", term"``).
    """
    said = {w.casefold() for w in _WORD.findall(seen)}
    newest = list(zip(reversed(terms), reversed(_words_of(terms)), strict=True))
    ordered = [t for t, parts in newest if parts and said.issuperset(parts)]
    ordered += [t for t, parts in newest if not (parts and said.issuperset(parts))]
    chosen: list[str] = []
    for term in ordered:
        cost = tokens(", " + term)
        if cost > budget:
            break
        chosen.append(term)
        budget -= cost
    return tuple(chosen)


def bias(
    spellings: tuple[str, ...], prompt: str | None, mode: BiasMode,
    tokens: Callable[[str], int],
) -> Bias:
    """Return how to bias one decode towards ``spellings``.

    ``hotwords`` gives faster-whisper the terms, which it puts before the prompt in every
    30-s window of a decode; ``prompt`` writes them at the start of the initial prompt
    (only the first window sees it). Either way the terms and the text so far share
    Whisper's prompt of :data:`PROMPT_TOKENS`.

    Args:
        spellings: the vocabulary's spellings, oldest first.
        prompt: the text so far (or the user's prompt), or None.
        mode: one of :data:`BIAS_MODES`.
        tokens: counts the tokens of a piece of text.

    Raises:
        ValueError: an unknown mode.
    """
    if mode not in BIAS_MODES:
        raise ValueError(f"Unknown vocabulary bias {mode!r}; use one of {', '.join(BIAS_MODES)}.")
    if not spellings:
        return Bias(None, prompt)
    budget = PROMPT_TOKENS - 2 - (tokens(" " + prompt) if prompt else 0)
    chosen = choose_terms(spellings, prompt or "", budget, tokens)
    if not chosen:
        return Bias(None, prompt)
    listed = ", ".join(chosen)
    if mode == "hotwords":
        return Bias(listed, prompt, chosen)
    return Bias(None, f"{listed}. {prompt}" if prompt else f"{listed}.", chosen)


def named_in(spellings: tuple[str, ...], text: str, limit: int) -> tuple[str, ...]:
    """Return the spellings that ``text`` names, newest first, at most ``limit``.

    A term is named when all its words are in the text (any case) or, for a one-word
    term, when a word of the text is spelt nearly so (the same first letter, a length
    within 3 and a similarity of :data:`NEARLY` or more: "Guttenberg" and "Subiakal" name
    "Gutenberg" and "Subiaco"), so the cleanup model can fix the spelling. A term listed
    in vain costs a few tokens; the model is told to write only those that were said.
    """
    said = {w.casefold() for w in _WORD.findall(text)}
    long_words = [w for w in said if len(w) >= 5]
    named: list[str] = []
    for term in reversed(spellings):
        if len(named) == limit:
            break
        parts = [w.casefold() for w in _WORD.findall(term)]
        exact = bool(parts) and all(p in said for p in parts)
        if exact or (len(parts) == 1 and _nearly(parts[0], long_words)):
            named.append(term)
    return tuple(named)


def _nearly(key: str, words: list[str]) -> bool:
    return any(word[0] == key[0] and abs(len(word) - len(key)) <= 3
               and difflib.SequenceMatcher(None, key, word).ratio() >= NEARLY for word in words)


def is_echo(text: str, terms: tuple[str, ...]) -> bool:
    """Whether ``text`` is only the vocabulary written back, as Whisper does on near-silent
    audio when given hotwords or a prompt (faster-whisper #1356).

    It is when every word of it belongs to the terms offered and it names two or more of
    them: a single term said on its own ("Gutenberg.") is kept. Punctuation without a word
    (". . . .", seen with the terms in the prompt on noise at -66 dBFS) is the list's
    punctuation written back.
    """
    said = [w.casefold() for w in _WORD.findall(text)]
    if not terms:
        return False
    if not said:
        return bool(text.strip())
    known = {w.casefold() for t in terms for w in _WORD.findall(t)}
    named = {t for t in terms if _said(t, set(said))}
    return all(w in known for w in said) and len(named) >= 2


@functools.lru_cache(maxsize=4)
def _words_of(terms: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Return the lower-case words of each term (cached: the same list is asked per decode)."""
    return tuple(tuple(w.casefold() for w in _WORD.findall(t)) for t in terms)


def _said(term: str, words: set[str]) -> bool:
    parts = [w.casefold() for w in _WORD.findall(term)]
    return bool(parts) and all(p in words for p in parts)


def _checked(entry: str) -> str:
    text = " ".join(entry.split())
    if not text:
        raise InvalidEntryError(entry, "it is empty")
    if "\n" in entry.strip() or "\r" in entry.strip():
        raise InvalidEntryError(entry, "it spans more than one line")
    if len(text) > MAX_TERM_CHARS:
        raise InvalidEntryError(text[:40] + "…", f"a term has at most {MAX_TERM_CHARS} "
                                                 "characters")
    return text


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    """Keep the last spelling of each item (ignoring case), in the order of the last."""
    last = {item.casefold(): item for item in items}
    return tuple(last.values())


def _spaced(text: str) -> str:
    return " ".join(re.split(r"[\s-]+", text.casefold()))


@functools.lru_cache(maxsize=4)
def _rules_pattern(rules: tuple[Replacement, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """Return one pattern matching every heard form, and heard form → written."""
    written = {_spaced(r.heard): r.written for r in rules}
    heard = sorted(written, key=len, reverse=True)
    alternatives = "|".join(r"[\s-]+".join(map(re.escape, h.split())) for h in heard)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE), written


def _parsed(path: Path, rows: list[tuple[int, list[str]]]) -> Vocabulary:
    terms: list[str] = []
    rules: list[tuple[str, str]] = []
    for n, row in rows:
        if row[0].startswith("#"):
            continue
        if len(row) == 1 or (len(row) == 2 and not row[1]):
            terms.append(row[0])
        elif len(row) == 2:
            rules.append((row[0], row[1]))
        else:
            raise FileError(path, f"line {n} has {len(row)} fields; a row holds a term, or a "
                                  "rule as heard,written")
    try:
        return Vocabulary().with_terms(terms).with_replacements(rules)
    except InvalidEntryError as e:
        raise FileError(path, str(e).rstrip(".")) from None


def _reason(e: Exception) -> str:
    if isinstance(e, FileNotFoundError):
        return "there is no such file"
    if isinstance(e, IsADirectoryError):
        return "it is a folder"
    if isinstance(e, PermissionError):
        return "permission denied"
    if isinstance(e, UnicodeDecodeError):
        return "it is not UTF-8 text"
    if isinstance(e, tomllib.TOMLDecodeError):
        return f"it is not valid TOML ({e})"
    return e.strerror or str(e) if isinstance(e, OSError) else str(e)
