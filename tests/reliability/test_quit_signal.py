"""A SIGTERM (a logout, `kill`) while the window is still starting quits it, as later does."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_sigterm_during_start_up_quits(app_home: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}  # no tray: starts hidden
    app = subprocess.Popen([sys.executable, "-m", "desktop", "--tray"], cwd=ROOT, env=env,
                           stderr=subprocess.PIPE, text=True)
    assert app.stderr is not None
    for line in app.stderr:  # logged by DictaraApp.start, before the event loop runs
        if "running without a window" in line:
            break
    app.terminate()
    _, err = app.communicate(timeout=30)  # it ran on forever: quit() before exec() is lost
    assert app.returncode == 0, err
    assert "Traceback" not in err and "Signal 15: quitting" in err
