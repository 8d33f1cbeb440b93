"""Hands-free in process: stop after silence, no text from silence, the app's own sounds
kept out of the transcript, the model freed when idle and loaded again while recording."""

from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from desktop.ui.dictation import Owner, State
from desktop.ui.settings_dialog import SettingsDialog
from tests.fake_sounddevice import FakeSoundDevice
from tests.ui.conftest import read_clip, wait_state
from tests.ui.test_hotkey import CLIP, FakeKeys, FakeListener


def hotkey_app(make_app, clip: np.ndarray, **settings: object):  # type: ignore[no-untyped-def]
    listeners: list[FakeListener] = []

    def factory(*args):  # type: ignore[no-untyped-def]
        listeners.append(FakeListener(*args))
        return listeners[-1]

    keys = FakeKeys()
    sd = FakeSoundDevice(clip, speed=2)
    app = make_app(sd=sd, kwargs={"listener_factory": factory, "keys": keys}, **settings)
    app.integration.start()
    return app, listeners[-1], keys, sd


def test_a_hotkey_dictation_stops_itself_after_silence_and_pastes(
        make_app, qtbot: QtBot, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app, listener, keys, sd = hotkey_app(make_app, read_clip(data_dir / CLIP),
                                         dictation__stop_after_silence=1.5)
    states: list[State] = []
    hints: list[str] = []
    window = app.integration.window
    app.dictation.state_changed.connect(states.append)
    app.dictation.countdown_changed.connect(lambda _s: hints.append(window.hint.text()))
    mutes = []
    mute_input = app.dictation.mute_input
    monkeypatch.setattr(app.dictation, "mute_input",
                        lambda until: (mutes.append(until), mute_input(until)))
    with qtbot.wait_signal(app.integration.hotkey.pasted, timeout=60_000):
        listener.press()  # and nothing more: the silence after the clip stops it
    cleaned = app.dictation.document.result.cleaned
    assert keys.pasted == [cleaned] and "Quilter" in cleaned
    # The same path as a key press: finishing, cleaning, done.
    assert states[states.index(State.RECORDING):] == [State.RECORDING, State.FINISHING,
                                                      State.CLEANING, State.DONE]
    assert "Stopping in 1 s" in hints
    # The start sound played while recording, muted; the stop sound once the mic was shut.
    assert [recording for _, recording in sd.played] == [True, False]
    assert len(mutes) == 1 and mutes[0].is_set()


def test_a_window_dictation_stops_itself_too(make_app, qtbot: QtBot, data_dir: Path) -> None:
    sd = FakeSoundDevice(read_clip(data_dir / CLIP), speed=2)
    app = make_app(sd=sd, dictation__stop_after_silence=1.0)
    states: list[State] = []
    app.dictation.state_changed.connect(states.append)
    app.dictation.start(Owner.WINDOW)
    wait_state(qtbot, app, State.DONE)
    assert State.FINISHING in states
    assert "quilter" in app.dictation.document.transcript.text.lower()
    assert sd.played == []  # the window's own dictation plays no sounds


def test_nobody_speaking_is_not_stopped_and_pastes_nothing(make_app, qtbot: QtBot) -> None:
    rng = np.random.default_rng(3)
    hiss = (0.01 * rng.standard_normal(16000 * 3)).astype(np.float32)
    app, listener, keys, _sd = hotkey_app(make_app, hiss, dictation__stop_after_silence=0.5)
    listener.press()
    wait_state(qtbot, app, State.RECORDING, 10_000)
    qtbot.wait(2000)  # far longer than the silence setting: nobody spoke yet
    assert app.dictation.state is State.RECORDING
    listener.press()
    wait_state(qtbot, app, State.FAILED)
    assert app.dictation.message.startswith("Nothing was heard.")
    assert app.integration.window.hint.text().startswith("Nothing was heard.")
    assert keys.pasted == []


def test_an_idle_model_is_freed_and_the_next_dictation_keeps_its_first_words(
        make_app, qtbot: QtBot, data_dir: Path) -> None:
    sd = FakeSoundDevice(read_clip(data_dir / CLIP), speed=2)
    app = make_app(sd=sd, whisper__unload_after=1.0, dictation__stop_after_silence=1.0)
    model = app.speech_model
    with qtbot.wait_signal(model.unloaded, timeout=10_000):
        pass
    assert model.transcriber.unused_for() is None and model.is_ready
    app.dictation.start(Owner.WINDOW)  # records at once; the model loads meanwhile
    wait_state(qtbot, app, State.DONE)
    assert app.dictation.document.transcript.text.lower().startswith(("mister", "mr"))
    assert model.transcriber.unused_for() is not None
    with qtbot.wait_signal(model.unloaded, timeout=10_000):  # and freed again when idle
        pass


def test_the_settings_dialog_sets_both(make_app, qtbot: QtBot) -> None:
    app = make_app()
    dialog = SettingsDialog(app.services, None, app.window)
    qtbot.add_widget(dialog)
    assert dialog.stop_after_silence.text() == "Off" and dialog.unload_after.value() == 600
    dialog.stop_after_silence.setValue(2.5)
    dialog.unload_after.setValue(0)
    assert dialog.unload_after.text() == "Never"
    with qtbot.wait_signal(app.services.settings.changed):
        dialog.accept()
    settings = app.services.settings.settings
    assert settings.dictation.stop_after_silence == 2.5
    assert settings.whisper.unload_after == 0.0
