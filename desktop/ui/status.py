"""The status bar: one-sentence messages, the speech model and the Ollama light."""

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

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

    GUI thread only. Errors stay until the next message; other messages fade.

    Attributes:
        last_message: the last message shown (tests read it).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.last_message: Message | None = None
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
        self.setStyleSheet(f"QStatusBar {{ color: {colour}; }}" if colour else "")
        timeout = {Level.ERROR: 0, Level.WARNING: WARNING_MS}.get(message.level, INFO_MS)
        self.showMessage(message.text, timeout)
        self.setToolTip(message.text)

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
