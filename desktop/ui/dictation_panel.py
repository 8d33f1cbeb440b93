"""The dictation bar: Record/Stop, elapsed time, level meter, microphone, live text."""

import enum
import html
import time

from PySide6.QtCore import QEvent, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.engine.transcript import PUNCTUATION, join_text
from desktop.ui.level_meter import LevelMeter
from desktop.ui.resources import icon

RECORD_SHORTCUT = "Ctrl+R"


class State(enum.Enum):
    """What the dictation bar shows."""

    LOADING = "loading"  # the model loads; a click queues a start
    READY = "ready"
    STARTING = "starting"
    RECORDING = "recording"
    FINISHING = "finishing"  # stopped; the last words are being decoded


class DictationPanel(QWidget):
    """Record button, timer, meter, microphone name and the live transcript.

    GUI thread only. Committed text is shown normally; the volatile partial text after it
    is grey and italic, and is replaced each time a new partial arrives.

    Signals:
        record_clicked(): the user pressed Record or Stop (button or shortcut).
    """

    record_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = State.LOADING
        self._pending_start = False
        self._committed: list[str] = []
        self._partial = ""
        self._started_at = 0.0
        self._clock = QTimer(self)
        self._clock.setInterval(200)
        self._clock.timeout.connect(self._on_clock_timeout)
        self._build()
        self.set_state(State.LOADING)

    @property
    def committed_text(self) -> str:
        """The committed words so far."""
        return join_text(self._committed)

    @property
    def pending_start(self) -> bool:
        """Whether a click asked to record as soon as the model is ready."""
        return self._pending_start

    def set_pending_start(self, pending: bool) -> None:
        """Show (or stop showing) that recording will start when the model is ready."""
        self._pending_start = pending
        self.set_state(self.state)

    def set_state(self, state: State) -> None:
        """Switch the button, timer and hints to ``state``."""
        self.state = state
        recording = state in (State.RECORDING, State.STARTING)
        self.record_button.setText(_BUTTON_TEXT[state] if not self._pending_start
                                   else "Starts when ready…")
        self.record_button.setProperty("recording", recording)
        self.record_button.style().unpolish(self.record_button)
        self.record_button.style().polish(self.record_button)
        self._update_icons()
        self.record_button.setEnabled(state is not State.FINISHING)
        self.record_button.setAccessibleName("Stop dictation" if recording else "Start dictation")
        self.record_button.setToolTip(f"{self.record_button.accessibleName()} "
                                      f"({QKeySequence(RECORD_SHORTCUT).toString()})")
        if state is State.RECORDING:
            self._started_at = time.monotonic()
            self._clock.start()
            self._on_clock_timeout()
        elif state is not State.FINISHING:
            self._clock.stop()
        if not recording:
            self.meter.reset()

    def set_microphone(self, name: str) -> None:
        """Show which input is used."""
        self.mic_label.setText(name or "Default microphone")
        self.mic_label.setToolTip(f"Microphone: {self.mic_label.text()}")

    def clear_live(self) -> None:
        """Empty the live transcript for a new dictation."""
        self._committed, self._partial = [], ""
        self._render()

    @Slot(str)
    def show_partial(self, text: str) -> None:
        """Replace the volatile text."""
        self._partial = text
        self._render()

    @Slot(str, float, float)
    def add_committed(self, text: str, _start: float, _end: float) -> None:
        """Append final text of a span."""
        self._committed.append(text)
        self._render()

    def _build(self) -> None:
        self.record_button = QPushButton(self)
        self.record_button.setObjectName("recordButton")
        self.record_button.setMinimumWidth(150)
        self.record_button.clicked.connect(self.record_clicked)
        self.elapsed = QLabel("0:00", self)
        self.elapsed.setObjectName("elapsed")
        self.elapsed.setAccessibleName("Elapsed time")
        self.elapsed.setMinimumWidth(56)
        self.meter = LevelMeter(self)
        self.mic_icon = QLabel(self)
        self.mic_label = QLabel(self)
        self.mic_label.setAccessibleName("Microphone")
        self.mic_label.setProperty("muted", True)
        self.set_microphone("")
        bar = QHBoxLayout()
        bar.addWidget(self.record_button)
        bar.addSpacing(8)
        bar.addWidget(self.elapsed)
        bar.addSpacing(8)
        meter_box = QVBoxLayout()
        meter_box.addStretch(1)
        meter_box.addWidget(self.meter)
        mic_row = QHBoxLayout()
        mic_row.addWidget(self.mic_icon)
        mic_row.addWidget(self.mic_label, 1)
        meter_box.addLayout(mic_row)
        meter_box.addStretch(1)
        bar.addLayout(meter_box, 1)
        self.live = QTextBrowser(self)
        self.live.setAccessibleName("Live transcript")
        self.live.setPlaceholderText("Press Record (Ctrl+R) and start speaking; the words "
                                     "appear here as you talk.")
        self.live.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.live.setMinimumHeight(56)
        card = QFrame(self)
        card.setMaximumHeight(110)
        card.setObjectName("card")
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(10, 6, 10, 6)
        card_layout.addWidget(self.live)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(card)
        self._update_icons()

    def _render(self) -> None:
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        body = html.escape(self.committed_text)
        if self._partial:
            glue = "" if self._partial[0] in PUNCTUATION else " "
            body += (f'{glue}<span style="color:{muted}; font-style:italic">'
                     f"{html.escape(self._partial)}</span>")
        self.live.setHtml(body)
        bar = self.live.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _update_icons(self) -> None:
        self.mic_icon.setPixmap(icon("mic").pixmap(16, 16))
        recording = self.state in (State.RECORDING, State.STARTING)
        self.record_button.setIcon(icon("stop" if recording else "record", QColor("white")))

    @Slot()
    def _on_clock_timeout(self) -> None:
        seconds = int(time.monotonic() - self._started_at)
        self.elapsed.setText(f"{seconds // 60}:{seconds % 60:02d}")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._update_icons()
            self._render()
        super().changeEvent(event)


_BUTTON_TEXT = {
    State.LOADING: "Record",
    State.READY: "Record",
    State.STARTING: "Stop",
    State.RECORDING: "Stop",
    State.FINISHING: "Finishing…",
}
