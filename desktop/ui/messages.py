"""One bridge for user-facing messages, holding them until a window can show them.

Engine errors, start-up problems and worker failures all end up here as one sentence.
Until :meth:`MessageBridge.attach` is called the messages are queued; then they are
replayed in order and later ones are emitted straight away.
"""

import enum
import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


class Level(enum.Enum):
    """How important a message is."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Message:
    """A user-facing message.

    Attributes:
        level: info, warning or error.
        text: one sentence saying what happened and what to do.
    """

    level: Level
    text: str


class MessageBridge(QObject):
    """Collects messages from anywhere and hands them to the window once it exists.

    Signals:
        posted(object): a :class:`Message`, emitted in the GUI thread after ``attach``.
    """

    posted = Signal(object)
    _queued = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._held: list[Message] = []
        self._attached = False
        # Messages posted from worker threads travel through a queued signal.
        self._queued.connect(self._on_self_queued)

    def info(self, text: str) -> None:
        """Post an information message. Any thread."""
        self._post(Message(Level.INFO, text))

    def warning(self, text: str) -> None:
        """Post a warning. Any thread."""
        self._post(Message(Level.WARNING, text))

    def error(self, text: str) -> None:
        """Post an error. Any thread."""
        self._post(Message(Level.ERROR, text))

    def attach(self) -> list[Message]:
        """Start delivering: replay held messages through ``posted``. GUI thread only.

        Returns:
            The messages that were held.
        """
        held, self._held = self._held, []
        self._attached = True
        for message in held:
            self.posted.emit(message)
        return held

    def _post(self, message: Message) -> None:
        log.log(logging.ERROR if message.level is Level.ERROR else logging.INFO,
                "%s", message.text)
        self._queued.emit(message)

    @Slot(object)
    def _on_self_queued(self, message: Message) -> None:
        if self._attached:
            self.posted.emit(message)
        else:
            self._held.append(message)
