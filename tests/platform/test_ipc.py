"""Single-instance IPC: the line protocol, the client, the QLocalServer end, second instances."""

import os
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.platform import ipc
from desktop.ui.ipc_server import IpcServer, send_or_listen
from tests.squatter import shared_tmp, squat

ROOT = Path(__file__).resolve().parents[2]

SECOND_INSTANCE = """
import sys
from PySide6.QtCore import QCoreApplication
from desktop.ui.ipc_server import send_or_listen
app = QCoreApplication([])
server = send_or_listen(sys.argv[1], lambda: "idle")
print("handed-over" if server is None else "listening", flush=True)
"""


@pytest.fixture
def address(tmp_path: Path) -> str:
    return ipc.server_address(tmp_path / "config")


@pytest.fixture
def server(qtbot: QtBot, address: str) -> Iterator[IpcServer]:
    state = {"value": "idle"}
    srv = IpcServer(address, lambda: state["value"])
    srv.listen()
    yield srv
    srv.close()


def test_request_round_trip() -> None:
    line = ipc.encode_request(ipc.Request("toggle"))
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert ipc.decode_request(line) == ipc.Request("toggle", 1)


def test_reply_round_trip() -> None:
    reply = ipc.Reply(False, "idle", "Nothing to stop.")
    assert ipc.decode_reply(ipc.encode_reply(reply)) == reply


@pytest.mark.parametrize("line, reason", [
    (b"toggle\n", "not a line of JSON"),
    (b"[1]\n", "not a JSON object"),
    (b'{"v": 2, "command": "toggle"}\n', "protocol version 2"),
    (b'{"command": "toggle"}\n', "protocol version None"),
    (b'{"v": 1, "command": "reboot"}\n', "unknown command 'reboot'"),
])
def test_bad_requests_are_protocol_errors(line: bytes, reason: str) -> None:
    with pytest.raises(ipc.ProtocolError, match=reason):
        ipc.decode_request(line)


def test_send_over_an_injected_socket() -> None:
    ours, theirs = socket.socketpair()
    theirs.sendall(ipc.encode_reply(ipc.Reply(True, "recording")))
    reply = ipc.send("toggle", "unused", stream=ours)
    assert reply == ipc.Reply(True, "recording")
    assert ipc.decode_request(theirs.recv(4096)) == ipc.Request("toggle")
    theirs.close()


def test_send_when_the_peer_hangs_up_is_no_reply() -> None:
    ours, theirs = socket.socketpair()
    theirs.close()
    with pytest.raises(ipc.NoReplyError, match="did not answer"):
        ipc.send("stop", "addr", stream=ours)


def test_send_rejects_unknown_commands() -> None:
    with pytest.raises(ValueError, match="use one of toggle, start, stop"):
        ipc.send("explode", "addr")


def test_send_with_nobody_listening(address: str) -> None:
    with pytest.raises(ipc.NotRunningError) as info:
        ipc.send("toggle", address)
    assert str(info.value) == (
        "Dictara is not running; start it with `dictara` first, then try again.")


def test_addresses_differ_per_home(tmp_path: Path) -> None:
    assert ipc.server_address(tmp_path / "a") != ipc.server_address(tmp_path / "b")
    assert ipc.server_address(tmp_path / "a") == ipc.server_address(tmp_path / "a")


def test_server_emits_the_command_and_replies(qtbot: QtBot, server: IpcServer,
                                              address: str) -> None:
    proc = _client(address, "toggle")
    with qtbot.wait_signal(server.command_received, timeout=5000) as blocker:
        pass
    assert blocker.args == ["toggle"]
    assert _finish(proc) == ipc.encode_reply(ipc.Reply(True, "idle")).decode().strip()


def test_server_answers_garbage_with_an_error(qtbot: QtBot, server: IpcServer,
                                              address: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c",
         "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]);"
         "s.sendall(b'hello\\n'); print(s.recv(4096).decode().strip())", address],
        stdout=subprocess.PIPE, text=True)
    with qtbot.assert_not_emitted(server.command_received, wait=0):
        qtbot.wait_until(lambda: proc.poll() is not None, timeout=5000)
    reply = ipc.decode_reply(proc.communicate()[0].encode())
    assert not reply.ok and "not a line of JSON" in reply.message


def test_second_instance_hands_over_and_first_is_told_to_show(qtbot: QtBot,
                                                              address: str) -> None:
    first = send_or_listen(address, lambda: "idle")
    assert first is not None
    second = subprocess.Popen([sys.executable, "-c", SECOND_INSTANCE, address],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    with qtbot.wait_signal(first.command_received, timeout=10000) as blocker:
        pass
    assert blocker.args == ["show"]
    qtbot.wait_until(lambda: second.poll() is not None, timeout=10000)
    assert second.communicate()[0].strip() == "handed-over"
    first.close()


def test_a_stale_socket_file_is_taken_over(qtbot: QtBot, address: str) -> None:
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(address)  # a crashed instance leaves the file, with nobody listening
    stale.close()
    assert Path(address).exists()
    server = send_or_listen(address, lambda: "idle")
    assert server is not None
    proc = _client(address, "start")
    with qtbot.wait_signal(server.command_received, timeout=5000):
        pass
    _finish(proc)
    server.close()


def test_cli_toggle_without_an_instance_is_one_sentence(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "desktop", "toggle"], capture_output=True,
                            text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 1
    assert result.stderr == ("error: Dictara is not running; start it with `dictara` first, "
                             "then try again.\n")


@pytest.mark.parametrize("command", ["toggle", "start", "stop"])
def test_cli_commands_reach_the_running_instance(qtbot: QtBot, app_home: Path,
                                                 command: str) -> None:
    from desktop.paths import AppPaths

    address = ipc.server_address(AppPaths.default().config_file.parent)
    server = IpcServer(address, lambda: "recording")
    server.listen()
    proc = subprocess.Popen([sys.executable, "-m", "desktop", "-v", command],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    with qtbot.wait_signal(server.command_received, timeout=30000) as blocker:
        pass
    assert blocker.args == [command]
    qtbot.wait_until(lambda: proc.poll() is not None, timeout=10000)
    assert proc.returncode == 0
    assert proc.communicate()[0] == "recording\n"
    server.close()


def _client(address: str, command: str) -> "subprocess.Popen[str]":
    """Send from another process: a blocking client in this thread would stall the server."""
    return subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from desktop.platform import ipc;"
         "print(ipc.encode_reply(ipc.send(sys.argv[2], sys.argv[1])).decode().strip())",
         address, command], stdout=subprocess.PIPE, text=True, cwd=ROOT)


def _finish(proc: "subprocess.Popen[str]") -> str:
    out, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0
    return out.strip()


def test_open_requests_carry_paths() -> None:
    request = ipc.Request("open", paths=("/home/me/talk.m4a", "/tmp/ünïcode.wav"))
    assert ipc.decode_request(ipc.encode_request(request)) == request
    with pytest.raises(ipc.ProtocolError, match="paths must be a list of strings"):
        ipc.decode_request(b'{"v": 1, "command": "open", "paths": "/etc/passwd"}\n')
    with pytest.raises(ipc.ProtocolError, match="paths must be absolute"):
        ipc.decode_request(b'{"v": 1, "command": "open", "paths": [""]}\n')


def test_many_files_go_in_several_requests() -> None:
    from desktop.cli.open_files import BATCH_BYTES, _batches

    paths = [f"/recordings/{i:04d}-" + "x" * 200 + ".m4a" for i in range(1000)]
    batches = list(_batches(paths))
    assert len(batches) > 1 and [p for b in batches for p in b] == paths
    for batch in batches:
        assert len(ipc.encode_request(ipc.Request("open", paths=batch))) < ipc.MAX_LINE
        assert sum(len(p) for p in batch) <= BATCH_BYTES


def test_dictara_file_hands_the_files_to_the_running_instance(
        qtbot: QtBot, app_home: Path, tmp_path: Path) -> None:
    from desktop.paths import AppPaths

    address = ipc.server_address(AppPaths.default().config_file.parent)
    server = IpcServer(address, lambda: "idle")
    server.listen()
    clip = tmp_path / "a talk.wav"
    clip.write_bytes(b"RIFF")
    gone = tmp_path / "gone.mp3"
    proc = subprocess.Popen([sys.executable, "-m", "desktop", str(clip), str(gone)],
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    with qtbot.wait_signal(server.files_received, timeout=30000) as blocker, \
            qtbot.assert_not_emitted(server.command_received):
        pass
    assert blocker.args == [[clip]]
    qtbot.wait_until(lambda: proc.poll() is not None, timeout=10000)
    assert proc.returncode == 1  # one of the two is missing
    assert proc.communicate()[1] == f"error: {gone}: there is no such file or folder.\n"
    server.close()


def test_a_word_that_is_neither_a_command_nor_a_file(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "desktop", "trnscribe"], capture_output=True,
                            text=True, cwd=tmp_path, env=None, timeout=30)
    assert result.returncode == 2
    assert result.stderr == ("error: 'trnscribe' is neither a command nor a file; "
                             "see `dictara --help`.\n")


@pytest.fixture
def no_runtime_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Unset XDG_RUNTIME_DIR and make ``tmp_path/tmp`` the temporary folder."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return tmp


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX sockets")
def test_without_a_runtime_dir_the_socket_is_in_a_private_folder(
    qtbot: QtBot, tmp_path: Path, no_runtime_dir: Path
) -> None:
    address = ipc.server_address(tmp_path / "config")
    folder = Path(address).parent
    assert folder == no_runtime_dir / f"dictara-{os.getuid()}"
    server = send_or_listen(address, lambda: "idle")
    assert server is not None
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and folder.stat().st_uid == os.getuid()
    server.close()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX sockets")
def test_a_folder_others_can_open_is_refused(tmp_path: Path, no_runtime_dir: Path) -> None:
    address = ipc.server_address(tmp_path / "config")
    Path(address).parent.mkdir(mode=0o755)
    os.chmod(Path(address).parent, 0o755)
    with pytest.raises(ipc.UnsafeAddressError) as info:
        ipc.send("toggle", address)
    assert str(info.value) == (
        f"Dictara will not use {Path(address).parent} for `dictara toggle` because other users "
        "can open it (mode 0755); set XDG_RUNTIME_DIR to a folder only you can open, or have "
        "that one removed.")


@pytest.mark.skipif(not hasattr(socket, "SO_PEERCRED") or os.geteuid() != 0,
                    reason="needs SO_PEERCRED and root to listen as another user")
def test_a_listener_running_as_another_user_gets_nothing() -> None:
    # Only root could put another user's socket in our private folder; the peer check
    # still refuses it, so a swapped socket cannot receive the command either.
    with shared_tmp() as shared:
        squatter = squat(str(shared / "theirs" / "s.sock"))
        try:
            ours = shared / "ours"
            ours.mkdir(mode=0o700)
            address = str(ours / "dictara.sock")
            os.rename(shared / "theirs" / "s.sock", address)
            with pytest.raises(ipc.UnsafeAddressError,
                               match=r"runs as another user \(uid 65534\)"):
                ipc.send("toggle", address)
            assert squatter.received() == b""
        finally:
            squatter.stop()
