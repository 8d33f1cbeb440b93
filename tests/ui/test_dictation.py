"""Record in the main window (replayed fake microphone): raw then cleaned text, copy both."""

import shutil
import subprocess
import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.engine import models
from desktop.engine.transcriber import Transcriber
from desktop.ui.dictation import Owner, State
from tests.fake_sounddevice import FakeSoundDevice
from tests.ui.conftest import read_clip, wait_state

CLIP = "1272-128104-0000.wav"


def dictate(app: object, qtbot: QtBot) -> None:
    """Press Record, wait for the first committed words, press Stop, wait for cleanup."""
    window = app.window  # type: ignore[attr-defined]
    dictation = app.dictation  # type: ignore[attr-defined]
    qtbot.mouseClick(window.panel.record_button, Qt.MouseButton.LeftButton)
    wait_state(qtbot, app, State.RECORDING, 10_000)  # type: ignore[arg-type]
    assert window.panel.state is State.RECORDING
    with qtbot.wait_signal(dictation.partial_changed, timeout=60_000,
                           check_params_cb=lambda partial: bool(partial.committed)):
        pass
    with qtbot.wait_signal(app.documents.cleanup_done, timeout=60_000):  # type: ignore[attr-defined]
        qtbot.mouseClick(window.panel.record_button, Qt.MouseButton.LeftButton)
    wait_state(qtbot, app, State.DONE, 10_000)  # type: ignore[arg-type]


def test_record_shows_raw_then_cleaned(make_app, qtbot: QtBot, data_dir: Path) -> None:
    sd = FakeSoundDevice(read_clip(data_dir / CLIP), speed=2)
    app = make_app(sd=sd)
    window = app.window
    assert window.windowTitle().startswith("Dictara")
    assert window.panel.mic_label.text() == "Fake USB Microphone"
    seen: list[State] = []
    app.dictation.state_changed.connect(seen.append)
    dictate(app, qtbot)
    assert seen == [State.STARTING, State.RECORDING, State.FINISHING, State.CLEANING,
                    State.DONE]
    raw = window.compare.raw.plain.lower()
    assert "quilter" in raw and "apostle" in raw
    assert "quilter is the apostle" in window.panel.live.toPlainText().lower()
    cleaned = window.compare.cleaned.plain
    assert cleaned and cleaned[0].isupper()
    assert "Ollama (llama3.2:3b)" in window.compare.cleaned.info.text()
    document = app.dictation.document
    assert document.transcript.language == "en" and document.transcript.model == "tiny.en"
    qtbot.wait_until(lambda: len(window.history.entries) == 1
                     and window.history.entries[0].cleaned is not None, timeout=10_000)
    entry = window.history.entries[0]
    assert entry.kind == "dictation" and entry.cleaned == cleaned and entry.backend == "ollama"
    assert (entry.language, entry.model) == ("en", "tiny.en")
    assert window.panel.state is State.DONE
    assert window.panel.record_button.text() == "Record"


def test_one_cleaner_asks_ollama_for_the_model_once(make_app, qtbot: QtBot, data_dir: Path,
                                                    fake_ollama) -> None:
    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP), speed=4))
    dictate(app, qtbot)
    dictate(app, qtbot)
    assert len(fake_ollama.bodies("/api/chat")) == 2
    assert len(fake_ollama.bodies("/api/show")) == 1


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


class GatedTranscriber(Transcriber):
    """The bundled model, whose load waits until the test opens the gate."""

    gate = threading.Event()

    def load(self):  # type: ignore[no-untyped-def]
        assert self.gate.wait(60), "the test never opened the gate"
        return super().load()


def loading_app(make_app, qtbot: QtBot, data_dir: Path):  # type: ignore[no-untyped-def]
    """An app whose model load waits for the returned gate to open."""
    gate = threading.Event()
    GatedTranscriber.gate = gate

    def make() -> Transcriber:
        return GatedTranscriber(models.bundled_model(), models.ModelOptions())

    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP), speed=2), wait_ready=False,
                   kwargs={"make_transcriber": make})
    qtbot.wait_until(lambda: app.speech_model.transcriber is not None, timeout=10_000)
    return app, gate


def test_record_click_while_loading_starts_when_ready(make_app, qtbot: QtBot,
                                                      data_dir: Path) -> None:
    app, gate = loading_app(make_app, qtbot, data_dir)
    panel = app.window.panel
    assert not app.speech_model.is_ready
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    assert app.dictation.state is State.WAITING_FOR_MODEL
    assert panel.record_button.text() == "Starts when ready…"
    assert app.window.status.currentMessage().startswith("Loading the speech model")
    gate.set()
    wait_state(qtbot, app, State.RECORDING)
    with qtbot.wait_signal(app.dictation.partial_changed, timeout=60_000,
                           check_params_cb=lambda partial: bool(partial.committed)):
        pass
    app.dictation.stop()
    wait_state(qtbot, app, State.DONE)
    assert "quilter" in app.dictation.document.transcript.text.lower()


def test_a_click_while_loading_can_be_taken_back(make_app, qtbot: QtBot, data_dir: Path
                                                 ) -> None:
    app, gate = loading_app(make_app, qtbot, data_dir)
    panel = app.window.panel
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    assert app.dictation.state is State.IDLE
    with qtbot.wait_signal(app.speech_model.ready, timeout=60_000):
        gate.set()
    assert app.dictation.state is State.IDLE and panel.record_button.text() == "Record"


def test_no_microphone_says_so(make_app, qtbot: QtBot) -> None:
    app = make_app(sd=FakeSoundDevice(devices=[]))
    qtbot.mouseClick(app.window.panel.record_button, Qt.MouseButton.LeftButton)
    wait_state(qtbot, app, State.FAILED, 10_000)
    assert "No microphone was found" in app.dictation.message
    assert "No microphone was found" in app.window.status.currentMessage()
    assert app.window.panel.record_button.text() == "Record"


def test_listening_is_said_only_once_audio_flows(make_app, qtbot: QtBot, data_dir: Path
                                                 ) -> None:
    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP), speed=2))
    assert app.dictation.start(Owner.WINDOW)
    assert app.window.status.currentMessage() == "Opening the microphone…"
    wait_state(qtbot, app, State.RECORDING, 10_000)
    assert app.window.status.currentMessage() == "Listening…"
    app.dictation.cancel()
    qtbot.wait_until(lambda: not app.dictation.session_active, timeout=10_000)


def test_cancel_while_the_microphone_opens_ends_the_session(make_app, qtbot: QtBot,
                                                           data_dir: Path) -> None:
    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP), speed=2))
    assert app.dictation.start(Owner.WINDOW)
    assert app.dictation.state is State.STARTING
    app.dictation.cancel()
    assert app.dictation.state is State.IDLE and app.dictation.cancelled
    qtbot.wait_until(lambda: not app.dictation.session_active, timeout=10_000)
    # A new dictation after the cancel runs normally.
    dictate(app, qtbot)
    assert "quilter" in app.dictation.document.transcript.text.lower()


def test_a_start_right_after_a_cancel_keeps_the_two_apart(make_app, qtbot: QtBot,
                                                          data_dir: Path) -> None:
    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP), speed=2))
    dictation = app.dictation
    seen: list[State] = []
    dictation.state_changed.connect(seen.append)
    assert dictation.start(Owner.WINDOW)
    wait_state(qtbot, app, State.RECORDING, 10_000)
    with qtbot.wait_signal(dictation.partial_changed, timeout=60_000,
                           check_params_cb=lambda partial: bool(partial.committed)):
        pass
    dictation.stop()  # the final decode runs ...
    dictation.cancel()  # ... when Esc comes, and at once a new dictation
    assert dictation.start(Owner.WINDOW)
    wait_state(qtbot, app, State.RECORDING, 30_000)  # once the first let go of the mic
    qtbot.wait(1500)  # the first session's late events, if any, arrive meanwhile
    assert seen == [State.STARTING, State.RECORDING, State.FINISHING, State.IDLE,
                    State.STARTING, State.RECORDING]
    dictation.stop()
    qtbot.wait_until(lambda: not dictation.state.busy, timeout=60_000)
    qtbot.wait(500)
    assert not [e for e in app.window.history.entries if "apostle" in e.raw.lower()
                and e.duration > 4], "the cancelled dictation was stored"


def test_a_stop_while_a_cancelled_one_winds_down_is_quiet(make_app, qtbot: QtBot,
                                                          data_dir: Path) -> None:
    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP), speed=2))
    dictation = app.dictation
    assert dictation.start(Owner.WINDOW)
    wait_state(qtbot, app, State.RECORDING, 10_000)
    dictation.cancel()
    assert dictation.start(Owner.WINDOW)  # a quick push-to-talk tap: start ...
    dictation.stop()  # ... and stop before anything was recorded
    assert dictation.state is State.IDLE
    qtbot.wait_until(lambda: not dictation.session_active, timeout=10_000)
    qtbot.wait(300)
    assert dictation.state is State.IDLE and not dictation.message


def test_a_new_model_after_a_failed_load_is_loaded(make_app, qtbot: QtBot, data_dir: Path
                                                   ) -> None:
    calls: list[int] = []

    def make() -> Transcriber:
        calls.append(1)
        if len(calls) == 1:
            raise models.ModelMissingError("base.en")
        return Transcriber(models.bundled_model(), models.ModelOptions())

    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP), speed=2), wait_ready=False,
                   kwargs={"make_transcriber": make})
    qtbot.wait_until(lambda: app.speech_model.error is not None, timeout=10_000)
    assert not app.dictation.start(Owner.WINDOW)
    assert app.dictation.state is State.FAILED
    with qtbot.wait_signal(app.speech_model.ready, timeout=60_000):
        app.services.settings.set("whisper.model", "tiny.en")
    dictate(app, qtbot)


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
