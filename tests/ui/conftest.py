"""Fixtures for the window tests: a Qt application, an isolated Dictara, fakes.

The QApplication runs on a private Xvfb display when Xvfb is installed (so the clipboard
is the real X11 one that ``xclip`` reads), and on the offscreen platform otherwise.
"""

import gc
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import shiboken6
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.app import DictaraApp
from desktop.config import Settings, SettingsFile
from desktop.engine.decode import AudioFile
from desktop.paths import AppPaths
from desktop.ui.dictation import State
from tests.fake_ollama import FakeOllama
from tests.fake_ollama_plugin import fake_ollama  # noqa: F401 (fixture)
from tests.fake_sounddevice import FakeSoundDevice

MODEL_TIMEOUT_MS = 60_000


@pytest.fixture(scope="session")
def qapp(request: pytest.FixtureRequest) -> Iterator[QApplication]:
    """The session's QApplication, on Xvfb when available, else offscreen."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        yield existing
        return
    if shutil.which("Xvfb") and not os.environ.get("DICTARA_TEST_OFFSCREEN"):
        os.environ["DISPLAY"] = request.getfixturevalue("xvfb_display")
        os.environ["QT_QPA_PLATFORM"] = "xcb"
    else:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication(["dictara-tests"])
    yield app
    # Destroy it while the display still exists (Xvfb stops after this fixture).
    shiboken6.delete(app)


def read_clip(path: Path) -> np.ndarray:
    """Decode a clip to 16 kHz mono float32."""
    with AudioFile(path) as media:
        return np.concatenate(list(media.chunks(30.0)))


def app_paths(root: Path) -> AppPaths:
    """Paths under ``root``."""
    return AppPaths.under(root / "config", root / "data", root / "logs")


def write_settings(paths: AppPaths, **values: object) -> None:
    """Write a settings file with these dotted-key values (``_`` for ``.`` in names)."""
    settings = Settings()
    for key, value in values.items():
        settings = settings.with_value(key.replace("__", "."), value)
    SettingsFile(paths.config_file).save(settings)


@pytest.fixture
def make_app(qapp: QApplication, qtbot: QtBot, tmp_path: Path,
             fake_ollama: FakeOllama) -> Iterator[object]:  # noqa: F811
    """Return a factory: ``make_app(sd=None, wait_ready=True, kwargs=None, **settings)``.

    ``kwargs`` go to :class:`DictaraApp` (``make_transcriber``, ``listener_factory``, …).
    """
    made: list[DictaraApp] = []

    def make(sd: FakeSoundDevice | None = None, wait_ready: bool = True,
             kwargs: dict[str, object] | None = None, **settings: object) -> DictaraApp:
        kwargs = kwargs or {}
        paths = app_paths(tmp_path / "home")
        defaults: dict[str, object] = {"ollama__host": fake_ollama.url,
                                       "ollama__model": "llama3.2:3b", "ui__theme": "light"}
        write_settings(paths, **{**defaults, **settings})
        app = DictaraApp(qapp, paths, sounddevice=sd, **kwargs)
        made.append(app)
        qtbot.add_widget(app.window)
        if wait_ready:
            with qtbot.wait_signal(app.speech_model.ready, timeout=MODEL_TIMEOUT_MS):
                app.show()
        else:
            app.show()
        return app

    yield make
    for app in made:
        app.window.hide()
        app.shutdown()
    # Collect this test's Qt objects now, on the GUI thread: left to chance, the collector
    # runs in whichever thread allocates next (a cleanup or capture thread of a later test),
    # and a QObject with timers destroyed there is a Qt warning, and so a failure.
    del made[:]
    gc.collect()


def wait_state(qtbot: QtBot, app: DictaraApp, state: State, timeout: int = 60_000) -> None:
    """Wait until the app's dictation is in ``state``."""
    qtbot.wait_until(lambda: app.dictation.state is state, timeout=timeout)
