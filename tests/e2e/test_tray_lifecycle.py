"""End to end on the bench with a real system tray: closing the window keeps Dictara
running; ``dictara FILE`` brings the window back and transcribes into the history.

Dictara runs as a real process on a private Xvfb with Debian's ``trayer`` as the X11
tray. The window is closed the way a window manager closes it: a ``WM_DELETE_WINDOW``
client message (``xdotool windowclose`` would destroy it instead, which no user does).
"""

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bench import require
from tests.e2e.conftest import ROOT, Bench, Proc, poll, start_app

pytestmark = pytest.mark.e2e

CLIPS = ("jfk.flac", "LJ001-0002.wav")
EXPECTED = ("ask not what your country", "in being comparatively modern")
JOB_TIMEOUT = 120.0

CLOSE_LIKE_A_WINDOW_MANAGER = r"""
import sys
from Xlib import X, display
from Xlib.protocol import event
d = display.Display()
window = d.create_resource_object("window", int(sys.argv[1]))
protocols, delete = d.intern_atom("WM_PROTOCOLS"), d.intern_atom("WM_DELETE_WINDOW")
message = event.ClientMessage(window=window, client_type=protocols,
                              data=(32, [delete, X.CurrentTime, 0, 0, 0]))
window.send_event(message, event_mask=X.NoEventMask)
d.flush()
"""


@pytest.fixture
def tray(bench: Bench) -> Iterator[None]:
    """Debian's trayer: an X11 system tray that QSystemTrayIcon docks into."""
    require("trayer")
    proc = subprocess.Popen(["trayer", "--edge", "top", "--align", "right", "--width", "10"],
                            env=bench.env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    assert poll(lambda: _tray_owned(bench), 10), "trayer did not take the tray selection"
    yield
    proc.terminate()
    proc.wait(10)


def _tray_owned(bench: Bench) -> bool:
    probe = ("from Xlib import display; d = display.Display(); "
             "print(d.get_selection_owner(d.intern_atom('_NET_SYSTEM_TRAY_S0')))")
    out = subprocess.run([sys.executable, "-c", probe], env=bench.env, capture_output=True,
                         text=True, timeout=10).stdout
    return bool(out.strip()) and out.strip() not in ("0", "None")


def main_window(bench: Bench) -> str:
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^Dictara$"],
                           env=bench.env, capture_output=True, text=True, timeout=10).stdout
    return found.split()[0] if found.split() else ""


def close_window(bench: Bench, wid: str) -> None:
    subprocess.run([sys.executable, "-c", CLOSE_LIKE_A_WINDOW_MANAGER, wid], env=bench.env,
                   check=True, timeout=10)


def history(bench: Bench) -> list[dict[str, object]]:
    result = bench.dictara("history", "--json")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture
def app(bench: Bench, tray: None) -> Iterator[Proc]:
    """Dictara with its window, as a user starts it."""
    proc = start_app(bench)
    yield proc
    proc.stop()


def test_closing_keeps_it_in_the_tray_and_files_bring_it_back(
        bench: Bench, app: Proc, tmp_path: Path) -> None:
    assert poll(lambda: main_window(bench), 10), "the window did not appear"
    for clip, expected in zip(CLIPS, EXPECTED, strict=True):
        wid = main_window(bench)
        close_window(bench, wid)
        assert poll(lambda: not main_window(bench), 10), "closing did not hide the window"
        assert app.popen.poll() is None, "closing the window quit Dictara despite the tray"
        # A copy under a new name: the file the user opens is theirs, not the test data.
        path = tmp_path / f"opened-{clip}"
        path.write_bytes((ROOT / "tests" / "data" / clip).read_bytes())
        mark = len(app.lines)
        handed = bench.dictara(str(path))
        assert handed.returncode == 0, handed.stderr
        assert "Traceback" not in handed.stderr
        app.wait_for(r"IPC command open", 10, mark)
        assert poll(lambda: main_window(bench), 10), "the window did not come back"
        source = str(path)
        entries = poll(lambda: [e for e in history(bench) if e["source"] == source],  # noqa: B023
                       JOB_TIMEOUT)
        assert entries, "the file never reached the history:\n" + "\n".join(app.lines[-30:])
        [entry] = entries  # type: ignore[misc]
        assert entry["kind"] == "file" and expected in str(entry["raw"]).lower()
        subprocess.run(["import", "-window", "root", str(bench.tmp / f"back-{clip}.png")],
                       env=bench.env, timeout=20, check=False)
    assert len(history(bench)) == 2
    assert app.popen.poll() is None
    app.popen.terminate()  # what the desktop session does when it ends
    assert app.popen.wait(20) == 0
    app.wait_for(r"Signal 15: quitting", 5)
    tracebacks = [line for line in app.lines if "Traceback" in line]
    assert not tracebacks, "\n".join(app.lines[-60:])
