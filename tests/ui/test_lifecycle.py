"""The app's lifecycle: closing hides (with a tray) or quits (without); file jobs survive a
closed window; files still waiting at Quit are queued again at the next start."""

import json
import logging
from pathlib import Path

import pytest
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.app import TOLD_ABOUT_TRAY, UI_STATE_FILE
from desktop.ui import ui_state
from desktop.ui.library import QUEUE_FILE
from tests.ui.test_files_history import finished

JOB_TIMEOUT_MS = 120_000


def test_without_a_tray_closing_the_window_asks_to_quit(make_app, qtbot: QtBot) -> None:
    app = make_app()
    assert not app.window.hide_on_close
    with qtbot.wait_signal(app.window.quit_requested, timeout=1000):
        app.window.close()


def test_with_a_tray_closing_hides_and_says_so_once(make_app, qtbot: QtBot) -> None:
    app = make_app()
    app.window.hide_on_close = True
    told: list[bool] = []
    app.integration.notify_hidden = lambda: told.append(True) or True
    with qtbot.assert_not_emitted(app.window.quit_requested), \
            qtbot.wait_signal(app.window.hidden, timeout=1000):
        app.window.close()
    assert not app.window.isVisible() and told == [True]
    state = app.services.paths.config_file.parent / UI_STATE_FILE
    assert ui_state.read(state, TOLD_ABOUT_TRAY) == "yes"
    assert state.stat().st_mode & 0o777 == 0o600
    app.window.show_front()
    assert app.window.isVisible()
    app.window.close()
    assert told == [True]  # once


def test_a_file_job_goes_on_while_the_window_is_hidden(make_app, qtbot: QtBot,
                                                       data_dir: Path) -> None:
    app = make_app()
    app.window.hide_on_close = True
    app.integration.notify_hidden = lambda: True
    app.window.add_files([data_dir / "jfk.flac"])
    queue = app.window.files
    qtbot.wait_until(lambda: len(queue.rows()) == 1, timeout=10_000)
    app.window.close()
    qtbot.wait_until(lambda: finished(queue, 1), timeout=JOB_TIMEOUT_MS)
    assert queue.rows()[0].state == "done"
    app.window.show_front()  # reopened: a second file runs too
    app.window.add_files([data_dir / "LJ001-0002.wav"])
    qtbot.wait_until(lambda: finished(queue, 2), timeout=JOB_TIMEOUT_MS)
    assert [r.state for r in queue.rows()] == ["done", "done"]


def test_files_waiting_at_quit_are_queued_at_the_next_start(
        make_app, qtbot: QtBot, data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="desktop.ui.messages")
    app = make_app()
    files = [data_dir / "LJ001-0001.wav", data_dir / "jfk.flac", data_dir / "LJ001-0002.wav"]
    app.window.add_files(files)
    qtbot.wait_until(lambda: app.library.pending == 3, timeout=10_000)
    app.window.hide()
    app.shutdown()
    saved = app.services.paths.data_dir / QUEUE_FILE
    entries = json.loads(saved.read_text(encoding="utf-8"))
    assert {e["kind"] for e in entries} == {"file"}
    kept = [e["path"] for e in entries]
    assert kept and set(kept) <= {str(f) for f in files}
    assert oct(saved.stat().st_mode & 0o777) == "0o600"
    again = make_app()
    queue = again.window.files
    qtbot.wait_until(lambda: finished(queue, len(kept)), timeout=JOB_TIMEOUT_MS)
    assert [r.path for r in queue.rows()] == [Path(k) for k in kept]
    assert all(r.state == "done" for r in queue.rows())
    qtbot.wait_until(lambda: not saved.exists(), timeout=5000)  # nothing is waiting now
    said = [r.getMessage() for r in caplog.records if r.name == "desktop.ui.messages"]
    assert f"{len(kept)} file(s) still waiting when Dictara last quit are queued again." in said


def test_a_file_open_event_queues_the_file(make_app, qtbot: QtBot, data_dir: Path) -> None:
    """What macOS sends for "Open With" and a file dropped on the Dock icon."""
    app = make_app()
    app.window.hide()
    QApplication.sendEvent(QApplication.instance(), QFileOpenEvent(str(data_dir / "jfk.flac")))
    assert app.window.isVisible()
    queue = app.window.files
    qtbot.wait_until(lambda: finished(queue, 1), timeout=JOB_TIMEOUT_MS)
    assert queue.rows()[0].path == data_dir / "jfk.flac" and queue.rows()[0].state == "done"
