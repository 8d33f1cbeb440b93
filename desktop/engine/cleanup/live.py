"""Cleans a dictation while it is spoken, so the cleaned text is ready soon after stop.

Committed text is final, so it can be cleaned before the dictation ends. A
:class:`LiveCleanup` takes the committed text as it grows and, whenever its worker is
free, sends the next complete unit to the model (the sentences finished so far; after a
pause, or once too many words wait, whatever is there), with the end of the cleaned text
before it as read-only context. At stop only the tail is left to clean. Each piece goes
through the guard on its own; a rejected or failed piece falls back to the rules alone.

Presets whose layout depends on the whole text (``email``, ``custom``) are not cleaned in
pieces: they get one cleanup of the final text at stop, as before.
"""

import logging
import re
import threading
import time
from collections.abc import Callable

from desktop.engine.cleanup.chunking import tail_of, word_count
from desktop.engine.cleanup.cleaner import Cleaner
from desktop.engine.cleanup.options import Backend, CleanupResult
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
    """

    def __init__(self, cleaner: Cleaner, on_text: Callable[[str], None] | None = None) -> None:
        self._cleaner = cleaner
        self._on_text = on_text
        self._joiner = JOINERS.get(cleaner.options.preset)
        self._in_pieces = cleans_in_pieces(cleaner)
        self._changed = threading.Condition()
        self._committed = ""
        self._grew_at = time.monotonic()
        self._sent = 0  # characters of the committed text handed to pieces
        self._final: str | None = None
        self._pieces: list[CleanupResult] = []
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
            sent = self._committed[: self._sent]
            whole = not self._in_pieces or not final.startswith(sent) or not final.strip()
            self._final = final
            self._changed.notify_all()
            thread = self._thread
        if whole:
            self._stop_pieces.set()
            if thread is not None:
                thread.join()
            if self._cancel.is_set():
                return self._cleaner.clean_by_rules(final, on_text=self._on_text)
            return self._cleaner.clean(final, self._on_text, self._cancel, urgent=True)
        if thread is None:
            self._run()
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
        try:
            while (piece := self._next_piece()) is not None:
                self._clean(piece)
        except Exception:  # thread boundary: finish() falls back to the rules for the rest
            log.exception("Live cleanup failed")

    def _next_piece(self) -> str | None:
        """Wait for the next unit (the tail once finishing); None when all is sent."""
        with self._changed:
            while True:
                if self._final is not None:
                    tail = _unglued(self._final[self._sent :])
                    self._sent = len(self._final)
                    self._committed = self._final
                    return tail or None
                pending = self._committed[self._sent :]
                size = complete_unit(pending, time.monotonic() - self._grew_at)
                if size and _unglued(pending[:size]):
                    self._sent += size
                    return _unglued(pending[:size])
                self._changed.wait(_POLL)

    def _clean(self, raw: str) -> None:
        before = [p.cleaned for p in self._pieces]

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
        self._pieces.append(result)

    def _join(self, texts: list[str]) -> str:
        texts = [t.strip() for t in texts if t.strip()]
        return self._joiner.join(texts) if self._joiner else join_text(texts)

    def _result(self, final: str, start: float) -> CleanupResult:
        results = self._pieces
        cleaned = self._join([r.cleaned for r in results])
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
