"""One request at a time to Ollama, a dictation's pieces first.

One Ollama runner serves one model, so requests sent side by side only queue inside the
server, where none can be cancelled. Here every model request of this process waits for
its turn instead, and an urgent one (a dictation the user is waiting for) goes before
the chunks of a file cleanup that are still waiting.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from desktop.engine.cleanup.errors import CancelledError, TimedOutError
from desktop.engine.cleanup.ollama_cleaner import Deadline

_POLL = 0.05  # how often a waiting caller looks at its cancel event, in seconds


class Turns:
    """Hands out turns at the model; any thread may ask."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._busy = False
        self._urgent_waiting = 0

    @contextmanager
    def turn(
        self, host: str, deadline: Deadline, cancel: threading.Event | None, urgent: bool
    ) -> Iterator[None]:
        """Wait for the model, hold it for the ``with`` block, then pass it on.

        Raises:
            CancelledError: ``cancel`` was set while waiting.
            TimedOutError: the deadline passed while waiting.
        """
        with self._changed:
            self._urgent_waiting += urgent
            try:
                while self._busy or (self._urgent_waiting and not urgent):
                    if cancel is not None and cancel.is_set():
                        raise CancelledError()
                    remaining = deadline.remaining()
                    if remaining <= 0:
                        raise TimedOutError(host, deadline.seconds)
                    self._changed.wait(min(_POLL, remaining))
                self._busy = True
            finally:
                self._urgent_waiting -= urgent
        try:
            yield
        finally:
            with self._changed:
                self._busy = False
                self._changed.notify_all()


TURNS = Turns()  # the process's one queue for the model
