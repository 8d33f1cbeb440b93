"""The dictation bar: Record/Stop, elapsed time, level meter, microphone, live text."""

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

from desktop.engine.streaming import Partial
from desktop.engine.transcript import glue
from desktop.ui.dictation import State
from desktop.ui.level_meter import LevelMeter
from desktop.ui.resources import icon

RECORD_SHORTCUT = "Ctrl+R"


class DictationPanel(QWidget):
    """Record button, timer, meter, microphone name and the live transcript.

    GUI thread only. It renders the :class:`~desktop.ui.dictation.Dictation`'s state,
    whoever started it. Committed text is shown normally; the volatile partial text after
    it is grey and italic.

    Signals:
        record_clicked(): the user pressed Record or Stop (button or shortcut).

    Attributes:
        state: the dictation state shown.
    """

    record_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = State.IDLE
        self._partial = Partial("")
        self._started_at = 0.0
        self._clock = QTimer(self)
        self._clock.setInterval(200)
        self._clock.timeout.connect(self._on_clock_timeout)
        self._build()
        self.set_state(State.IDLE)

    def set_state(self, state: State) -> None:
        """Switch the button, timer and hints to the dictation's ``state``."""
        entering = state is not self.state
        self.state = state
        recording = state in (State.STARTING, State.RECORDING)
        button = self.record_button
        button.setText(_button_text(state))
        button.setProperty("recording", recording or state is State.WAITING_FOR_MODEL)
        button.style().unpolish(button)
        button.style().polish(button)
        self._update_icons()
        button.setEnabled(state is not State.FINISHING)
        button.setAccessibleName("Start dictation" if _can_start(state) else "Stop dictation")
        button.setToolTip(f"{button.accessibleName()} "
                          f"({QKeySequence(RECORD_SHORTCUT).toString()})")
        if entering and state in (State.STARTING, State.WAITING_FOR_MODEL):
            self.show_partial(Partial(""))
            self.elapsed.setText("0:00")
        if entering and state is State.RECORDING:
            self._started_at = time.monotonic()
            self._clock.start()
            self._on_clock_timeout()
        elif state is not State.FINISHING and not recording:
            self._clock.stop()
        if not recording:
            self.meter.reset()

    def set_microphone(self, name: str) -> None:
        """Show which input is used."""
        self.mic_label.setText(name or "Default microphone")
        self.mic_label.setToolTip(f"Microphone: {self.mic_label.text()}")

    @Slot(object)
    def show_partial(self, partial: Partial) -> None:
        """Show the committed text and, after it, the volatile words."""
        self._partial = partial
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
        committed, partial = self._partial.committed, self._partial.text
        body = html.escape(committed).replace("\n", "<br>")  # "new line" was said
        if partial:
            body += (f'{glue(committed, partial)}<span style="color:{muted}; font-style:italic">'
                     f"{html.escape(partial)}</span>")
        self.live.setHtml(body)
        bar = self.live.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _update_icons(self) -> None:
        self.mic_icon.setPixmap(icon("mic").pixmap(16, 16))
        name = "record" if _can_start(self.state) else "stop"
        self.record_button.setIcon(icon(name, QColor("white")))

    @Slot()
    def _on_clock_timeout(self) -> None:
        seconds = int(time.monotonic() - self._started_at)
        self.elapsed.setText(f"{seconds // 60}:{seconds % 60:02d}")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._update_icons()
            self._render()
        super().changeEvent(event)


def _can_start(state: State) -> bool:
    return state in (State.IDLE, State.DONE, State.FAILED, State.CLEANING)


def _button_text(state: State) -> str:
    if state is State.WAITING_FOR_MODEL:
        return "Starts when ready…"
    if state is State.FINISHING:
        return "Finishing…"
    return "Record" if _can_start(state) else "Stop"
