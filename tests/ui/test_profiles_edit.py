"""Per-app profiles and edit by voice in process: the app in front (a fake) picks the
profile; the edit hotkey reads the selection (a fake copy), records the instruction (a
real clip through the fake microphone) and pastes the stand-in model's rewrite."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop.engine import edit
from desktop.engine.profiles import Profile, ProfileFile
from desktop.platform.frontmost import FrontApp
from desktop.ui.dictation import Owner, State
from tests.fake_ollama import FakeOllama, closed_url, instruction, selection, shout
from tests.fake_sounddevice import FakeSoundDevice
from tests.ui.conftest import app_paths, read_clip, wait_state
from tests.ui.test_hotkey import CLIP, FakeKeys, FakeListener, wait_committed

BEFORE = "what the user had copied"
LINE = "the meeting moved to thursday at ten"


class FakeCopyKeys(FakeKeys):
    """The app in front: pastes are recorded; a copy puts ``selected`` on the clipboard."""

    def __init__(self) -> None:
        super().__init__()
        self.selected = ""

    def copy(self) -> None:
        if self.selected:
            QGuiApplication.clipboard().setText(self.selected)


def profile_app(make_app, data_dir: Path, tmp_path: Path, front: list[FrontApp],  # type: ignore[no-untyped-def]
                profiles: tuple[Profile, ...] = (), **settings: object):
    for profile in profiles:
        ProfileFile(app_paths(tmp_path / "home").profiles_file).add(profile)
    listeners: dict[str, FakeListener] = {}

    def factory(*args: Any) -> FakeListener:
        listener = FakeListener(*args)
        listeners[listener.combo.text] = listener
        return listener

    keys = FakeCopyKeys()
    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP), speed=2),
                   kwargs={"listener_factory": factory, "keys": keys,
                           "front_app": lambda: front[0]}, **settings)
    app.integration.start()
    return app, listeners["<ctrl>+<alt>+<space>"], listeners["<ctrl>+<alt>+e"], keys


def say(qtbot: QtBot, app, press: Callable[[], None]) -> None:  # type: ignore[no-untyped-def]
    press()
    wait_state(qtbot, app, State.RECORDING, 10_000)
    wait_committed(qtbot, app)
    press()


def test_the_profile_of_the_app_in_front_applies_and_never_sticks(
        make_app, qtbot: QtBot, data_dir: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> None:
    front = [FrontApp("QuietApp", ("quietapp",), "notes")]
    quiet = Profile("quiet", app="quiet*", preset="notes", paste_mode="off")
    app, dictate, _edit, keys = profile_app(make_app, data_dir, tmp_path, front, (quiet,))
    window = app.integration.window
    QGuiApplication.clipboard().setText(BEFORE)
    say(qtbot, app, dictate.press)
    assert app.dictation.profile == quiet and window.profile.text() == "· quiet"
    wait_state(qtbot, app, State.DONE)
    cleaned = app.dictation.document.result.cleaned
    qtbot.wait_until(lambda: QGuiApplication.clipboard().text() == cleaned, timeout=5000)
    assert keys.pasted == []  # paste mode off: on the clipboard only
    chat = fake_ollama.bodies("/api/chat")[-1]["messages"]
    assert '"- "' in chat[0]["content"]  # the profile's notes preset

    front[0] = FrontApp("Gedit", ("gedit",), "notes.txt")
    with qtbot.wait_signal(app.integration.hotkey.pasted, timeout=60_000):
        say(qtbot, app, dictate.press)
    assert app.dictation.profile is None and not window.profile.isVisible()
    assert keys.pasted == [app.dictation.document.result.cleaned]  # the settings again
    chat = fake_ollama.bodies("/api/chat")[-1]["messages"]
    assert '"- "' not in chat[0]["content"]


def test_a_spoken_instruction_rewrites_the_selection(
        make_app, qtbot: QtBot, data_dir: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> None:
    fake_ollama.reply = shout
    front = [FrontApp("EditApp", ("editapp",), "draft")]
    app, _dictate, editing, keys = profile_app(make_app, data_dir, tmp_path, front)
    keys.selected = LINE
    QGuiApplication.clipboard().setText(BEFORE)
    controller = app.integration.edit
    window = app.integration.window
    editing.press()
    wait_state(qtbot, app, State.RECORDING, 10_000)
    assert app.dictation.owner is Owner.EDIT
    qtbot.wait_until(lambda: window.target.isVisible(), timeout=5000)
    assert window.target.text() == f"Editing: “{LINE}”"
    assert QGuiApplication.clipboard().text() == BEFORE  # the copy gave it back
    wait_committed(qtbot, app)
    with qtbot.wait_signal(controller.edited, timeout=60_000):
        editing.press()
    assert keys.pasted == [LINE.upper()]
    (chat,) = [b["messages"] for b in fake_ollama.bodies("/api/chat")]  # not cleaned
    assert selection(chat) == LINE and "quilter" in instruction(chat).lower()
    assert window.cleaned.text.text() == LINE.upper()
    assert window.raw.title.text() == "Instruction"
    qtbot.wait_until(lambda: QGuiApplication.clipboard().text() == BEFORE, timeout=5000)
    assert app.documents.document is None  # an instruction is not a dictation to keep


def test_nothing_selected_changes_nothing(
        make_app, qtbot: QtBot, data_dir: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> None:
    front = [FrontApp("EditApp", ("editapp",), "draft")]
    app, _dictate, editing, keys = profile_app(make_app, data_dir, tmp_path, front)
    editing.press()
    qtbot.wait_until(lambda: app.integration.window.state.text() == "Nothing was changed",
                     timeout=10_000)
    assert app.integration.window.hint.text() == edit.NOTHING_SELECTED
    wait_state(qtbot, app, State.IDLE, 5000)
    qtbot.wait(300)
    assert keys.pasted == [] and not fake_ollama.bodies("/api/chat")


def test_no_ollama_changes_nothing(make_app, qtbot: QtBot, data_dir: Path,
                                   tmp_path: Path) -> None:
    front = [FrontApp("EditApp", ("editapp",), "draft")]
    app, _dictate, editing, keys = profile_app(make_app, data_dir, tmp_path, front,
                                               ollama__host=closed_url())
    keys.selected = LINE
    window = app.integration.window
    say(qtbot, app, editing.press)
    qtbot.wait_until(lambda: window.state.text() == "Nothing was changed", timeout=60_000)
    assert "Ollama is not running" in window.hint.text()
    assert keys.pasted == []


def test_escape_while_the_model_rewrites_changes_nothing(
        make_app, qtbot: QtBot, data_dir: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> None:
    fake_ollama.reply, fake_ollama.token_delay = shout, 0.3  # a slow model
    front = [FrontApp("EditApp", ("editapp",), "draft")]
    app, _dictate, editing, keys = profile_app(make_app, data_dir, tmp_path, front)
    keys.selected = LINE
    window = app.integration.window
    say(qtbot, app, editing.press)
    qtbot.wait_until(lambda: window.state.text() == "Rewriting the selection…",
                     timeout=60_000)
    with qtbot.assert_not_emitted(app.integration.edit.edited, wait=5000):
        editing.escape()
        assert window.state.text() == "Cancelled"
    assert keys.pasted == []


def test_push_to_talk_copies_once_the_keys_are_let_go(
        make_app, qtbot: QtBot, data_dir: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> None:
    fake_ollama.reply = shout
    front = [FrontApp("EditApp", ("editapp",), "draft")]
    app, _dictate, editing, keys = profile_app(make_app, data_dir, tmp_path, front,
                                               hotkey__mode="push_to_talk")
    keys.selected = LINE
    editing.held = True  # Ctrl+Alt+E held while the instruction is spoken
    editing.press()
    wait_state(qtbot, app, State.RECORDING, 10_000)
    wait_committed(qtbot, app)
    qtbot.wait(3500)  # longer than a stuck key is waited for: Ctrl+Alt+C would not copy
    assert app.integration.edit.selection == ""
    with qtbot.wait_signal(app.integration.edit.edited, timeout=60_000):
        editing.held = False
        editing.release()
    assert keys.pasted == [LINE.upper()]
