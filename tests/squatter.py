"""Another user's program listening where Dictara expects its own IPC socket.

``squat(address)`` forks a child that becomes ``nobody``, creates the socket's folder
(open to all) if it is missing, listens at ``address``, answers every request as a running
Dictara would, and reports what it received. Needs root, to become another user.
"""

import contextlib
import os
import select
import shutil
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

NOBODY = 65534
REPLY = b'{"v": 1, "ok": true, "state": "recording", "message": ""}\n'


@dataclass
class Squatter:
    """The listening child: ``received()`` is every request it got; ``stop()`` ends it."""

    pid: int
    reports: int

    def received(self) -> bytes:
        """Return what clients sent so far."""
        data = b""
        while select.select([self.reports], [], [], 0.2)[0]:
            chunk = os.read(self.reports, 65536)
            if not chunk:
                break
            data += chunk
        return data

    def stop(self) -> None:
        """Kill the child and wait for it."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        os.close(self.reports)


def squat(address: str) -> Squatter:
    """Start a child that listens at ``address`` as ``nobody``; return once it listens."""
    reports, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: only the socket module, then _exit, whatever happens
        try:
            os.close(reports)
            _serve(address, write)
        finally:
            os._exit(0)
    os.close(write)
    ready = os.read(reports, 64)
    if ready != b"ready\n":
        os.waitpid(pid, 0)
        raise RuntimeError(f"the squatter did not listen at {address}: {ready!r}")
    return Squatter(pid, reports)


@contextlib.contextmanager
def shared_tmp() -> Iterator[Path]:
    """A sticky, world-writable folder that ``nobody`` can reach, like /tmp; removed after."""
    folder = Path(tempfile.mkdtemp(prefix="dictara-shared-", dir="/tmp"))
    folder.chmod(0o1777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _serve(address: str, reports: int) -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)
    folder = os.path.dirname(address)
    try:
        os.makedirs(folder, exist_ok=True)
        with contextlib.suppress(OSError):  # the temporary folder itself is not ours
            os.chmod(folder, 0o777)
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(address)
        listener.listen()
    except OSError as e:
        os.write(reports, f"failed: {e}\n".encode())
        return
    os.write(reports, b"ready\n")
    while True:
        conn, _ = listener.accept()
        os.write(reports, conn.recv(65536))
        conn.sendall(REPLY)
        conn.close()
