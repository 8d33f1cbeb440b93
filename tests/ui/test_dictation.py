"""Record (replayed fake microphone), see raw then cleaned text, copy both panes."""

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.ui.dictation_panel import State
from tests.fake_sounddevice import FakeSoundDevice
from tests.ui.conftest import read_clip

CLIP = "1272-128104-0000.wav"


def dictate(app: object, qtbot: QtBot) -> None:
    """Press Record, wait for the first committed words, press Stop, wait for cleanup."""
    window = app.window  # type: ignore[attr-defined]
    controller = app.controller  # type: ignore[attr-defined]
    with qtbot.wait_signal(controller.recording_started, timeout=10_000):
        qtbot.mouseClick(window.dictation.record_button, Qt.MouseButton.LeftButton)
    assert window.dictation.state is State.RECORDING
    with qtbot.wait_signal(controller.session.committed, timeout=60_000):
        pass
    with qtbot.wait_signal(controller.cleanup_done, timeout=60_000):
        qtbot.mouseClick(window.dictation.record_button, Qt.MouseButton.LeftButton)


def test_record_shows_raw_then_cleaned(make_app, qtbot: QtBot, data_dir: Path) -> None:
    sd = FakeSoundDevice(read_clip(data_dir / CLIP), speed=2)
    app = make_app(sd=sd)
    window = app.window
    assert window.windowTitle().startswith("Dictara")
    assert window.dictation.mic_label.text() == "Fake USB Microphone"
    dictate(app, qtbot)
    raw = window.compare.raw.plain.lower()
    assert "quilter" in raw and "apostle" in raw
    cleaned = window.compare.cleaned.plain
    assert cleaned and cleaned[0].isupper()
    assert "Ollama (llama3.2:3b)" in window.compare.cleaned.info.text()
    qtbot.wait_until(lambda: len(window.history.entries) == 1
                     and window.history.entries[0].cleaned is not None, timeout=10_000)
    entry = window.history.entries[0]
    assert entry.kind == "dictation" and entry.cleaned == cleaned and entry.backend == "ollama"
    assert window.dictation.state is State.READY


def test_copy_each_pane(make_app, qtbot: QtBot, data_dir: Path) -> None:
    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP), speed=2))
    dictate(app, qtbot)
    compare = app.window.compare
    clipboard = QApplication.clipboard()
    with qtbot.wait_signal(compare.copied):
        qtbot.mouseClick(compare.raw.copy_button, Qt.MouseButton.LeftButton)
    assert clipboard.text() == compare.raw.plain
    assert _x_clipboard(qtbot) in (None, compare.raw.plain)
    activate(app.window, qtbot)
    with qtbot.wait_signal(compare.copied):
        qtbot.keyClick(app.window, Qt.Key.Key_C,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert clipboard.text() == compare.cleaned.plain
    assert _x_clipboard(qtbot) in (None, compare.cleaned.plain)


def test_cleanup_falls_back_to_rules_when_ollama_is_down(make_app, qtbot: QtBot,
                                                          data_dir: Path) -> None:
    from tests.fake_ollama import closed_url

    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP), speed=2),
                   ollama__host=closed_url())
    dictate(app, qtbot)
    compare = app.window.compare
    assert "quilter" in compare.raw.plain.lower()
    assert compare.cleaned.plain
    info = compare.cleaned.info.text()
    assert info.startswith("Rule-based cleanup.") and "Ollama" in info


def test_record_click_while_loading_starts_when_ready(make_app, qtbot: QtBot,
                                                      data_dir: Path) -> None:
    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP), speed=2), wait_ready=False)
    panel = app.window.dictation
    if app.controller.ready:
        pytest.skip("the model loaded before the click")
    with qtbot.wait_signal(app.controller.recording_started, timeout=60_000):
        qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
        assert panel.record_button.text() == "Starts when ready…"
    app.controller.stop_recording()
    qtbot.wait_until(lambda: not app.controller.recording, timeout=30_000)


def test_no_microphone_says_so(make_app, qtbot: QtBot) -> None:
    app = make_app(sd=FakeSoundDevice(devices=[]))
    with qtbot.wait_signal(app.controller.recording_stopped, timeout=10_000):
        qtbot.mouseClick(app.window.dictation.record_button, Qt.MouseButton.LeftButton)
    assert "No microphone was found" in app.window.status.currentMessage()
    assert app.window.dictation.state is State.READY


def activate(window: object, qtbot: QtBot) -> None:
    """Make the window active (no window manager on Xvfb hands focus out by itself)."""
    window.raise_()  # type: ignore[attr-defined]
    window.activateWindow()  # type: ignore[attr-defined]
    qtbot.wait_until(lambda: QApplication.activeWindow() is window, timeout=5000)


def _x_clipboard(qtbot: QtBot) -> str | None:
    """The X11 clipboard as xclip reads it, or None off X11.

    We own the selection, so the event loop must keep running while xclip asks for it.
    """
    if QApplication.platformName() != "xcb" or shutil.which("xclip") is None:
        return None
    proc = subprocess.Popen(["xclip", "-o", "-selection", "clipboard"],
                            stdout=subprocess.PIPE, text=True)
    qtbot.wait_until(lambda: proc.poll() is not None, timeout=5000)
    assert proc.stdout is not None
    return proc.stdout.read()


def test_listening_is_said_only_once_audio_flows(make_app, qtbot: QtBot, data_dir: Path
                                                 ) -> None:
    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP), speed=2))
    qtbot.wait_until(lambda: app.controller.ready, timeout=30_000)
    with qtbot.wait_signal(app.controller.recording_listening, timeout=10_000):
        app.controller.start_recording()
    assert app.window.status.currentMessage() == "Listening…"
    with qtbot.wait_signal(app.controller.recording_stopped, timeout=60_000):
        app.controller.stop_recording()


def test_cancel_while_the_microphone_opens_ends_the_session(make_app, qtbot: QtBot,
                                                           data_dir: Path) -> None:
    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP), speed=2))
    qtbot.wait_until(lambda: app.controller.ready, timeout=30_000)
    with qtbot.wait_signal(app.controller.session.ended, timeout=10_000):
        assert app.controller.start_recording()
        app.controller.session.cancel()
    assert not app.controller.session.active
    qtbot.wait_until(lambda: not app.controller.recording, timeout=5_000)
