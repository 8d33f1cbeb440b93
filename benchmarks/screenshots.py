"""Save screenshots of the main window: light and dark, during and after a dictation.

The microphone is a replayed clip (tests/fake_sounddevice.py) and Ollama is the loopback
stand-in (tests/fake_ollama.py), so the pictures show the real widgets on any machine.

    QT_QPA_PLATFORM=offscreen python benchmarks/screenshots.py [FOLDER]   # default ./shots
    DISPLAY=:55 python benchmarks/screenshots.py shots                   # under Xvfb
"""

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.qt_wait import wait_until  # noqa: E402
from desktop.app import DictaraApp  # noqa: E402
from desktop.config import Settings, SettingsFile  # noqa: E402
from desktop.engine.cleanup import CleanupResult  # noqa: E402
from desktop.engine.streaming import Partial  # noqa: E402
from desktop.paths import AppPaths  # noqa: E402
from desktop.ui.dictation import Owner, State  # noqa: E402
from tests.fake_ollama import FakeOllama  # noqa: E402
from tests.fake_sounddevice import FakeSoundDevice  # noqa: E402
from tests.ui.conftest import read_clip  # noqa: E402

CLIP = ROOT / "tests" / "data" / "local_whisper_dictation.wav"


def pause(ms: int) -> None:
    """Spin the event loop for ``ms`` milliseconds."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for_model(app: DictaraApp) -> None:
    """Spin the event loop until the speech model is loaded.

    Raises:
        RuntimeError: it failed to load.
    """
    model = app.speech_model
    wait_until(lambda: model.is_ready or model.error is not None,
               [model.ready, model.failed], "speech model")
    if model.error is not None:
        raise RuntimeError(model.error)


def commits(partials: Sequence[Partial]) -> int:
    """How many times the committed text grew over ``partials``."""
    return sum(a.committed != b.committed for a, b in pairwise([Partial(""), *partials]))


def shoot(app: DictaraApp, folder: Path, theme: str) -> list[Path]:
    """Record the clip, saving the window during and after; return the files."""
    window, dictation = app.window, app.dictation
    saved: list[Path] = []
    partials: list[Partial] = []
    dictation.partial_changed.connect(partials.append)

    def grab(name: str) -> None:
        path = folder / f"main-{theme}-{name}.png"
        window.grab().save(str(path))
        saved.append(path)

    def wait_dictation(ready: Callable[[], bool], what: str) -> None:
        wait_until(lambda: dictation.state is State.FAILED or ready(),
                   [dictation.state_changed, dictation.partial_changed,
                    app.documents.cleanup_done], what)
        if dictation.state is State.FAILED:
            raise RuntimeError(f"The dictation failed: {dictation.message}")

    dictation.start(Owner.WINDOW)
    wait_dictation(lambda: dictation.state is State.RECORDING, "recording")
    # Two commits, then volatile words after the committed ones.
    wait_dictation(lambda: commits(partials) >= 2 and bool(partials[-1].text),
                   "volatile words after two commits")
    grab("during")
    cleaned: list[CleanupResult] = []
    app.documents.cleanup_done.connect(cleaned.append)
    dictation.stop()
    wait_dictation(lambda: bool(cleaned), "cleanup")
    window.compare.diff_toggle.setChecked(True)
    pause(700)
    grab("after")
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="shots", type=Path)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    qapp = QApplication(["dictara"])
    fake = FakeOllama(token_delay=0.01).start()
    saved: list[Path] = []
    try:
        for theme in ("light", "dark"):
            home = Path(tempfile.mkdtemp(prefix=f"dictara-shots-{theme}-"))
            os.environ["DICTARA_HOME"] = str(home)
            paths = AppPaths.default()
            settings = Settings().with_value("ollama.host", fake.url)
            SettingsFile(paths.config_file).save(settings.with_value("ui.theme", theme))
            sd = FakeSoundDevice(read_clip(CLIP), speed=1.0)
            app = DictaraApp(qapp, paths, sounddevice=sd)
            app.window.resize(1200, 760)
            app.show()
            wait_for_model(app)
            saved += shoot(app, args.folder, theme)
            app.window.hide()  # closing it would quit
            app.shutdown()
    finally:
        fake.stop()
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
