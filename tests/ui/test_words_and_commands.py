"""The window's dictations use the vocabulary and carry out spoken commands."""

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.engine.cleanup.prompts import OPEN_SPELLINGS, transcript_of
from desktop.engine.streaming import Partial
from desktop.engine.vocabulary import Vocabulary, VocabularyFile
from desktop.ui.dictation import Owner, State
from tests.fake_ollama import FakeOllama
from tests.fake_sounddevice import FakeSoundDevice
from tests.ui.conftest import app_paths, read_clip, wait_state

CLIP = "1272-128104-0000.wav"  # "Mister Quilter is the apostle of the middle classes..."


def test_the_vocabulary_rewrites_the_dictation_and_reaches_the_cleanup(
        make_app, qtbot: QtBot, data_dir: Path, tmp_path: Path,
        fake_ollama: FakeOllama) -> None:
    words = Vocabulary().with_terms(["Quilter"]).with_replacements([("apostle", "APOSTLE")])
    VocabularyFile.beside(app_paths(tmp_path / "home").config_file).save(words)
    app = make_app(sd=FakeSoundDevice(read_clip(data_dir / CLIP), speed=2))
    window = app.window
    with qtbot.wait_signal(app.documents.cleanup_done, timeout=60_000):
        qtbot.mouseClick(window.panel.record_button, Qt.MouseButton.LeftButton)
        wait_state(qtbot, app, State.RECORDING, 10_000)
        qtbot.wait_until(lambda: "APOSTLE" in window.panel.live.toPlainText(), timeout=30_000)
        qtbot.mouseClick(window.panel.record_button, Qt.MouseButton.LeftButton)

    assert "APOSTLE" in window.compare.raw.plain and "apostle" not in window.compare.raw.plain
    last = fake_ollama.bodies("/api/chat")[-1]["messages"][-1]["content"]
    assert OPEN_SPELLINGS in last and "Quilter" in last

    app.vocabulary.save(Vocabulary().with_terms(["Middleclass"]))  # Settings, OK
    assert app.cleaners.get().options.vocabulary == ("Middleclass",)


def test_spoken_commands_are_carried_out_in_the_live_text_and_the_cleanup(
        make_app, qtbot: QtBot, fake_ollama: FakeOllama) -> None:
    silence = np.zeros(16000 * 30, dtype=np.float32)
    app = make_app(sd=FakeSoundDevice(silence, samplerate=16000))
    dictation = app.dictation
    dictation.start(Owner.WINDOW)
    wait_state(qtbot, app, State.RECORDING, 10_000)
    heard = "The budget for next year is done now. New paragraph. Travel goes down a lot."
    session = dictation._session  # as if Whisper had committed these words
    with qtbot.wait_signal(dictation.cleaned_text_changed, timeout=10_000,
                           check_params_cb=lambda text: "\n\n" in text):
        session.partial_changed.emit(Partial("and then", heard))
    assert app.window.panel.live.toPlainText().startswith(
        "The budget for next year is done now.\n\nTravel goes down a lot.")
    assert not any("paragraph" in transcript_of(b["messages"])
                   for b in fake_ollama.bodies("/api/chat"))
    dictation.cancel()
