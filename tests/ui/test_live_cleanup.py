"""A window dictation is cleaned while it is spoken: the cleaned pane fills before Stop."""

import re
import time
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.engine.cleanup.prompts import transcript_of
from desktop.ui.dictation import State
from tests.fake_ollama import FakeOllama
from tests.fake_sounddevice import FakeSoundDevice
from tests.ui.conftest import read_clip, wait_state

CLIP = "local_whisper_dictation.wav"  # 17 s, four sentences


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def record(app: object, qtbot: QtBot) -> None:
    window = app.window  # type: ignore[attr-defined]
    qtbot.mouseClick(window.panel.record_button, Qt.MouseButton.LeftButton)
    wait_state(qtbot, app, State.RECORDING, 10_000)  # type: ignore[arg-type]


def test_the_cleaned_pane_fills_while_speaking(make_app, qtbot: QtBot, data_dir: Path,
                                               fake_ollama: FakeOllama) -> None:
    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP)))
    window, dictation = app.window, app.dictation
    record(app, qtbot)
    with qtbot.wait_signal(dictation.cleaned_text_changed, timeout=60_000):
        pass
    assert dictation.state is State.RECORDING
    assert window.compare.cleaned.plain  # cleaned while the user still speaks
    assert window.compare.cleaned.info.text() == "Cleaning as you speak…"
    assert window.compare.raw.plain
    qtbot.wait_until(lambda: len(fake_ollama.bodies("/api/chat")) >= 2, timeout=60_000)
    with qtbot.wait_signal(app.documents.cleanup_done, timeout=60_000) as done:
        qtbot.mouseClick(window.panel.record_button, Qt.MouseButton.LeftButton)
    wait_state(qtbot, app, State.DONE, 10_000)

    result = done.args[0]
    raw = dictation.document.transcript.text
    pieces = [transcript_of(b["messages"]) for b in fake_ollama.bodies("/api/chat")]
    sent = words(" ".join(pieces))  # a last word or two may go to the rules alone
    assert len(pieces) >= 2 and sent == words(raw)[: len(sent)] and len(sent) > len(words(raw)) - 4
    assert result.raw == raw and result.backend == "ollama"
    assert window.compare.cleaned.plain == result.cleaned
    assert "bottle is standing on my desk" in result.cleaned
    qtbot.wait_until(lambda: len(window.history.entries) == 1
                     and window.history.entries[0].cleaned == result.cleaned, timeout=10_000)


def test_esc_during_a_piece_drops_the_cleanup(make_app, qtbot: QtBot, data_dir: Path,
                                              fake_ollama: FakeOllama) -> None:
    fake_ollama.token_delay = 0.5  # a piece takes seconds
    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP)))
    dictation = app.dictation
    record(app, qtbot)
    qtbot.wait_until(lambda: bool(fake_ollama.bodies("/api/chat")), timeout=60_000)
    with qtbot.assert_not_emitted(app.documents.cleanup_done, wait=1500):
        dictation.cancel()
        assert dictation.state is State.IDLE and dictation.cancelled
    asked = len(fake_ollama.bodies("/api/chat"))
    time.sleep(1.0)  # the rest of the clip plays on; nothing more goes to the model
    assert len(fake_ollama.bodies("/api/chat")) == asked
    assert app.window.compare.result is None
