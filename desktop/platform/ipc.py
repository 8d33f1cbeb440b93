"""Single-instance IPC: the protocol, the server's address and the client. No Qt here.

Dictara runs once per user (per ``DICTARA_HOME``). The running GUI listens on a local
socket (``desktop.ui.ipc_server`` wraps ``QLocalServer``); anything else — a second
``dictara``, ``dictara toggle`` from a shell or a desktop shortcut — connects, sends one
request and reads one reply. Requests and replies are one line of JSON each, carrying the
protocol version::

    → {"v": 1, "command": "toggle"}
    ← {"v": 1, "ok": true, "state": "recording", "message": ""}
    → {"v": 1, "command": "open", "paths": ["/home/me/talk.m4a"]}

The client is plain Python (``socket`` on POSIX, a named pipe on Windows) so the CLI never
imports Qt; the server side is Qt because it lives in the GUI's event loop. Addresses are
ones ``QLocalServer`` understands: an absolute socket path on POSIX, a pipe name on Windows.

On POSIX the socket lives in a folder only this user can open: ``$XDG_RUNTIME_DIR``, or
``dictara-UID`` in the temporary folder. Someone else could create that predictable path
first and so receive every ``dictara toggle`` and make Dictara exit as "already running";
:func:`secure_folder` refuses a folder that is not this user's own and private, and the
client also refuses a listener running as another user (``SO_PEERCRED`` on Linux).
"""

import getpass
import hashlib
import json
import os
import socket
import stat
import struct
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

PROTOCOL_VERSION = 1
COMMANDS = ("toggle", "start", "stop", "cancel", "show", "open")
TIMEOUT = 3.0  # seconds to connect and to wait for the reply
MAX_LINE = 64 * 1024


class Error(Exception):
    """Base class for IPC errors."""


class NotRunningError(Error):
    """No Dictara instance is listening."""

    def __str__(self) -> str:
        return "Dictara is not running; start it with `dictara` first, then try again."


class NoReplyError(Error):
    """An instance is listening but did not answer in time."""

    def __init__(self, address: str, reason: str) -> None:
        super().__init__(address, reason)
        self.address, self.reason = address, reason

    def __str__(self) -> str:
        return (f"The running Dictara did not answer on {self.address} ({self.reason}); "
                f"quit it and start it again.")


class ProtocolError(Error):
    """A line that is not a request or reply of this protocol version."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return f"Unexpected IPC message: {self.reason}."


class UnsafeAddressError(Error):
    """The socket's folder, or the program listening on it, is not this user's own."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return (f"Dictara will not use {self.path} for `dictara toggle` because {self.reason}; "
                "set XDG_RUNTIME_DIR to a folder only you can open, or have that one removed.")


@dataclass(frozen=True)
class Request:
    """What a client asks the running instance to do.

    Attributes:
        command: one of ``COMMANDS``.
        version: the sender's protocol version.
        paths: absolute paths of files to transcribe (``open``: show the window and
            queue them).
    """

    command: str
    version: int = PROTOCOL_VERSION
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    """The running instance's answer.

    Attributes:
        ok: whether the command was carried out.
        state: the dictation state afterwards (``idle``, ``recording``, ``working``).
        message: one sentence for the user when ``ok`` is false (or a note), else empty.
        version: the server's protocol version.
    """

    ok: bool
    state: str = ""
    message: str = ""
    version: int = PROTOCOL_VERSION


def server_address(config_dir: Path) -> str:
    """Return the address of the instance that uses ``config_dir``. Any thread.

    Different ``DICTARA_HOME`` folders (portable installs, tests) get different addresses,
    so they never talk to each other's instance.
    """
    digest = hashlib.sha256(str(config_dir.resolve()).encode()).hexdigest()[:12]
    if sys.platform == "win32":
        return f"dictara-{getpass.getuser()}-{digest}"
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if os.path.isabs(runtime) and _folder_problem(runtime) is None:
        return os.path.join(runtime, f"dictara-{digest}.sock")
    folder = os.path.join(tempfile.gettempdir(), f"dictara-{os.getuid()}")
    return os.path.join(folder, f"dictara-{digest}.sock")


def secure_folder(address: str) -> None:
    """Create the folder of ``address`` for this user only, or check that it is so. Any thread.

    Nothing to do on Windows, where the address is a named pipe.

    Raises:
        UnsafeAddressError: the folder belongs to another user, others can open it, it is
            not a folder, or it cannot be created.
    """
    if sys.platform == "win32":
        return
    folder = os.path.dirname(address)
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError as e:
        raise UnsafeAddressError(folder, f"it cannot be created ({e.strerror})") from e
    problem = _folder_problem(folder)
    if problem:
        raise UnsafeAddressError(folder, problem)


def encode_request(request: Request) -> bytes:
    """Return the request as one JSON line."""
    data: dict[str, Any] = {"v": request.version, "command": request.command}
    if request.paths:
        data["paths"] = list(request.paths)
    return _line(data)


def decode_request(line: bytes) -> Request:
    """Parse a request line.

    Raises:
        ProtocolError: not JSON, another protocol version, or an unknown command.
    """
    data = _parse(line)
    command = data.get("command")
    if command not in COMMANDS:
        raise ProtocolError(f"unknown command {command!r}; use one of {', '.join(COMMANDS)}")
    paths = data.get("paths", [])
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise ProtocolError("paths must be a list of strings")
    if not all(os.path.isabs(p) for p in paths):
        raise ProtocolError("paths must be absolute")
    return Request(command, data["v"], tuple(paths))


def encode_reply(reply: Reply) -> bytes:
    """Return the reply as one JSON line."""
    return _line({"v": reply.version, "ok": reply.ok, "state": reply.state,
                  "message": reply.message})


def decode_reply(line: bytes) -> Reply:
    """Parse a reply line.

    Raises:
        ProtocolError: not JSON, another protocol version, or fields of the wrong type.
    """
    data = _parse(line)
    ok, state, message = data.get("ok"), data.get("state", ""), data.get("message", "")
    if not isinstance(ok, bool) or not isinstance(state, str) or not isinstance(message, str):
        raise ProtocolError("the reply's fields have the wrong types")
    return Reply(ok, state, message, data["v"])


def send(
    command: str,
    address: str,
    *,
    timeout: float = TIMEOUT,
    stream: BinaryIO | socket.socket | None = None,
    paths: tuple[str, ...] = (),
) -> Reply:
    """Send one command to the running instance and return its reply. Any thread.

    Args:
        command: one of ``COMMANDS``.
        address: from :func:`server_address`.
        paths: for ``open``, the absolute paths of the files.
        timeout: seconds to connect and to wait for the reply.
        stream: an already connected socket or file to use instead (tests).

    Raises:
        ValueError: ``command`` is not one of ``COMMANDS``.
        NotRunningError: nothing listens at ``address``.
        NoReplyError: something listens but gave no reply in time.
        ProtocolError: the reply is not understood.
        UnsafeAddressError: the address is not this user's own (see :func:`secure_folder`),
            or another user's program listens there; nothing was sent.
    """
    if command not in COMMANDS:
        raise ValueError(f"unknown command {command!r}; use one of {', '.join(COMMANDS)}")
    request = encode_request(Request(command, paths=paths))
    if len(request) > MAX_LINE:
        raise ValueError(f"too many files for one request ({len(paths)}); pass fewer at once")
    conn = stream if stream is not None else _connect(address, timeout)
    try:
        if isinstance(conn, socket.socket):
            conn.settimeout(timeout)
            conn.sendall(request)
            line = _read_line(conn.recv)
        else:
            conn.write(request)
            conn.flush()
            line = _read_line(conn.read)
    except OSError as e:  # socket.timeout is an OSError
        raise NoReplyError(address, str(e) or type(e).__name__) from e
    finally:
        conn.close()
    if not line:
        raise NoReplyError(address, "it closed the connection")
    return decode_reply(line)


def _connect(address: str, timeout: float) -> BinaryIO | socket.socket:
    if sys.platform == "win32":
        try:
            return open(rf"\\.\pipe\{address}", "r+b", buffering=0)
        except FileNotFoundError:
            raise NotRunningError() from None
        except OSError as e:
            raise NoReplyError(address, str(e)) from e
    secure_folder(address)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(address)
        _check_peer(sock, address)
    except (FileNotFoundError, ConnectionRefusedError):
        sock.close()
        raise NotRunningError() from None
    except UnsafeAddressError:
        sock.close()
        raise
    except OSError as e:
        sock.close()
        raise NoReplyError(address, str(e)) from e
    return sock


def _check_peer(sock: socket.socket, address: str) -> None:
    """Refuse a listener that runs as another user (Linux; elsewhere the folder check stands)."""
    if not hasattr(socket, "SO_PEERCRED"):
        return
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    if uid != os.geteuid():
        raise UnsafeAddressError(address, f"the program listening there runs as another user "
                                          f"(uid {uid})")


def _folder_problem(folder: str) -> str | None:
    """Return why ``folder`` is not this user's private folder, or None if it is."""
    try:
        info = os.lstat(folder)
    except OSError as e:
        return f"it cannot be read ({e.strerror})"
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a folder"
    if info.st_uid != os.geteuid():
        return f"it belongs to another user (uid {info.st_uid})"
    if info.st_mode & 0o077:
        return f"other users can open it (mode {stat.S_IMODE(info.st_mode):04o})"
    return None


def _read_line(read: Any) -> bytes:
    data = b""
    while b"\n" not in data and len(data) < MAX_LINE:
        chunk: bytes = read(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\n", 1)[0]


def _line(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode() + b"\n"


def _parse(line: bytes) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ProtocolError("it is not a line of JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError("it is not a JSON object")
    if data.get("v") != PROTOCOL_VERSION:
        raise ProtocolError(f"protocol version {data.get('v')!r}, expected {PROTOCOL_VERSION}")
    return data
