"""Read the text selected in the app in front, for an edit by voice.

On X11 the PRIMARY selection holds it already, if the app in front owns PRIMARY (see
:mod:`desktop.platform.selection`). Otherwise Dictara asks the app to copy it: it keeps
every format on the clipboard, waits until the user has let go of the hotkey's modifiers
(Ctrl+Alt+C would not copy), sends Ctrl+C (Cmd+C), waits for the clipboard to change, reads
the text and puts the user's clipboard back. An app with nothing selected copies nothing,
so the clipboard does not change: nothing is selected. VS Code (and editors built on it)
copy the whole line when nothing is selected and mark such a copy with
``isFromEmptySelection`` in their ``vscode-editor-data`` format: that is nothing selected
too. Sublime Text and JetBrains editors do the same without a mark, so there an empty
selection reads as the current line. In a terminal Ctrl+C interrupts the program that runs
there instead of copying, so a terminal is never sent it: its selection is PRIMARY or none.

PRIMARY can hold a selection the app in front has since let go of (Qt apps keep it, GTK
apps clear it); the dictation window shows the text that will be edited, and Esc stops.
"""

import json
import logging
from collections.abc import Callable

from PySide6.QtCore import QMimeData, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QClipboard, QGuiApplication

from desktop.platform.frontmost import FrontApp
from desktop.platform.paste import KeySender, KeystrokeError
from desktop.platform.selection import primary_owned_by
from desktop.ui.paster import put_back, snapshot

log = logging.getLogger(__name__)

POLL_MS = 20
MODIFIER_WAIT_MS = 3000  # copy anyway after this long (a stuck key), unless patient
COPY_WAIT_MS = 600  # an app that copied nothing in this time had nothing selected
VSCODE_FORMAT = "vscode-editor-data"
# Apps where Ctrl+C interrupts instead of copying (WM_CLASS, executable, bundle id parts).
TERMINALS = ("term", "konsole", "kitty", "alacritty", "rxvt", "tilix", "terminator", "foot",
             "cmd.exe", "powershell", "pwsh", "conhost")


class SelectionReader(QObject):
    """Reads the selection of the app in front, one read at a time. GUI thread only.

    Args:
        modifiers_held: whether Ctrl/Alt/Shift/Cmd are still down (from the edit hotkey's
            listener); None when unknown.
        keys: sends the copy shortcut.
        clipboard: the clipboard to use; the application's when None.
        owns_primary: whether the app (its X11 window id) owns PRIMARY (tests pass a fake).

    Signals:
        read(str): the selected text, "" when nothing is selected.
        failed(str): the copy shortcut could not be sent (one sentence).
    """

    read = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        modifiers_held: Callable[[], bool] | None = None,
        keys: KeySender | None = None,
        clipboard: QClipboard | None = None,
        owns_primary: Callable[[int], bool] = primary_owned_by,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.modifiers_held = modifiers_held
        self._keys = keys or KeySender()
        self._clipboard = clipboard
        self._owns_primary = owns_primary
        self._saved: QMimeData | None = None
        self._waited = 0
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._copying = False
        self._patient = False

    @property
    def busy(self) -> bool:
        """Whether a read is under way."""
        return self._timer.isActive()

    def start(self, app: FrontApp | None, *, patient: bool = False) -> None:
        """Read the selection of ``app`` (the app in front); ``read`` or ``failed`` follows.

        Args:
            app: the app in front, or None when it is not known.
            patient: wait for the modifiers however long they are held (push-to-talk
                holds the hotkey while the instruction is spoken).
        """
        self.cancel()
        self._patient = patient
        board = self._board()
        if app is not None and board.supportsSelection() and self._owns_primary(app.window):
            text = board.text(QClipboard.Mode.Selection)
            if text.strip():
                log.info("Selection: %d characters from PRIMARY", len(text))
                QTimer.singleShot(0, lambda: self.read.emit(text))
                return
        if app is not None and _is_terminal(app):
            log.info("No copy shortcut for the terminal %s: nothing is selected", app.app)
            QTimer.singleShot(0, lambda: self.read.emit(""))
            return
        self._saved = snapshot(board.mimeData())
        board.clear()  # a copy of nothing leaves it empty: nothing is selected
        self._waited = 0
        self._copying = False
        self._timer.start()

    def cancel(self) -> None:
        """Stop a read under way and give the clipboard back; nothing is emitted."""
        if self._timer.isActive():
            self._timer.stop()
            self._restore()

    def _board(self) -> QClipboard:
        return self._clipboard or QGuiApplication.clipboard()

    def _restore(self) -> None:
        saved, self._saved = self._saved, None
        put_back(self._board(), saved)

    def _finish(self, text: str) -> None:
        self._timer.stop()
        self._restore()
        log.info("Selection: %d characters from a copy", len(text))
        self.read.emit(text)

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._waited += POLL_MS
        if not self._copying:
            held = self.modifiers_held() if self.modifiers_held is not None else False
            if held and (self._patient or self._waited < MODIFIER_WAIT_MS):
                return
            self._copying, self._waited = True, 0
            try:
                self._keys.copy()
            except KeystrokeError as e:
                self._timer.stop()
                self._restore()
                self.failed.emit(str(e))
            return
        data = self._board().mimeData()
        if data is not None and data.formats():
            self._finish("" if _whole_line(data) else data.text())
        elif self._waited >= COPY_WAIT_MS:
            self._finish("")


def _is_terminal(app: FrontApp) -> bool:
    return any(part in name.casefold() for name in app.names for part in TERMINALS)


def _whole_line(data: QMimeData) -> bool:
    """Whether an editor copied the current line because nothing was selected (VS Code)."""
    if not data.hasFormat(VSCODE_FORMAT):
        return False
    try:
        meta = json.loads(bytes(data.data(VSCODE_FORMAT).data()).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(meta, dict) and meta.get("isFromEmptySelection") is True
