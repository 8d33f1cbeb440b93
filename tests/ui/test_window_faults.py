"""Faults the window must put in one readable sentence: a damaged history, an empty
recording after a crash, long messages, expected job errors in the terminal."""

import logging
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.engine import audio, spool
from desktop.ui.jobs import JobRunner
from desktop.ui.messages import Level, Message
from desktop.ui.status import StatusBar
from tests.ui.conftest import app_paths

OLLAMA_OFF = ("Ollama is not running at http://127.0.0.1:11434; start it with `ollama serve` "
              "or open the Ollama app, then try again.")


def test_a_damaged_history_is_replaced_and_said_once(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = app_paths(tmp_path / "home").history_db
    db.parent.mkdir(parents=True)
    db.write_bytes(b"not a database " * 100)

    app = make_app()  # waits for the model: its "Ready" must not hide the warning

    message = app.window.status.last_message
    assert message.level is Level.WARNING and "kept it as" in message.text
    assert app.window.status.currentMessage() == message.text
    assert len(list(db.parent.glob("history.sqlite3.corrupt-*"))) == 1
    assert app.services.history is not None


def test_an_empty_recording_does_not_stop_recovery(make_app, qtbot: QtBot,  # type: ignore[no-untyped-def]
                                                    data_dir: Path, tmp_path: Path) -> None:
    app = make_app()
    recordings = app.services.paths.recordings_dir
    empty = spool.Spool.create(recordings)  # a dictation killed before its first flush
    full = spool.Spool.create(recordings)
    full.write(audio_of(data_dir / "LJ001-0002.wav"))
    full.flush()
    infos = [spool.SpoolInfo(s.path, s.duration, s.started) for s in (empty, full)]
    for s in (empty, full):  # the lock dies with the dictation
        s._marker.close()

    with qtbot.wait_signal(app.library.job_added, timeout=5000):
        app.library.recover(infos)

    assert "nothing to recover" in app.window.status.last_message.text
    assert not empty.path.exists() and full.path.exists()
    assert app.library.pending == 1


def test_a_long_message_is_shown_whole(qtbot: QtBot) -> None:
    bar = StatusBar()
    qtbot.add_widget(bar)
    bar.resize(500, 40)
    bar.show()

    bar.show_message(Message(Level.WARNING, OLLAMA_OFF))

    assert bar.currentMessage() == OLLAMA_OFF
    assert bar.message_label.wordWrap()
    qtbot.wait_until(lambda: bar.message_label.height() > bar.message_label.fontMetrics()
                     .height() * 1.5)  # on two lines, not cut off


@pytest.mark.parametrize("expected", [True, False])
def test_expected_job_errors_log_one_line(qtbot: QtBot, caplog: pytest.LogCaptureFixture,
                                          expected: bool) -> None:
    runner = JobRunner()
    error = audio.NoMicrophoneError() if expected else KeyError("bug")
    got: list[object] = []

    def fail() -> None:
        raise error

    with caplog.at_level(logging.INFO, logger="desktop.ui.jobs"):
        runner.submit(fail, lambda _result, e: got.append(e))
        qtbot.wait_until(lambda: bool(got))

    assert got == [error]
    (record,) = [r for r in caplog.records if "Background job failed" in r.getMessage()]
    assert (record.exc_info is None) is expected


def audio_of(path: Path):  # type: ignore[no-untyped-def]
    from tests.ui.conftest import read_clip

    return read_clip(path)
