"""Cleans a dictation while it is spoken, so the cleaned text is ready soon after stop.

Committed text is final, so it can be cleaned before the dictation ends. A
:class:`LiveCleanup` takes the committed text as it grows and, whenever its worker is
free, sends the next complete unit to the model (the sentences finished so far; after a
pause, or once too many words wait, whatever is there), with the end of the cleaned text
before it as read-only context. At stop only the tail is left to clean. Each piece goes
through the guard on its own; a rejected or failed piece falls back to the rules alone.

A piece cut while speaking where no sentence ended (at a pause Whisper did not punctuate,
or a long run cut at a comma) goes on in the next piece: the full stop or question mark its
cleanup gave it is taken off again, and the next piece does not start a new sentence.

Spoken commands ("new paragraph", "scratch that", see :mod:`desktop.engine.commands`)
bound pieces: the text before one is a piece of its own, and the command is carried out
on the cleaned text, so the model never sees it and a layout it might not keep is
applied outside it.

Presets whose layout depends on the whole text (``email``, ``custom``) are not cleaned in
pieces: they get one cleanup of the final text at stop (cut only at its commands).
"""

import dataclasses
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from desktop.engine.cleanup.chunking import tail_of, word_count
from desktop.engine.cleanup.cleaner import UNEXPECTED, Cleaner
from desktop.engine.cleanup.options import Backend, CleanupResult
from desktop.engine.commands import Command, CommandOptions, Found
from desktop.engine.commands import find as find_commands
from desktop.engine.commands import join as join_after_command
from desktop.engine.transcript import join_text

log = logging.getLogger(__name__)

JOINERS = {"clean": None, "verbatim": None, "notes": "\n"}  # None: the transcript joiner
MIN_PIECE_WORDS = 5  # fewer words wait for more (or for the stop)
MAX_PIECE_WORDS = 40  # this many words with no sentence end are sent anyway
PAUSE_SECONDS = 1.5  # committed text unchanged this long: the speaker paused; send it
_POLL = 0.05
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")
_CLAUSE_END = re.compile(r"[,;:](?=\s)")
_SHOWING = "; showing the rule-based cleanup."
_GLUED = " \t\n.,;:!?…"
_NO_COMMANDS = CommandOptions(enabled=False)
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$")
_CLOSED = re.compile(r"[.!?…]+$")
_FIRST_WORD = re.compile(r"^\W*(\w[\w'’-]*)")


@dataclass(frozen=True)
class _Piece:
    """A unit of committed text to clean.

    Attributes:
        text: the raw words.
        open: cut while speaking where no sentence ended: the next piece continues it.
    """

    text: str
    open: bool = False


def cleans_in_pieces(cleaner: Cleaner) -> bool:
    """Whether ``cleaner``'s preset can be cleaned a piece at a time (see module doc)."""
    return cleaner.options.enabled and cleaner.options.preset in JOINERS


def complete_unit(pending: str, idle: float) -> int:
    """Return how many characters at the start of ``pending`` form a unit to clean now.

    Args:
        pending: committed text not yet sent to the model.
        idle: seconds since the committed text last grew.

    Returns:
        The length of the unit, or 0 to wait for more.
    """
    if word_count(pending) < MIN_PIECE_WORDS:
        return 0
    ends = [m.end() for m in _SENTENCE_END.finditer(pending)]
    if ends and word_count(pending[: ends[-1]]) >= MIN_PIECE_WORDS:
        return ends[-1]
    if idle >= PAUSE_SECONDS:
        return len(pending)
    if word_count(pending) >= MAX_PIECE_WORDS:
        clauses = [m.end() for m in _CLAUSE_END.finditer(pending)
                   if word_count(pending[: m.end()]) >= MIN_PIECE_WORDS]
        return clauses[-1] if clauses else len(pending)
    return 0


class LiveCleanup:
    """Cleans one dictation's committed text in pieces while it is spoken.

    ``feed`` and ``cancel`` may be called from any thread; ``finish`` blocks until the
    cleaned text is complete, so never call it on a GUI thread. One worker thread cleans
    one piece at a time.

    Args:
        cleaner: the cleaner of the dictation's preset.
        on_text: called on the worker thread with the whole cleaned text so far.
        spoken: which spoken commands to carry out (none by default).
    """

    def __init__(self, cleaner: Cleaner, on_text: Callable[[str], None] | None = None,
                 spoken: CommandOptions = _NO_COMMANDS) -> None:
        self._cleaner = cleaner
        self._on_text = on_text
        self._spoken = spoken
        self._joiner = JOINERS.get(cleaner.options.preset)
        self._in_pieces = cleans_in_pieces(cleaner)
        self._changed = threading.Condition()
        self._committed = ""
        self._grew_at = time.monotonic()
        self._sent = 0  # characters of the committed text handed to pieces
        self._final: str | None = None
        self._pieces: list[CleanupResult | Command] = []
        self._continues = False  # the next piece goes on with a sentence left open
        self._unavailable: str | None = None  # why the model could not be asked
        self._cancel = threading.Event()  # the user cancelled: the rules do the rest
        self._stop_pieces = threading.Event()  # pieces under way are not needed
        self._thread: threading.Thread | None = None

    def feed(self, committed: str) -> None:
        """Take the committed text so far (it only grows). Any thread; returns at once."""
        if not self._in_pieces:
            return
        with self._changed:
            if self._final is not None or len(committed) <= len(self._committed):
                return
            if not committed.startswith(self._committed[: self._sent]):
                log.warning("Committed text changed under the live cleanup; cleaning at stop")
                self._in_pieces = False
                return
            self._committed, self._grew_at = committed, time.monotonic()
            self._changed.notify_all()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="live-cleanup",
                                                daemon=True)
                self._thread.start()

    def finish(self, final: str) -> CleanupResult:
        """Clean what is left of ``final`` (the whole raw text) and return the whole result.

        Waits for the piece being cleaned, if any, and the tail. After ``cancel``, the
        rest is cleaned by the rules at once.
        """
        start = time.monotonic()
        with self._changed:
            start_over = not final.startswith(self._committed[: self._sent])
            self._final = final
            self._changed.notify_all()
            thread = self._thread
        if start_over:  # the final text does not continue what was cleaned: clean it all
            log.info("The final text differs from the committed text; cleaning all of it")
            self._stop_pieces.set()
            if thread is not None:
                thread.join()
            thread, self._pieces, self._sent = None, [], 0
            self._stop_pieces = threading.Event()
            if self._cancel.is_set():
                self._stop_pieces.set()
        if thread is None:
            self._run()  # in this thread: no piece was complete before the stop
        else:
            thread.join()
        return self._result(final, start)

    def cancel(self) -> None:
        """Stop waiting for the model: the piece under way and the rest use the rules."""
        self._cancel.set()
        self._stop_pieces.set()
        with self._changed:
            self._changed.notify_all()

    def _run(self) -> None:
        """The worker: clean the next unit whenever one is complete, until the tail is done."""
        while (piece := self._next_piece()) is not None:
            if isinstance(piece, Command):
                self._pieces.append(piece)
                self._continues = False
                continue
            try:
                result = self._clean(piece.text)
            except Exception:  # thread boundary: the piece stays as it was said
                log.exception("Live cleanup of a piece failed")
                result = CleanupResult(piece.text, piece.text, "rules", None, UNEXPECTED, 0)
            self._pieces.append(self._fitted(result, piece))

    def _fitted(self, result: CleanupResult, piece: _Piece) -> CleanupResult:
        """``result`` joined to the sentence the piece before left open, and left open
        itself if the piece was cut mid-sentence."""
        text = result.cleaned.strip()
        if self._continues:
            text = _continued(text, piece.text)
        if piece.open:
            text = _CLOSED.sub("", text)
            if piece.text[-1:] in ",;:" and text[-1:] not in ",;:":
                text += piece.text[-1]
        self._continues = piece.open
        return dataclasses.replace(result, cleaned=text)

    def _next_piece(self) -> _Piece | Command | None:
        """Wait for the next unit or command (the tail once finishing); None when done."""
        with self._changed:
            while True:
                finishing = self._final is not None
                pending = (self._committed if self._final is None else self._final)[self._sent :]
                found = self._first_command(pending, finishing)
                if found is not None:  # the text before it, then the command
                    before = _unglued(pending[: found.start])
                    self._sent += found.start if before else found.end
                    return _Piece(before) if before else found.command
                if finishing:
                    self._sent += len(pending)
                    return _Piece(tail) if (tail := _unglued(pending)) else None
                size = complete_unit(pending, time.monotonic() - self._grew_at)
                if size and (unit := _unglued(pending[:size])):
                    self._sent += size
                    return _Piece(unit, open=not _ENDS_SENTENCE.search(unit))
                self._changed.wait(_POLL)

    def _first_command(self, pending: str, finishing: bool) -> Found | None:
        """Return the first command in ``pending`` once it is certain to stand alone.

        While the dictation goes on, one at the very end of the committed text with no
        punctuation after it waits: the next words may carry on ("scratch that | surface").
        """
        found = next(iter(find_commands(pending, self._spoken)), None)
        if found is None or finishing or found.end < len(pending):
            return found
        return found if pending[: found.end].rstrip()[-1] in _GLUED else None

    def _clean(self, raw: str) -> CleanupResult:
        before = list(self._pieces)

        def emit(text: str) -> None:
            if self._on_text is not None:
                self._on_text(self._join([*before, text]))

        if self._stop_pieces.is_set() or self._unavailable is not None:
            result = self._cleaner.clean_by_rules(raw, self._unavailable, emit)
        else:
            result = self._cleaner.clean(raw, emit, self._stop_pieces,
                                         context=tail_of(self._join(before)), urgent=True)
            if result.model_unavailable:
                self._unavailable = result.fallback_reason
        return result

    def _join(self, pieces: Sequence[CleanupResult | Command | str]) -> str:
        """Join cleaned pieces (and the text streaming in) as the transcript's segments
        are joined, carrying out the commands between them."""
        out, after_command = "", False
        for piece in pieces:
            if isinstance(piece, Command):
                out, after_command = piece.after(out), True
                continue
            text = (piece.cleaned if isinstance(piece, CleanupResult) else piece).strip()
            if not text:
                continue
            if after_command or not out:
                out = join_after_command(out, text)
            else:
                out = self._joiner.join([out, text]) if self._joiner else join_text([out, text])
            after_command = False
        return out

    def _result(self, final: str, start: float) -> CleanupResult:
        results = [p for p in self._pieces if isinstance(p, CleanupResult)]
        cleaned = self._join(self._pieces)
        by_model = [r for r in results if r.backend == "ollama"]
        # A piece too short to need the model (a last word or two) is no fallback.
        fallbacks = [r for r in results if r.backend != "ollama" and r.fallback_reason]
        backend: Backend
        if by_model and not fallbacks:
            backend, reason = "ollama", None
        elif not by_model:
            backend = "rules"
            reason = fallbacks[0].fallback_reason if fallbacks else None
        else:
            backend, reason = "mixed", _mixed_reason(len(fallbacks), len(results), fallbacks)
        model = self._cleaner.options.model if by_model else None
        ms = round((time.monotonic() - start) * 1000, 1)
        log.info("Live cleanup: %d pieces, %d by the model, %.0f ms after finish",
                 len(results), len(by_model), ms)
        return CleanupResult(final, cleaned, backend, model, reason, ms,
                             self._unavailable is not None)


def _continued(cleaned: str, raw: str) -> str:
    """``cleaned`` without the capital its cleanup gave its first word, when that word is
    not a name ("I", "Netherlands"): the raw text has it in lower case only."""
    first = _FIRST_WORD.match(cleaned)
    if first is None or not first.group(1)[0].isupper():
        return cleaned
    word = first.group(1)
    spoken = {w.strip(_GLUED) for w in raw.split()}
    if word.lower() not in spoken or word in spoken:
        return cleaned
    at = first.start(1)
    return cleaned[:at] + word[0].lower() + cleaned[at + 1 :]


def _unglued(piece: str) -> str:
    """Return ``piece`` without the punctuation that ends the piece before it.

    Whisper may start a span with the full stop of the sentence before (". And then");
    the piece before has been cleaned and punctuated already.
    """
    return piece.lstrip(_GLUED).strip()


def _mixed_reason(failed: int, total: int, fallbacks: list[CleanupResult]) -> str:
    """One sentence: how many pieces the rules cleaned, and the first reason why."""
    why = (fallbacks[0].fallback_reason or "") if fallbacks else ""
    why = why.removesuffix(_SHOWING).rstrip(".")
    parts = "part" if failed == 1 else "parts"
    sentence = f"{failed} of {total} {parts} of this dictation show the rule-based cleanup"
    return f"{sentence}: {why[:1].lower()}{why[1:]}." if why else f"{sentence}."
