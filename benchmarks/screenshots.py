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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.app import DictaraApp  # noqa: E402
from desktop.config import Settings, SettingsFile  # noqa: E402
from desktop.paths import AppPaths  # noqa: E402
from tests.fake_ollama import FakeOllama  # noqa: E402
from tests.fake_sounddevice import FakeSoundDevice  # noqa: E402
from tests.ui.conftest import read_clip  # noqa: E402

CLIP = ROOT / "tests" / "data" / "local_whisper_dictation.wav"


def wait_for(signal: object, timeout_ms: int = 60_000) -> None:
    """Spin the event loop until ``signal`` fires."""
    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def pause(ms: int) -> None:
    """Spin the event loop for ``ms`` milliseconds."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def shoot(app: DictaraApp, folder: Path, theme: str) -> list[Path]:
    """Record the clip, saving the window during and after; return the files."""
    window, controller = app.window, app.controller
    saved: list[Path] = []

    def grab(name: str) -> None:
        path = folder / f"main-{theme}-{name}.png"
        window.grab().save(str(path))
        saved.append(path)

    window.dictation.record_button.click()
    wait_for(controller.recording_started)
    for _ in range(2):
        wait_for(controller.session.committed)
    while not window.dictation.partial_text:  # catch volatile words after committed ones
        wait_for(controller.session.partial_changed)
    grab("during")
    window.dictation.record_button.click()
    wait_for(controller.cleanup_done)
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
            wait_for(app.controller.model_ready)
            saved += shoot(app, args.folder, theme)
            app.window.close()
            app.shutdown()
    finally:
        fake.stop()
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
