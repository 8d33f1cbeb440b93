"""Streams one chunk of transcript through an Ollama model, within a hard deadline."""

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from desktop.engine.cleanup import prompts, server
from desktop.engine.cleanup.errors import CancelledError, Error, StreamCutError, TimedOutError
from desktop.engine.cleanup.options import CleanupOptions
from desktop.engine.cleanup.server import Deadline as Deadline  # its home; callers import it here

log = logging.getLogger(__name__)

_POLL = 0.05  # how often a waiting caller looks at its cancel event, in seconds
_WARM_UP_TIMEOUT = 300.0  # loading a large model from a slow disk can take minutes
_OPEN, _CLOSE = "<think>", "</think>"

Prompt = Callable[[str, str], list[dict[str, str]]]  # (text, context) → the chat messages


@dataclass(frozen=True)
class Answer:
    """The model's answer to one chunk.

    Attributes:
        text: the visible answer, think blocks and echoed tags removed.
        done_reason: Ollama's reason for stopping (``"stop"``, ``"length"``, ...).
    """

    text: str
    done_reason: str | None


class ThinkFilter:
    """Removes ``<think>…</think>`` blocks from a token stream, even split across tokens."""

    def __init__(self) -> None:
        self._buffer = ""
        self._thinking = False

    def feed(self, piece: str) -> str:
        """Return the visible part of everything fed so far that can be decided yet."""
        self._buffer += piece
        shown = ""
        while True:
            tag = _CLOSE if self._thinking else _OPEN
            at = self._buffer.find(tag)
            if at < 0:
                keep = _partial_tag_length(self._buffer, tag)
                if not self._thinking:
                    shown += self._buffer[: len(self._buffer) - keep]
                self._buffer = self._buffer[len(self._buffer) - keep :]
                return shown
            if not self._thinking:
                shown += self._buffer[:at]
            self._buffer = self._buffer[at + len(tag) :]
            self._thinking = not self._thinking

    def flush(self) -> str:
        """Return what is left once the stream has ended."""
        rest, self._buffer = ("" if self._thinking else self._buffer), ""
        return rest


class OllamaCleaner:
    """Sends chunks to one Ollama model with temperature 0 and a sized context.

    Any thread may call it; each call uses its own HTTP client.

    Args:
        options: where the server is, which model, which preset, how long to wait.
        think_supported: whether the model thinks (it is then told not to).
        prompt: builds the chat for a chunk and its context; None for the cleanup prompt
            of ``options.preset`` (a voice edit asks for a rewrite instead).

    Attributes:
        options: as given.
    """

    def __init__(
        self, options: CleanupOptions, think_supported: bool, *, prompt: Prompt | None = None
    ) -> None:
        self.options = options
        self._think = False if think_supported else None
        self._prompt = prompt or self._cleanup_prompt

    def clean_chunk(
        self,
        text: str,
        on_text: Callable[[str], None],
        deadline: Deadline,
        cancel: threading.Event | None = None,
        context: str = "",
    ) -> Answer:
        """Stream the cleanup of ``text``; ``on_text`` gets the growing answer.

        The HTTP request runs in a daemon thread, so neither a silent server nor a slow
        trickle of tokens can hold the caller past ``deadline``.

        Args:
            text: one sentence-aligned chunk of transcript.
            on_text: called in the caller's thread with the visible answer so far.
            deadline: when to give up.
            cancel: set it to abandon the cleanup at once.
            context: the end of the text already cleaned before ``text`` (read-only).

        Raises:
            Error: the server failed, the deadline passed, or ``cancel`` was set.
        """
        events: queue.Queue[tuple[str, object]] = queue.Queue()
        stop = threading.Event()
        threading.Thread(
            target=self._stream,
            args=(text, context, deadline, events, stop),
            name="ollama-cleanup",
            daemon=True,
        ).start()
        try:
            return self._collect(events, on_text, deadline, cancel)
        finally:
            stop.set()

    def warm_up(self) -> None:
        """Ask the server to load the model now; runs in a daemon thread, errors are logged."""
        threading.Thread(target=self._load, name="ollama-warm-up", daemon=True).start()

    def _collect(
        self,
        events: "queue.Queue[tuple[str, object]]",
        on_text: Callable[[str], None],
        deadline: Deadline,
        cancel: threading.Event | None,
    ) -> Answer:
        shown, thinking = "", ThinkFilter()
        while True:
            if cancel is not None and cancel.is_set():
                raise CancelledError()
            remaining = deadline.remaining()
            if remaining <= 0:
                raise TimedOutError(self.options.host, deadline.seconds)
            try:
                kind, value = events.get(timeout=min(_POLL, remaining))
            except queue.Empty:
                continue
            if isinstance(value, Exception):
                raise server.translate(value, self.options.host, self.options.model)
            if kind == "done":
                text = prompts.unwrap(shown + thinking.flush())
                return Answer(text, value if isinstance(value, str) else None)
            piece = thinking.feed(str(value))
            if piece:
                shown += piece
                on_text(prompts.unwrap(shown))

    def _stream(
        self,
        text: str,
        context: str,
        deadline: Deadline,
        events: "queue.Queue[tuple[str, object]]",
        stop: threading.Event,
    ) -> None:
        """Runs in the worker thread: stream the answer into ``events``."""
        chat = self._prompt(text, context)
        sizes = request_options(chat, text)
        # Reading stops with the caller (deadline, stop), so an abandoned worker does not
        # linger, and at a byte budget no honest answer of num_predict tokens reaches.
        limits = server.Limits(deadline, answer_limit(int(sizes["num_predict"])), cancel=stop)
        try:
            ask = server.client(self.options.host, max(0.1, deadline.remaining()),
                                allow_remote=self.options.allow_remote, limits=limits)
            stream = ask.chat(
                model=self.options.model,
                messages=chat,
                stream=True,
                think=self._think,
                options=sizes,
                keep_alive=self.options.keep_alive,
            )
            for part in stream:
                if stop.is_set():
                    return
                if part.message.content:
                    events.put(("text", part.message.content))
                if part.done:
                    events.put(("done", part.done_reason))
                    return
            events.put(("error", StreamCutError(self.options.host)))
        except Exception as e:  # thread boundary: the caller translates or re-raises it
            events.put(("error", e))

    def _cleanup_prompt(self, text: str, context: str) -> list[dict[str, str]]:
        return prompts.messages(text, self.options.preset, self.options.custom_prompt, context,
                                spellings=self.options.vocabulary)

    def _load(self) -> None:
        try:
            server.call(
                self.options.host,
                self.options.model,
                lambda: server.client(
                    self.options.host, _WARM_UP_TIMEOUT, allow_remote=self.options.allow_remote
                ).generate(model=self.options.model, keep_alive=self.options.keep_alive),
            )
        except Error as e:
            log.info("Warm-up of %s failed: %s", self.options.model, e)
        except Exception:  # thread boundary: an unexpected error must not kill the app
            log.exception("Warm-up of %s failed unexpectedly", self.options.model)


def request_options(chat: list[dict[str, str]], text: str) -> dict[str, float | int]:
    """Return Ollama options: temperature 0, context and answer length sized to ``text``."""
    answer_tokens = len(text) // 3 * 3 // 2 + 64  # ~3 characters a token, plus formatting
    prompt_tokens = sum(len(m["content"]) for m in chat) // 3 + 16 * len(chat)
    context = -(-(prompt_tokens + answer_tokens) // 1024) * 1024
    return {
        "temperature": 0,
        "num_ctx": max(2048, context),
        "num_predict": max(128, answer_tokens),
    }


def answer_limit(num_predict: int) -> int:
    """Return the most bytes read of a streamed answer of at most ``num_predict`` tokens.

    Each token comes as one NDJSON line of about 150 bytes; a kilobyte a token leaves room
    for escaped characters and the closing statistics, and still stops a runaway answer
    (one 2 GB line once took 4.5 GB of memory) within a few hundred kilobytes.
    """
    return (num_predict + 64) * 1024


def _partial_tag_length(text: str, tag: str) -> int:
    """Return how many trailing characters of ``text`` could start ``tag``."""
    for n in range(min(len(tag) - 1, len(text)), 0, -1):
        if tag.startswith(text[-n:]):
            return n
    return 0
