"""Paste a text into the focused app through the clipboard, then give the clipboard back.

Steps, all in the GUI thread: keep a copy of every format on the clipboard; put the text
there; wait until the user has let go of the hotkey's modifiers (Ctrl+Alt still down would
turn Ctrl+V into Ctrl+Alt+V); send Ctrl+V (Cmd+V); after a short delay, if the clipboard
still holds our text, put the user's previous content back.

On X11 the clipboard is a conversation: the target asks the owner for the data when it
handles Ctrl+V, so Dictara must own the clipboard until then — hence the delay before the
restore rather than restoring straight after the keystroke.
"""

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QMimeData, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QClipboard, QGuiApplication

from desktop.platform.paste import KeySender, KeystrokeError

log = logging.getLogger(__name__)

RESTORE_DELAY_MS = 600  # time the target has to fetch the text before we restore
MODIFIER_POLL_MS = 20
MODIFIER_WAIT_MS = 3000  # paste anyway after this long (a stuck key)


class Paster(QObject):
    """Pastes into the focused app and restores the clipboard. GUI thread only.

    Args:
        modifiers_held: whether Ctrl/Alt/Shift/Cmd are still down (from the hotkey
            listener); None when unknown (no listener).
        keys: sends the paste shortcut.
        clipboard: the clipboard to use; the application's when None.

    Signals:
        pasted(str, float): the text was sent, and ms from ``paste()`` to the keystroke.
        restored(): the previous clipboard content is back.
        failed(str): one sentence; the text stays on the clipboard.
    """

    pasted = Signal(str, float)
    restored = Signal()
    failed = Signal(str)

    def __init__(
        self,
        modifiers_held: Callable[[], bool] | None = None,
        keys: KeySender | None = None,
        clipboard: QClipboard | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.modifiers_held = modifiers_held
        self._keys = keys or KeySender()
        self._clipboard = clipboard
        self._saved: QMimeData | None = None
        self._text = ""
        self._asked = 0.0
        self._waited = 0
        self._poll = QTimer(self)
        self._poll.setInterval(MODIFIER_POLL_MS)
        self._poll.timeout.connect(self._on_poll_timeout)
        self._restore = QTimer(self)
        self._restore.setSingleShot(True)
        self._restore.setInterval(RESTORE_DELAY_MS)
        self._restore.timeout.connect(self._on_restore_timeout)

    @property
    def busy(self) -> bool:
        """Whether a paste or a restore is pending."""
        return self._poll.isActive() or self._restore.isActive()

    def copy(self, text: str) -> None:
        """Put ``text`` on the clipboard and leave it there (paste mode off)."""
        self._finish_pending()
        self._board().setText(text)

    def paste(self, text: str) -> None:
        """Paste ``text`` into the focused app; ``pasted`` or ``failed`` follows."""
        self._finish_pending()
        board = self._board()
        self._saved = snapshot(board.mimeData())
        self._text = text
        self._asked = time.monotonic()
        self._waited = 0
        board.setText(text)
        self._poll.start()
        self._on_poll_timeout()

    def _board(self) -> QClipboard:
        return self._clipboard or QGuiApplication.clipboard()

    def _finish_pending(self) -> None:
        """A new paste while the last restore waits: restore first, so nothing is lost."""
        self._poll.stop()
        if self._restore.isActive():
            self._restore.stop()
            self._on_restore_timeout()

    @Slot()
    def _on_poll_timeout(self) -> None:
        held = self.modifiers_held() if self.modifiers_held is not None else False
        if held and self._waited < MODIFIER_WAIT_MS:
            self._waited += MODIFIER_POLL_MS
            return
        self._poll.stop()
        try:
            self._keys.paste()
        except KeystrokeError as e:
            self._saved = None  # leave the text on the clipboard for the user
            self.failed.emit(str(e))
            return
        ms = (time.monotonic() - self._asked) * 1000
        self.pasted.emit(self._text, ms)
        self._restore.start()

    @Slot()
    def _on_restore_timeout(self) -> None:
        board, saved = self._board(), self._saved
        self._saved = None
        if board.text() != self._text:
            log.info("The clipboard changed since the paste; not restoring it")
            return
        put_back(board, saved)
        self.restored.emit()


def snapshot(data: QMimeData | None) -> QMimeData:
    """Return a copy of every format (the clipboard's own object changes under us)."""
    result = QMimeData()
    if data is not None:
        for fmt in data.formats():
            result.setData(fmt, data.data(fmt))
    return result


def put_back(board: QClipboard, saved: QMimeData | None) -> None:
    """Give the clipboard back what :func:`snapshot` took (empty stays empty)."""
    if saved is None or not saved.formats():
        board.clear()
    else:
        board.setMimeData(saved)
