"""Another user squatting on Dictara's IPC socket, with real sockets and a real other uid.

Without ``XDG_RUNTIME_DIR`` the socket's place in the shared temporary folder is
predictable. Whoever creates it first must not receive ``dictara toggle`` or make Dictara
exit as "already running": each case ends in one sentence, and the squatter gets nothing.
"""

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.paths import AppPaths
from desktop.platform import ipc
from tests.squatter import shared_tmp, squat

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX sockets")

ROOT = Path(__file__).resolve().parents[2]
GUI_START = """
from PySide6.QtCore import QCoreApplication
from desktop.paths import AppPaths
from desktop.platform import ipc
from desktop.ui.ipc_server import send_or_listen
app = QCoreApplication([])
try:
    server = send_or_listen(ipc.server_address(AppPaths.default().config_file.parent), str)
except ipc.Error as e:
    print("refused:", e)
else:
    print("handed-over" if server is None else "listening")
"""


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A /tmp-like folder as the temporary folder, and no XDG_RUNTIME_DIR."""
    with shared_tmp() as folder:
        monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
        monkeypatch.setenv("TMPDIR", str(folder))
        monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
        yield folder


def require_root() -> None:
    """Skip unless root (needed to act as another user); on CI, fail instead."""
    if os.geteuid() != 0:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("the IPC takeover cases must run as root on CI")
        pytest.skip("needs root to act as another user")


def address() -> str:
    """The address this user's Dictara uses, as a new process would compute it."""
    return ipc.server_address(AppPaths.default().config_file.parent)


def dictara(*args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)


def assert_one_sentence(stderr: str, *phrases: str) -> None:
    assert "Traceback" not in stderr, stderr
    (line,) = stderr.strip().splitlines()
    assert line.endswith(".") and ". " not in line, line
    for phrase in phrases:
        assert phrase in line, line


def test_toggle_is_not_sent_to_another_users_socket(shared: Path) -> None:
    require_root()
    squatter = squat(address())
    try:
        result = dictara("toggle")
        assert result.returncode == 1
        assert_one_sentence(result.stderr, "will not use", "belongs to another user (uid 65534)")
        assert squatter.received() == b""
    finally:
        squatter.stop()


def test_the_app_does_not_hand_over_to_another_users_socket(shared: Path) -> None:
    require_root()
    squatter = squat(address())
    try:
        result = subprocess.run([sys.executable, "-c", GUI_START], capture_output=True,
                                text=True, timeout=60, cwd=ROOT)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.stdout.startswith("refused: Dictara will not use"), result.stdout
        assert squatter.received() == b""
    finally:
        squatter.stop()


def test_a_socket_folder_open_to_others_is_refused(shared: Path) -> None:
    folder = Path(address()).parent
    folder.mkdir()
    folder.chmod(0o777)
    result = dictara("toggle")
    assert result.returncode == 1
    assert_one_sentence(result.stderr, f"will not use {folder}", "other users can open it")


def test_the_window_says_why_dictara_toggle_cannot_reach_it(shared: Path) -> None:
    folder = Path(address()).parent
    folder.mkdir()
    folder.chmod(0o777)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    app = subprocess.Popen([sys.executable, "-m", "desktop", "--tray"], cwd=ROOT, env=env,
                           stderr=subprocess.PIPE, text=True)
    try:
        assert app.stderr is not None
        for line in app.stderr:  # the message bridge logs what the window shows
            assert "Traceback" not in line
            if "desktop.ui.messages" in line:
                assert f"will not use {folder}" in line and "other users can open it" in line
                break
        else:
            pytest.fail("the window started without saying why toggle cannot reach it")
    finally:
        app.terminate()
        app.communicate(timeout=60)  # drained: a full pipe would hold its last log lines
