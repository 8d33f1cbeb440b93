"""The hotkey path in process: key → dictation → dictation window → paste, with fakes for
the keyboard listener and the paste keystroke (the seams ``listener_factory`` and ``keys``).
"""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop.engine.transcript import Segment, Transcript
from desktop.platform import hotkeys
from desktop.ui.dictation import Owner, State
from desktop.ui.dictation_window import Phase
from desktop.ui.documents import Document
from tests.fake_sounddevice import FakeSoundDevice
from tests.ui.conftest import read_clip, wait_state

CLIP = "1272-128104-0000.wav"
BEFORE = "what the user had copied"


class FakeListener:
    """Stands in for pynput's listener; the test presses the keys by calling back."""

    def __init__(self, combo: str, on_activate: Callable[[], None],
                 on_deactivate: Callable[[], None], on_escape: Callable[[], None]) -> None:
        self.combo = hotkeys.parse(combo)
        self.press, self.release, self.escape = on_activate, on_deactivate, on_escape
        self.started = False
        self.held = False

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.started = False

    def modifiers_held(self) -> bool:
        return self.held


class FakeKeys:
    """Records paste keystrokes and what the clipboard held at each."""

    def __init__(self) -> None:
        self.pasted: list[str] = []

    def paste(self) -> None:
        self.pasted.append(QGuiApplication.clipboard().text())


def hotkey_app(make_app, data_dir: Path, **settings: object):  # type: ignore[no-untyped-def]
    listeners: list[FakeListener] = []

    def factory(*args):  # type: ignore[no-untyped-def]
        listeners.append(FakeListener(*args))
        return listeners[-1]

    keys = FakeKeys()
    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP), speed=2),
                   kwargs={"listener_factory": factory, "keys": keys}, **settings)
    app.integration.start()
    assert listeners and listeners[-1].started
    return app, listeners[-1], keys


def wait_committed(qtbot: QtBot, app) -> None:  # type: ignore[no-untyped-def]
    with qtbot.wait_signal(app.dictation.partial_changed, timeout=60_000,
                           check_params_cb=lambda partial: bool(partial.committed)):
        pass


def dictate_until_cleaning(qtbot: QtBot, app, listener: FakeListener) -> None:  # type: ignore[no-untyped-def]
    """Press, speak until words are committed, press again; wait for the cleanup."""
    listener.press()
    wait_state(qtbot, app, State.RECORDING, 10_000)
    wait_committed(qtbot, app)
    listener.press()
    wait_state(qtbot, app, State.CLEANING)


def test_toggle_hotkey_pastes_the_cleaned_text(make_app, qtbot: QtBot, data_dir: Path) -> None:
    app, listener, keys = hotkey_app(make_app, data_dir)
    QGuiApplication.clipboard().setText(BEFORE)
    window = app.integration.window
    listener.press()
    wait_state(qtbot, app, State.RECORDING, 10_000)
    assert app.dictation.owner is Owner.HOTKEY
    assert window.isVisible() and window.phase is Phase.LISTENING
    assert window.hint.text() == "Ctrl+Alt+Space stops · Esc cancels"
    assert app.integration.tray.state == "recording"
    wait_committed(qtbot, app)
    assert "quilter" in window.live.text().lower()
    listener.held = True  # the paste waits until the user lets go of Ctrl+Alt
    with qtbot.wait_signal(app.integration.hotkey.pasted, timeout=60_000):
        listener.press()
        wait_state(qtbot, app, State.DONE)
        assert keys.pasted == []
        listener.held = False
    cleaned = app.dictation.document.result.cleaned
    assert keys.pasted == [cleaned] and "Quilter" in cleaned
    assert window.phase is Phase.DONE and window.cleaned.text.text() == cleaned
    assert app.integration.tray.state == "idle"
    qtbot.wait_until(lambda: QGuiApplication.clipboard().text() == BEFORE, timeout=5000)
    assert app.window.compare.cleaned.plain == cleaned  # the main window shows it too


def test_push_to_talk_and_raw_paste_mode(make_app, qtbot: QtBot, data_dir: Path) -> None:
    app, listener, keys = hotkey_app(make_app, data_dir, hotkey__mode="push_to_talk",
                                     paste__mode="raw")
    listener.press()
    wait_state(qtbot, app, State.RECORDING, 10_000)
    assert app.integration.window.hint.text() == "Release Ctrl+Alt+Space to stop · Esc cancels"
    listener.press()  # key repeat while held: nothing changes
    assert app.dictation.state is State.RECORDING
    wait_committed(qtbot, app)
    with qtbot.wait_signal(app.integration.hotkey.pasted, timeout=60_000):
        listener.release()
    assert keys.pasted == [app.dictation.document.transcript.text]
    wait_state(qtbot, app, State.DONE)
    assert len(keys.pasted) == 1


def test_escape_cancels_and_nothing_is_pasted(make_app, qtbot: QtBot, data_dir: Path) -> None:
    app, listener, keys = hotkey_app(make_app, data_dir)
    listener.press()
    wait_state(qtbot, app, State.RECORDING, 10_000)
    wait_committed(qtbot, app)
    listener.escape()
    qtbot.wait_until(lambda: app.dictation.state is State.IDLE, timeout=5000)
    window = app.integration.window
    assert app.dictation.cancelled and window.state.text() == "Cancelled"
    qtbot.wait(500)
    assert keys.pasted == [] and app.dictation.document is None


def test_the_hotkey_leaves_a_window_dictation_alone(make_app, qtbot: QtBot, data_dir: Path
                                                    ) -> None:
    app, listener, _keys = hotkey_app(make_app, data_dir)
    assert app.dictation.start(Owner.WINDOW)
    wait_state(qtbot, app, State.RECORDING, 10_000)
    listener.press()
    listener.escape()
    qtbot.wait(200)
    assert app.dictation.state is State.RECORDING and app.dictation.owner is Owner.WINDOW
    assert app.integration.window.state.text() == "The main window is dictating"
    app.dictation.cancel()


def test_ipc_commands_drive_the_same_dictation(make_app, qtbot: QtBot, data_dir: Path) -> None:
    app, _listener, keys = hotkey_app(make_app, data_dir)
    commands = app.integration._on_server_command_received
    commands("toggle")
    wait_state(qtbot, app, State.RECORDING, 10_000)
    assert app.dictation.owner is Owner.COMMAND and app.integration._status() == "recording"
    wait_committed(qtbot, app)
    with qtbot.wait_signal(app.integration.hotkey.pasted, timeout=60_000):
        commands("stop")
        assert app.integration._status() == "working"
    assert keys.pasted == [app.dictation.document.result.cleaned]
    assert app.integration._status() == "idle"


def test_a_second_press_while_cleaning_does_not_lose_the_first_paste(
        make_app, qtbot: QtBot, data_dir: Path, fake_ollama) -> None:
    fake_ollama.token_delay = 0.1  # a slow model: the user presses again before it is done
    app, listener, keys = hotkey_app(make_app, data_dir)
    dictate_until_cleaning(qtbot, app, listener)
    listener.press()
    assert app.dictation.state is State.CLEANING
    assert app.integration.window.hint.text().startswith("Still cleaning the last one")
    with qtbot.wait_signal(app.integration.hotkey.pasted, timeout=60_000):
        pass
    assert keys.pasted == [app.dictation.document.result.cleaned]


def test_another_cleanup_waits_instead_of_spoiling_the_paste(make_app, qtbot: QtBot,
                                                             data_dir: Path, fake_ollama) -> None:
    fake_ollama.token_delay = 0.05
    app, listener, keys = hotkey_app(make_app, data_dir)
    dictate_until_cleaning(qtbot, app, listener)
    other = Document(Transcript("notes.wav", 3.0, "en", "tiny.en",
                                (Segment(0.0, 3.0, "um so the other file says hello there"),)),
                     "file")
    app.documents.clean(other)  # e.g. a finished file opened meanwhile
    with qtbot.wait_signal(app.integration.hotkey.pasted, timeout=60_000):
        pass
    result = app.dictation.document.result
    assert result.backend == "ollama" and keys.pasted == [result.cleaned]
    qtbot.wait_until(lambda: other.result is not None, timeout=60_000)
    assert other.result.backend == "ollama"


def test_no_global_hotkeys_is_said_once_not_once_per_hotkey(make_app, qtbot: QtBot) -> None:
    def unavailable(*_args: object) -> FakeListener:
        raise hotkeys.UnavailableError("there is no X display (DISPLAY is not set)")

    app = make_app(kwargs={"listener_factory": unavailable})
    said: list[str] = []
    app.services.messages.posted.connect(lambda m: said.append(m.text))
    app.integration.start()
    qtbot.wait_until(lambda: bool(said), timeout=5000)
    qtbot.wait(200)  # a second message would have followed by now
    assert len([s for s in said if "no X display" in s]) == 1, said
