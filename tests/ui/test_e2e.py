"""End to end on the bench: the real window records the PulseAudio virtual microphone."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.ui.dictation import State
from tests.ui.conftest import wait_state


@pytest.mark.e2e
def test_record_virtual_microphone(make_app, qtbot: QtBot, pulse_mic, data_dir: Path) -> None:
    app = make_app()  # the real sounddevice, through ALSA's pulse plugin
    window = app.window
    qtbot.mouseClick(window.panel.record_button, Qt.MouseButton.LeftButton)
    wait_state(qtbot, app, State.RECORDING, 15_000)
    player = pulse_mic.play(data_dir / "1272-128104-0000.wav")
    with qtbot.wait_signal(app.dictation.partial_changed, timeout=60_000,
                           check_params_cb=lambda partial: bool(partial.committed)):
        pass
    qtbot.wait_until(lambda: player.poll() is not None, timeout=30_000)
    with qtbot.wait_signal(app.documents.cleanup_done, timeout=60_000):
        qtbot.mouseClick(window.panel.record_button, Qt.MouseButton.LeftButton)
    raw = window.compare.raw.plain.lower()
    assert "apostle" in raw and "middle classes" in raw
    assert window.compare.cleaned.plain
    assert "Ollama (llama3.2:3b)" in window.compare.cleaned.info.text()
