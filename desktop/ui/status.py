"""The status bar: one-sentence messages, the speech model and the Ollama light."""

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

from desktop.engine.cleanup import ServerStatus
from desktop.ui.messages import Level, Message

INFO_MS = 5000
WARNING_MS = 15000
GREEN, AMBER, RED, GREY = "#30a46c", "#f5a524", "#e5484d", "#8a8f98"


def light(colour: str, text: str) -> str:
    """Return rich text: a coloured dot and a label."""
    return f'<span style="color:{colour}">●</span>&nbsp;{text}'


class StatusBar(QStatusBar):
    """Plain-words status: messages on the left, model and Ollama state on the right.

    GUI thread only. Errors stay until the next message; other messages fade. A message
    is a word-wrapping label, not QStatusBar's one-line temporary message, which cut long
    sentences off mid-word ("open the Ollama ap"): a long one takes a second line.

    Attributes:
        last_message: the last message shown (tests read it).
        message_label: where messages are shown.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.last_message: Message | None = None
        self.message_label = QLabel(self)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setWordWrap(True)
        # Ignored: the label takes the room left by the lights instead of claiming a
        # whole sentence's width, so it wraps rather than pushing the lights away.
        self.message_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                         QSizePolicy.Policy.Preferred)
        self.message_label.setAccessibleName("Status message")
        self.addWidget(self.message_label, 1)
        self._fade = QTimer(self)
        self._fade.setSingleShot(True)
        self._fade.timeout.connect(self._on_fade_timeout)
        self.model_label = QLabel(self)
        self.model_label.setAccessibleName("Speech model status")
        self.ollama_label = QLabel(self)
        self.ollama_label.setAccessibleName("Ollama status")
        self.addPermanentWidget(self.model_label)
        self.addPermanentWidget(self.ollama_label)
        self.set_model("Speech model not loaded", busy=True)
        self.ollama_label.setText(light(GREY, "Ollama: checking…"))

    def show_text(self, text: str) -> None:
        """Show a short information line."""
        self.show_message(Message(Level.INFO, text))

    def show_message(self, message: Message) -> None:
        """Show a message; warnings and errors are coloured and stay longer."""
        self.last_message = message
        colour = {Level.ERROR: RED, Level.WARNING: AMBER}.get(message.level, "")
        self.message_label.setStyleSheet(f"QLabel {{ color: {colour}; }}" if colour else "")
        self.message_label.setText(message.text)
        self.message_label.setToolTip(message.text)
        timeout = {Level.ERROR: 0, Level.WARNING: WARNING_MS}.get(message.level, INFO_MS)
        if timeout:
            self._fade.start(timeout)
        else:
            self._fade.stop()

    def set_model(self, text: str, busy: bool = False) -> None:
        """Show the speech model's state."""
        self.model_label.setText(light(AMBER if busy else GREEN, text))

    def set_ollama(self, status: ServerStatus, model: str) -> None:
        """Show whether Ollama answers and has the cleanup model."""
        if not status.reachable:
            self.ollama_label.setText(light(GREY, "Ollama off · rule-based cleanup"))
            self.ollama_label.setToolTip(status.error or "")
        elif model not in status.models:
            self.ollama_label.setText(light(AMBER, f"Ollama: {model} not installed"))
            self.ollama_label.setToolTip(f"Pull {model} in Settings, or choose another model.")
        else:
            self.ollama_label.setText(light(GREEN, f"Ollama · {model}"))
            self.ollama_label.setToolTip(f"{status.host} (version {status.version})")

    @Slot()
    def _on_fade_timeout(self) -> None:
        self.message_label.clear()

    def currentMessage(self) -> str:  # Qt override
        """Return the message shown (QStatusBar's own slot is not used)."""
        return self.message_label.text()
