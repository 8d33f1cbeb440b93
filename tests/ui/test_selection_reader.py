"""Reading the selection of the app in front: PRIMARY when that app owns it, else a copy
shortcut with the clipboard given back; nothing selected reads as ""."""

import pytest
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.platform.frontmost import FrontApp
from desktop.ui.selection_reader import SelectionReader

BEFORE = "what the user had copied"
GEDIT = FrontApp("Gedit", ("gedit",), "notes.txt", window=0x1200007)


class FakeCopyKeys:
    """The app in front: on the copy shortcut it puts ``copies`` on the clipboard."""

    def __init__(self, copies: QMimeData | str | None) -> None:
        self.copies = copies
        self.sent = 0

    def copy(self) -> None:
        self.sent += 1
        board = QGuiApplication.clipboard()
        if isinstance(self.copies, str):
            board.setText(self.copies)
        elif self.copies is not None:
            board.setMimeData(self.copies)


def read(qtbot: QtBot, reader: SelectionReader, app: FrontApp) -> str:
    with qtbot.wait_signal(reader.read, timeout=5000) as blocker:
        reader.start(app)
    text: str = blocker.args[0]
    return text


def make(keys: FakeCopyKeys, owns_primary: bool = False,
         held: list[bool] | None = None) -> SelectionReader:
    flags = held if held is not None else [False]
    return SelectionReader(lambda: flags[0], keys=keys,  # type: ignore[arg-type]
                           owns_primary=lambda _window: owns_primary)


def test_primary_of_the_app_in_front_needs_no_copy(qapp: QApplication, qtbot: QtBot) -> None:
    board = QGuiApplication.clipboard()
    if not board.supportsSelection():
        pytest.skip("no PRIMARY selection on the offscreen platform")
    board.setText("the meeting moved", QClipboard.Mode.Selection)
    keys = FakeCopyKeys("not this")
    assert read(qtbot, make(keys, owns_primary=True), GEDIT) == "the meeting moved"
    assert keys.sent == 0


def test_otherwise_a_copy_shortcut_reads_it_and_the_clipboard_comes_back(
        qapp: QApplication, qtbot: QtBot) -> None:
    QGuiApplication.clipboard().setText(BEFORE)
    held = [True]
    keys = FakeCopyKeys("the meeting moved")
    reader = make(keys, held=held)
    reader.start(GEDIT)
    qtbot.wait(100)
    assert keys.sent == 0  # Ctrl+Alt still down: Ctrl+Alt+C would not copy
    with qtbot.wait_signal(reader.read, timeout=5000) as blocker:
        held[0] = False
    assert blocker.args == ["the meeting moved"] and keys.sent == 1
    assert QGuiApplication.clipboard().text() == BEFORE


def test_a_copy_of_nothing_is_nothing_selected(qapp: QApplication, qtbot: QtBot) -> None:
    QGuiApplication.clipboard().setText(BEFORE)
    keys = FakeCopyKeys(None)
    assert read(qtbot, make(keys), GEDIT) == ""
    assert keys.sent == 1 and QGuiApplication.clipboard().text() == BEFORE


def test_vs_codes_whole_line_copy_is_nothing_selected(qapp: QApplication, qtbot: QtBot) -> None:
    line = QMimeData()
    line.setText("the whole current line\n")
    line.setData("vscode-editor-data", b'{"version":1,"isFromEmptySelection":true}')
    assert read(qtbot, make(FakeCopyKeys(line)), FrontApp("Code", ("code",))) == ""
    picked = QMimeData()
    picked.setText("a word")
    picked.setData("vscode-editor-data", b'{"version":1,"isFromEmptySelection":false}')
    assert read(qtbot, make(FakeCopyKeys(picked)), FrontApp("Code", ("code",))) == "a word"


def test_a_terminal_is_never_sent_ctrl_c(qapp: QApplication, qtbot: QtBot) -> None:
    keys = FakeCopyKeys("^C would have interrupted the program")
    assert read(qtbot, make(keys), FrontApp("XTerm", ("xterm",))) == ""
    assert keys.sent == 0
