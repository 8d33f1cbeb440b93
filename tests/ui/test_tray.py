"""The tray icon: state in the icon and the menu, and the menu's requests."""

from pytestqt.qtbot import QtBot

from desktop.ui.tray import Tray, state_icon


def test_states_change_the_menu(qtbot: QtBot) -> None:
    tray = Tray()
    assert tray.start_stop.text() == "Start dictation" and not tray.cancel.isEnabled()
    tray.set_state("recording")
    assert tray.start_stop.text() == "Stop dictation" and tray.cancel.isEnabled()
    assert tray.icon.toolTip() == "Dictara — listening"
    tray.set_state("working")
    assert not tray.start_stop.isEnabled()
    tray.set_state("idle")
    assert tray.start_stop.isEnabled()


def test_state_icons_differ() -> None:
    images = [state_icon(s).pixmap(32, 32).toImage() for s in ("idle", "recording", "working")]
    assert images[0] != images[1] != images[2] != images[0]


def test_menu_requests(qtbot: QtBot) -> None:
    tray = Tray(start_at_login=False)
    with qtbot.wait_signal(tray.start_stop_requested):
        tray.start_stop.trigger()
    with qtbot.wait_signal(tray.start_at_login_toggled) as blocker:
        tray.start_at_login.trigger()
    assert blocker.args == [True]
    titles = [a.text() for a in tray.menu.actions() if a.text()]
    assert titles == ["Start dictation", "Cancel dictation", "Open Dictara", "Settings…",
                      "Start at login", "Quit Dictara"]
    with qtbot.wait_signal(tray.quit_requested):
        tray.menu.actions()[-1].trigger()
