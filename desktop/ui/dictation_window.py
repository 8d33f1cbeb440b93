"""The small always-on-top dictation window that never takes the keyboard focus.

It shows what a hotkey dictation is doing — listening (with a level meter and the words
so far, and in its last seconds a quiet countdown to the stop after silence),
transcribing, cleaning — and afterwards the raw and cleaned texts, each with a Copy
button. It is a frameless tool window that does not accept focus and is shown
without activation, so the app the user is typing in keeps the focus and receives the
paste. It can be dragged; its position is remembered and kept on screen. A dictation
under a per-app profile shows the profile's name; an edit by voice shows the selected text
it will rewrite, and then the instruction and the rewrite.
"""

import enum
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QPoint,
    QRect,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QCloseEvent, QGuiApplication, QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.engine.streaming import Partial
from desktop.ui import ui_state
from desktop.ui.dictation import Dictation, Owner, State
from desktop.ui.level_meter import LevelMeter
from desktop.ui.resources import icon

WIDTH = 440
MARGIN = 24  # from the screen's edge
TEXT_WIDTH = WIDTH - 14 - 10  # inside the card's margins
AUTO_HIDE_MS = 20000  # after a finished dictation, unless the mouse is over the window
BRIEF_HIDE_MS = 1500  # after a cancel or an empty dictation
LIVE_CHARS = 260  # the live text shows the last few lines only
TARGET_CHARS = 160  # an edit's selection is shown up to this long
COUNTDOWN_SECONDS = 3  # the stop after silence is announced this many seconds before
_STYLE = """
QFrame#card { background: palette(window); border: 1px solid palette(mid);
              border-radius: 10px; }
QLabel#state { font-weight: 600; }
QLabel#dot { background: #e5484d; border-radius: 5px; }
QLabel[muted="true"] { color: palette(placeholder-text); }
QLabel#title { font-weight: 600; color: palette(placeholder-text); }
QFrame#rule { color: palette(mid); }
"""


class Phase(enum.Enum):
    """What the window shows."""

    HIDDEN = "hidden"
    LISTENING = "listening"
    WORKING = "working"
    DONE = "done"
    MESSAGE = "message"


class _TextBlock(QWidget):
    """A title, a Copy button and a wrapped, selectable text."""

    copy_clicked = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(title, self)
        self.title.setObjectName("title")
        self.copy_button = QPushButton(icon("copy"), "Copy", self)
        self.copy_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.copy_button.setAccessibleName(f"Copy {title.lower()} text")
        self.copy_button.clicked.connect(self.copy_clicked)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addWidget(self.text)

    def set_text(self, text: str, final: bool = True) -> None:
        self.text.setText(text)
        self.text.setProperty("muted", not final)
        self.text.style().polish(self.text)
        self.copy_button.setEnabled(bool(text) and final)


class DictationWindow(QWidget):
    """Shows one hotkey dictation at a time. GUI thread only.

    :meth:`follow` makes it render a :class:`~desktop.ui.dictation.Dictation`: every
    dictation whose text is pasted (hotkey, ``dictara toggle``, tray), not the main
    window's own.

    Args:
        state_file: where the window's position is kept (an INI file); None = not kept.

    Signals:
        copied(str): ``"raw"`` or ``"cleaned"`` was put on the clipboard.

    Attributes:
        phase: what the window is showing.
    """

    copied = Signal(str)

    def __init__(self, state_file: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent, _FLAGS)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWindowTitle("Dictara dictation")
        self.setAccessibleName("Dictara dictation")
        self.setFixedWidth(WIDTH)
        self.setStyleSheet(_STYLE)
        self.phase = Phase.HIDDEN
        self._state_file = state_file
        self._hint = ""
        self._dictation: Dictation | None = None
        self._drag_from: QPoint | None = None
        self._placed = False
        self._build()
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.timeout.connect(self._on_hide_timer_timeout)

    def follow(self, dictation: Dictation) -> None:
        """Render ``dictation`` from now on."""
        self._dictation = dictation
        dictation.state_changed.connect(self._on_dictation_state_changed)
        dictation.level_changed.connect(self._on_dictation_level_changed)
        dictation.countdown_changed.connect(self._on_dictation_countdown_changed)
        dictation.partial_changed.connect(self._on_dictation_partial_changed)
        dictation.cleaned_text_changed.connect(self._on_dictation_cleaned_text_changed)

    def set_hint(self, hint: str) -> None:
        """Say how to stop a dictation (the hotkey, or `dictara stop`)."""
        self._hint = hint

    def show_listening(self, hint: str) -> None:
        """A dictation started: state, level, the words so far, and how to stop."""
        self._hint = hint  # shown again when a countdown is called off
        self._set_phase(Phase.LISTENING, "Listening…", hint)
        self.meter.reset()
        self.meter.show()
        self.live.setText("")
        self.live.show()
        self.raw.hide()
        self.cleaned.hide()
        self.rule.hide()
        self._present()

    def show_waiting(self, text: str) -> None:
        """Before the microphone is open (the model is still loading)."""
        self._set_phase(Phase.WORKING, text, "Esc cancels")
        self.meter.hide()
        self.live.hide()
        self._present()

    @Slot(float)
    def set_level(self, db: float) -> None:
        """Show the microphone level in dBFS."""
        self.meter.set_level(db)

    def show_countdown(self, seconds_left: int) -> None:
        """Near the stop after silence, say when it comes; otherwise how to stop."""
        if seconds_left <= COUNTDOWN_SECONDS:
            self.hint.setText(f"Stopping in {seconds_left} s")
        else:
            self.hint.setText(self._hint)
        self.hint.setVisible(bool(self.hint.text()))

    def show_partial(self, partial: Partial) -> None:
        """Show the committed words and the volatile ones after them."""
        self._set_live(partial.shown)

    def show_working(self, text: str = "Transcribing…") -> None:
        """The microphone is closed; the final text is being made."""
        self._set_phase(Phase.WORKING, text, "")
        self.meter.hide()
        self._present()

    def set_edit_target(self, text: str) -> None:
        """Show the selected text an edit by voice will rewrite ("" hides it)."""
        if len(text) > TARGET_CHARS:
            text = text[:TARGET_CHARS].rpartition(" ")[0] + "…"
        self.target.setText(f"Editing: “{text.strip()}”" if text.strip() else "")
        self.target.setVisible(bool(text.strip()))
        self._fit()

    def show_raw(self, text: str, state: str = "Cleaning…",
                 titles: tuple[str, str] = ("Raw", "Cleaned")) -> None:
        """The final raw transcript; the cleaned text (or an edit's rewrite) follows."""
        self.raw.title.setText(titles[0])
        self.cleaned.title.setText(titles[1])
        self._set_phase(Phase.WORKING, state, "")
        self.meter.hide()
        self.live.hide()
        self.rule.show()
        self.raw.set_text(text)
        self.raw.show()
        self.cleaned.set_text("", final=False)
        self.cleaned.show()
        self._present()

    @Slot(str)
    def show_cleaning(self, text: str) -> None:
        """The cleaned text so far, as it streams in."""
        self.cleaned.set_text(text, final=False)
        self._fit()

    def show_cleaning_note(self, note: str) -> None:
        """Say something about the cleanup under way (in place of the hint)."""
        self.hint.setText(note)
        self.hint.setVisible(True)
        self._fit()

    def show_cleaned(self, text: str, note: str = "") -> None:
        """The cleaned text is final; ``note`` says e.g. why the rules were used."""
        self.cleaned.set_text(text)
        self._set_phase(Phase.DONE, "Done", note)
        self._fit()
        self._hide_timer.start(AUTO_HIDE_MS)

    def show_message(self, text: str, detail: str = "", brief: bool = False) -> None:
        """Show a short state such as "Cancelled" or an error sentence."""
        self._set_phase(Phase.MESSAGE, text, detail)
        for widget in (self.meter, self.live, self.raw, self.cleaned, self.rule, self.target):
            widget.hide()
        self._present()
        self._hide_timer.start(BRIEF_HIDE_MS if brief else AUTO_HIDE_MS)

    def dismiss(self) -> None:
        """Hide and remember the position."""
        self._hide_timer.stop()
        self._save_position()
        self.phase = Phase.HIDDEN
        self.hide()

    def _build(self) -> None:
        card = QFrame(self)
        card.setObjectName("card")
        self.dot = QLabel(card)
        self.dot.setObjectName("dot")
        self.dot.setFixedSize(10, 10)
        self.state = QLabel(card)
        self.state.setObjectName("state")
        self.profile = QLabel(card)
        self.profile.setProperty("muted", True)
        self.profile.hide()
        self.target = QLabel(card)
        self.target.setWordWrap(True)
        self.target.setTextFormat(Qt.TextFormat.PlainText)
        self.target.setProperty("muted", True)
        self.target.hide()
        self.hint = QLabel(card)
        self.hint.setProperty("muted", True)
        self.hint.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        close = QToolButton(card)
        close.setIcon(icon("cancel"))
        close.setAutoRaise(True)
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        close.setAccessibleName("Close the dictation window")
        close.clicked.connect(self._on_close_clicked)
        self.meter = LevelMeter(card)
        self.live = QLabel(card)
        self.live.setWordWrap(True)
        self.live.setTextFormat(Qt.TextFormat.PlainText)
        self.rule = QFrame(card)
        self.rule.setObjectName("rule")
        self.rule.setFrameShape(QFrame.Shape.HLine)
        self.raw = _TextBlock("Raw", card)
        self.cleaned = _TextBlock("Cleaned", card)
        self.raw.copy_clicked.connect(self._on_raw_copy_clicked)
        self.cleaned.copy_clicked.connect(self._on_cleaned_copy_clicked)
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(self.dot)
        head.addWidget(self.state)
        head.addWidget(self.profile)
        head.addWidget(self.hint, 1)
        head.addWidget(close)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(14, 10, 10, 12)
        inner.setSpacing(8)
        inner.addLayout(head)
        inner.addWidget(self.target)
        inner.addWidget(self.meter)
        inner.addWidget(self.live)
        inner.addWidget(self.rule)
        inner.addWidget(self.raw)
        inner.addWidget(self.cleaned)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(card)

    def _set_phase(self, phase: Phase, state: str, hint: str) -> None:
        self.phase = phase
        self._hide_timer.stop()
        self.dot.setVisible(phase is Phase.LISTENING)
        self.state.setText(state)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))

    def _set_live(self, text: str) -> None:
        # Only the end of a long dictation: the window must not grow past a few lines.
        if len(text) > LIVE_CHARS:
            text = "…" + text[-LIVE_CHARS:].partition(" ")[2]
        self.live.setText(text)
        self._fit()

    def _present(self) -> None:
        self._fit()
        if not self.isVisible():
            self.show()  # WA_ShowWithoutActivating: the focused app keeps the focus
        self._keep_on_screen()

    def _fit(self) -> None:
        """Grow or shrink to the wrapped text.

        Nested layouts do not pass a wrapped QLabel's height-for-width up reliably (the
        window came out a line short), so each wrapped label gets the fixed height its
        text needs at the window's fixed width and the layouts just add them up.
        """
        for label in (self.target, self.live, self.raw.text, self.cleaned.text):
            _no_height_for_width(label)
            label.setFixedHeight(label.heightForWidth(TEXT_WIDTH) if label.text() else 0)
        # The inner layouts learn of the new heights from posted LayoutRequest events.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.adjustSize()
        if self.isVisible():
            self._keep_on_screen()

    def _keep_on_screen(self) -> None:
        if not self._placed:
            self.move(self._saved_position() or self._default_position())
            self._placed = True
        area = _available_area(self.frameGeometry().center())
        geometry = self.frameGeometry()
        x = min(max(geometry.left(), area.left()), area.right() - geometry.width() + 1)
        y = min(max(geometry.top(), area.top()), area.bottom() - geometry.height() + 1)
        if (x, y) != (geometry.left(), geometry.top()):
            self.move(x, y)

    def _default_position(self) -> QPoint:
        area = _available_area(None)
        return QPoint(area.center().x() - WIDTH // 2, area.bottom() - 220 - MARGIN)

    def _saved_position(self) -> QPoint | None:
        if self._state_file is None:
            return None
        value = ui_state.read(self._state_file, "pos")
        return value if isinstance(value, QPoint) else None

    def _save_position(self) -> None:
        if self._state_file is not None and self._placed:
            ui_state.write(self._state_file, "pos", self.pos())

    @Slot(object)
    def _on_dictation_state_changed(self, state: State) -> None:
        dictation = self._dictation
        if dictation is None or not dictation.owner.pastes:
            return
        document = dictation.document
        self._show_profile(dictation)
        if state is State.WAITING_FOR_MODEL:
            self.show_waiting("Loading the speech model…")
        elif state is State.STARTING:
            self.show_waiting("Opening the microphone…")
        elif state is State.RECORDING:
            self.show_listening(self._hint)
        elif state is State.FINISHING:
            self.show_working()
        elif state is State.CLEANING and document is not None:
            self.show_raw(document.transcript.text)
        elif state is State.DONE and document is not None and document.result is not None:
            self.show_cleaned(document.result.cleaned, document.result.fallback_reason or "")
        elif state is State.FAILED:
            self.show_message("Nothing was pasted", dictation.message)
        elif state is State.IDLE and dictation.cancelled:
            self.show_message("Cancelled", "Nothing more is pasted; the recording is kept.",
                              brief=True)
        elif state is State.IDLE:
            self.dismiss()

    def _show_profile(self, dictation: Dictation) -> None:
        """Name the profile in use; an edit's selection stays, a dictation has none."""
        profile = dictation.profile
        self.profile.setText(f"· {profile.name}" if profile is not None else "")
        self.profile.setVisible(profile is not None)
        if dictation.owner is not Owner.EDIT:
            self.target.hide()

    @Slot(float)
    def _on_dictation_level_changed(self, db: float) -> None:
        if self.phase is Phase.LISTENING:
            self.set_level(db)

    @Slot(int)
    def _on_dictation_countdown_changed(self, seconds_left: int) -> None:
        if self.phase is Phase.LISTENING:
            self.show_countdown(seconds_left)

    @Slot(object)
    def _on_dictation_partial_changed(self, partial: Partial) -> None:
        if self._dictation is not None and self._dictation.owner.pastes:
            self.show_partial(partial)

    @Slot(str)
    def _on_dictation_cleaned_text_changed(self, text: str) -> None:
        if self._dictation is not None and self._dictation.owner.pastes:
            self.show_cleaning(text)

    @Slot()
    def _on_close_clicked(self) -> None:
        self.dismiss()

    @Slot()
    def _on_hide_timer_timeout(self) -> None:
        if self.underMouse():
            self._hide_timer.start(BRIEF_HIDE_MS)
            return
        self.dismiss()

    @Slot()
    def _on_raw_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.raw.text.text())
        self.copied.emit("raw")

    @Slot()
    def _on_cleaned_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.cleaned.text.text())
        self.copied.emit("cleaned")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            handle = self.windowHandle()
            if handle is not None and handle.startSystemMove():
                return
            self._drag_from = event.globalPosition().toPoint() - self.pos()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            self.move(event.globalPosition().toPoint() - self._drag_from)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            self._drag_from = None
            self._keep_on_screen()
            self._save_position()
        super().mouseReleaseEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_position()
        super().closeEvent(event)


_FLAGS = (Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint
          | Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.WindowDoesNotAcceptFocus)


def _available_area(point: QPoint | None) -> QRect:
    screen = QGuiApplication.screenAt(point) if point is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)


def _no_height_for_width(label: QLabel) -> None:
    policy = label.sizePolicy()
    policy.setHeightForWidth(False)
    label.setSizePolicy(policy)
