"""The ``Cleaner`` facade: the model when it behaves, the rules when it does not.

The raw transcript is never touched: every outcome is a ``CleanupResult`` that carries it
unchanged, and a failure of any kind only changes which cleanup is shown and why.
"""

import logging
import threading
import time
from collections.abc import Callable

from desktop.engine.cleanup import guard, server
from desktop.engine.cleanup.chunking import chunks, tail_of, word_count
from desktop.engine.cleanup.errors import CancelledError, Error, NoCustomPromptError, OffTaskError
from desktop.engine.cleanup.ollama_cleaner import Deadline, OllamaCleaner
from desktop.engine.cleanup.options import CleanupOptions, CleanupResult
from desktop.engine.cleanup.rules import RuleCleaner
from desktop.engine.cleanup.turns import TURNS

log = logging.getLogger(__name__)

SHORT_WORDS = 4  # fewer words than this skip the model: nothing for it to improve
WORDS_PER_TIMEOUT = 150  # a transcript this long gets ``timeout`` seconds; longer ones more
UNEXPECTED = "The model cleanup failed unexpectedly; showing the rule-based cleanup."


def time_limit(timeout: float, words: int) -> float:
    """Return the seconds a cleanup of ``words`` words may take, given the setting."""
    return timeout * max(1.0, words / WORDS_PER_TIMEOUT)


class Cleaner:
    """Cleans transcripts with Ollama, guarded, falling back to ``RuleCleaner``.

    Any thread may call ``clean``; the GUI calls it from its cleanup worker, never from
    the GUI thread, because it blocks until the cleanup is done.

    Attributes:
        options: the server, model, preset and limits to use.
    """

    def __init__(self, options: CleanupOptions) -> None:
        self.options = options
        self._rules = RuleCleaner("clean" if options.preset == "custom" else options.preset)
        self._thinks: bool | None = None
        self._lock = threading.Lock()

    def clean(
        self,
        raw: str,
        on_text: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        *,
        context: str = "",
        urgent: bool = False,
    ) -> CleanupResult:
        """Return the cleanup of ``raw``; never raises for server or model problems.

        Args:
            raw: the transcript; it is returned unchanged in the result.
            on_text: called in this thread with the cleaned text so far as it streams in,
                and once more with the rule-based text if the model's answer is rejected.
            cancel: set it to stop waiting for the model; the rule-based result is returned.
            context: the end of the text already cleaned before ``raw`` (a piece of a
                dictation), shown to the model read-only.
            urgent: a user waits for this one: it goes before file cleanups (see ``turns``).

        Returns:
            The result; ``fallback_reason`` says in one sentence why the model's answer is
            not shown, if it is not.
        """
        start = time.monotonic()
        emit = on_text or _ignore
        if not self.options.enabled or word_count(raw) < SHORT_WORDS:
            return self._rules_result(raw, start, None, emit)
        try:
            cleaned = self._clean_with_model(raw.strip(), emit, cancel, context, urgent)
        except Error as e:
            log.info("Cleanup fell back to the rules: %s", e)
            unavailable = not isinstance(e, OffTaskError | CancelledError)
            return self._rules_result(raw, start, str(e), emit, unavailable)
        except Exception:  # boundary: whatever happens, the user gets a cleanup
            log.exception("Cleanup with %s failed unexpectedly", self.options.model)
            return self._rules_result(raw, start, UNEXPECTED, emit, True)
        return CleanupResult(raw, cleaned, "ollama", self.options.model, None, _ms(start))

    def clean_by_rules(
        self, raw: str, reason: str | None = None, on_text: Callable[[str], None] | None = None
    ) -> CleanupResult:
        """Return the rule-based cleanup of ``raw`` without asking the model.

        Args:
            raw: the transcript.
            reason: why the model was not asked, for the result's ``fallback_reason``.
            on_text: called once with the cleaned text.
        """
        return self._rules_result(raw, time.monotonic(), reason, on_text or _ignore,
                                  reason is not None)

    def warm_up(self) -> None:
        """Ask Ollama to load the model now, so its load overlaps the user's speech.

        Returns at once; the request runs in a daemon thread and errors (a host that may
        not be contacted among them) are only logged.
        """
        if self.options.enabled:
            OllamaCleaner(self.options, think_supported=False).warm_up()

    def _clean_with_model(
        self,
        text: str,
        emit: Callable[[str], None],
        cancel: threading.Event | None,
        context: str,
        urgent: bool,
    ) -> str:
        opts = self.options
        if opts.preset == "custom" and not opts.custom_prompt.strip():
            raise NoCustomPromptError()
        deadline = Deadline.after(time_limit(opts.timeout, word_count(text)))
        llm = OllamaCleaner(opts, think_supported=self._supports_thinking(deadline))
        separator = "\n" if opts.preset in ("email", "notes") else " "
        done: list[str] = []
        for chunk in chunks(text):
            before = tail_of(separator.join(done)) if done else context
            with TURNS.turn(opts.host, deadline, cancel, urgent):
                answer = llm.clean_chunk(
                    chunk, lambda t: emit(separator.join([*done, t])), deadline, cancel,
                    context=before,
                )
            reason = guard.check(chunk, answer.text, preset=opts.preset,
                                 done_reason=answer.done_reason,
                                 allowed=frozenset(opts.vocabulary))
            if reason:
                raise OffTaskError(reason)
            done.append(answer.text)
        return separator.join(done)

    def _supports_thinking(self, deadline: Deadline) -> bool:
        """Return whether the model thinks (so ``think=False`` is sent); asks once.

        The question counts against the cleanup's ``deadline`` like the answer does.
        """
        opts = self.options
        with self._lock:
            if self._thinks is None:
                caps = server.capabilities(opts.host, opts.model, deadline,
                                           allow_remote=opts.allow_remote)
                self._thinks = "thinking" in caps
            return self._thinks

    def _rules_result(
        self,
        raw: str,
        start: float,
        reason: str | None,
        emit: Callable[[str], None],
        unavailable: bool = False,
    ) -> CleanupResult:
        cleaned = self._rules.clean(raw)
        emit(cleaned)
        return CleanupResult(raw, cleaned, "rules", None, reason, _ms(start), unavailable)


def _ignore(_text: str) -> None:
    """Default ``on_text``: nobody is watching the stream."""


def _ms(start: float) -> float:
    return round((time.monotonic() - start) * 1000, 1)
