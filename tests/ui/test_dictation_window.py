"""The dictation window: never takes focus, shows each phase, copies, remembers where it was."""

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.engine.streaming import Partial
from desktop.ui.dictation_window import DictationWindow, Phase

TEXT = "Mr. Quilter is the apostle of the middle classes and we are glad to welcome his gospel."


def _window(qtbot: QtBot, state: Path | None = None) -> DictationWindow:
    window = DictationWindow(state)
    qtbot.add_widget(window)
    return window


def test_it_is_a_tool_window_that_does_not_take_focus(qtbot: QtBot, qapp: QApplication) -> None:
    window = _window(qtbot)
    flags = window.windowFlags()
    for flag in (Qt.WindowType.Tool, Qt.WindowType.FramelessWindowHint,
                 Qt.WindowType.WindowStaysOnTopHint, Qt.WindowType.WindowDoesNotAcceptFocus):
        assert flags & flag
    assert window.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    window.show_listening("Ctrl+Alt+Space stops · Esc cancels")
    qtbot.wait_exposed(window)
    assert window.isVisible() and not window.isActiveWindow()
    assert QApplication.focusWidget() is None


def test_phases(qtbot: QtBot) -> None:
    window = _window(qtbot)
    window.show_listening("hint")
    assert window.phase is Phase.LISTENING and window.meter.isVisible()
    window.show_partial(Partial("the apostle", "Mr. Quilter is"))
    assert window.live.text() == "Mr. Quilter is the apostle"
    window.show_working()
    assert window.phase is Phase.WORKING and not window.meter.isVisible()
    window.show_raw("mister quilter")
    assert not window.cleaned.copy_button.isEnabled()
    window.show_cleaning("Mister")
    window.show_cleaned(TEXT)
    assert window.phase is Phase.DONE
    assert window.raw.copy_button.isEnabled() and window.cleaned.copy_button.isEnabled()
    assert window.cleaned.text.height() >= 2 * window.cleaned.text.fontMetrics().height()


def test_copy_buttons(qtbot: QtBot) -> None:
    window = _window(qtbot)
    window.show_raw("raw words")
    window.show_cleaned("Clean words.")
    with qtbot.wait_signal(window.copied) as blocker:
        window.cleaned.copy_button.click()
    assert blocker.args == ["cleaned"]
    assert QGuiApplication.clipboard().text() == "Clean words."
    window.raw.copy_button.click()
    assert QGuiApplication.clipboard().text() == "raw words"


def test_a_long_dictation_shows_only_its_end(qtbot: QtBot) -> None:
    window = _window(qtbot)
    window.show_listening("hint")
    window.show_partial(Partial("word " * 200))
    assert window.live.text().startswith("…") and len(window.live.text()) < 300


def test_position_is_remembered_and_kept_on_screen(qtbot: QtBot, tmp_path: Path) -> None:
    state = tmp_path / "window.ini"
    window = _window(qtbot, state)
    window.show_message("Cancelled", brief=True)
    window.move(100, 120)
    window.dismiss()
    again = _window(qtbot, state)
    again.show_message("Cancelled")
    assert again.pos() == QPoint(100, 120)
    assert state.stat().st_mode & 0o777 == 0o600  # user-only, like every file Dictara writes
    again.move(-5000, 99999)
    again.dismiss()
    third = _window(qtbot, state)
    third.show_message("Cancelled")
    area = third.screen().availableGeometry()
    assert area.contains(third.frameGeometry())


def test_the_stop_after_silence_is_counted_down_quietly_near_the_end(qtbot: QtBot) -> None:
    window = _window(qtbot)
    window.show_listening("Ctrl+Alt+Space stops · Esc cancels")
    window.show_countdown(5)
    assert window.hint.text() == "Ctrl+Alt+Space stops · Esc cancels"
    window.show_countdown(3)
    assert window.hint.text() == "Stopping in 3 s"
    assert window.hint.property("muted")
    window.show_countdown(1)
    assert window.hint.text() == "Stopping in 1 s"
    window.show_countdown(5)  # speech again
    assert window.hint.text() == "Ctrl+Alt+Space stops · Esc cancels"
