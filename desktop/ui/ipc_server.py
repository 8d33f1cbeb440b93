"""The running instance's end of the single-instance IPC, on ``QLocalServer``.

The protocol, the address and the client live Qt-free in :mod:`desktop.platform.ipc` (the
CLI uses them without Qt); this module is the GUI's listener. :func:`send_or_listen` is
the start-up step: hand over to a running instance, or become the server.
"""

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from desktop.platform import ipc

log = logging.getLogger(__name__)


class ListenError(ipc.Error):
    """The server could not listen on its address."""

    def __init__(self, address: str, reason: str) -> None:
        super().__init__(address, reason)
        self.address, self.reason = address, reason

    def __str__(self) -> str:
        return (f"Dictara could not listen for `dictara toggle` on {self.address} "
                f"({self.reason}); the hotkey still works, the command does not.")


def send_or_listen(
    address: str, status: Callable[[], str], parent: QObject | None = None,
    paths: tuple[str, ...] = (),
) -> "IpcServer | None":
    """Ask a running instance to show itself, or start listening. GUI thread only.

    Args:
        address: the server's address.
        status: gives the state for replies, once this instance listens.
        parent: the server's parent.
        paths: files for the running instance to queue (``open``), if any.

    Returns:
        None when another instance is running (it was told to show itself and this one
        should exit), else the listening server.

    Raises:
        ipc.NoReplyError: an instance listens but does not answer.
        ipc.UnsafeAddressError: the address is not this user's own; nothing was sent.
        ListenError: the address cannot be used.
    """
    for _attempt in range(2):
        try:
            if paths:
                ipc.send("open", address, paths=paths)
            else:
                ipc.send("show", address)
            return None
        except ipc.NotRunningError:
            pass
        server = IpcServer(address, status, parent)
        try:
            server.listen()
            return server
        except _AddressInUseError:
            # Another instance started between our send and listen (qutebrowser's race):
            # ask it again; if nobody answers, the socket file is stale.
            server.deleteLater()
            log.info("IPC address %s in use; asking again", address)
    QLocalServer.removeServer(address)
    server = IpcServer(address, status, parent)
    server.listen()
    return server


class _AddressInUseError(ListenError):
    """Someone (maybe a stale socket file) holds the address."""


class IpcServer(QObject):
    """Listens for one-line JSON requests and answers each with the current state.

    GUI thread only. Each request is emitted as ``command_received`` before the reply is
    written, so a receiver connected in the GUI thread has acted by then and the reply's
    ``state`` is the state after the command.

    Signals:
        command_received(str): one of :data:`desktop.platform.ipc.COMMANDS` but ``open``.
        files_received(object): ``open``: a list of :class:`~pathlib.Path` to queue.

    Attributes:
        status: returns the state sent back in every reply.
    """

    command_received = Signal(str)
    files_received = Signal(object)

    def __init__(
        self, address: str, status: Callable[[], str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.address = address
        self.status = status
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_server_new_connection)

    def listen(self) -> None:
        """Start listening.

        Raises:
            ipc.UnsafeAddressError: the address's folder is not this user's private one.
            ListenError: the address cannot be used (``_AddressInUseError`` when taken).
        """
        ipc.secure_folder(self.address)
        if self._server.listen(self.address):
            log.info("Listening for commands on %s", self.address)
            return
        error = self._server.serverError()
        reason = self._server.errorString()
        if error == QAbstractSocket.SocketError.AddressInUseError:
            raise _AddressInUseError(self.address, reason)
        raise ListenError(self.address, reason)

    def close(self) -> None:
        """Stop listening and remove the socket file."""
        self._server.close()

    @Slot()
    def _on_server_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            conn = self._server.nextPendingConnection()
            conn.readyRead.connect(self._on_socket_ready_read)
            conn.disconnected.connect(conn.deleteLater)

    @Slot()
    def _on_socket_ready_read(self) -> None:
        conn = self.sender()
        if not isinstance(conn, QLocalSocket):
            return
        if not conn.canReadLine():
            if conn.bytesAvailable() > ipc.MAX_LINE:
                conn.abort()
            return
        line = bytes(conn.readLine().data())
        conn.write(ipc.encode_reply(self._answer(line)))
        conn.flush()
        conn.disconnectFromServer()

    def _answer(self, line: bytes) -> ipc.Reply:
        try:
            request = ipc.decode_request(line)
        except ipc.ProtocolError as e:
            log.warning("Ignoring IPC request: %s", e)
            return ipc.Reply(False, self.status(), str(e))
        log.info("IPC command %s", request.command)
        if request.command == "open":
            self.files_received.emit([Path(p) for p in request.paths])
        else:
            self.command_received.emit(request.command)
        return ipc.Reply(True, self.status())
