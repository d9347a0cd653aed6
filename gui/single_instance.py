"""One window per user and store: a second `estiba` hands its files to the running window and exits.

The first window listens on a QLocalServer (a Unix socket, readable by this user only) named after the
user and the store's real path. A later start connects to it, sends the files as one JSON line and waits
for "ok"; the window loads them as a drop would and comes to the front. A socket left behind by a window
that crashed accepts no connection: the next start removes it and listens itself.
"""

from __future__ import annotations

import hashlib
import json
import os

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_MS = 1000
REPLY_MS = 5000


def server_name(store_root: str) -> str:
    key = f"{os.getuid()}:{os.path.realpath(store_root)}"
    return f"estiba-{os.getuid()}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def hand_over(store_root: str, paths: list[str]) -> bool:
    """Give `paths` to the window already open on this store; False when there is none."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(store_root))
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write((json.dumps({"paths": [os.path.abspath(p) for p in paths]}) + "\n").encode())
    socket.flush()
    socket.waitForBytesWritten(REPLY_MS)
    answered = socket.waitForReadyRead(REPLY_MS) and bytes(socket.readAll().data()).startswith(b"ok")
    socket.disconnectFromServer()
    return answered


class InstanceServer(QObject):
    """Listens for later starts; `files_received(list[str])` for each one (possibly an empty list)."""

    files_received = Signal(object)

    def __init__(self, store_root: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(store_root)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_connection)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        if self.server.listen(self.name):
            return True
        # Nobody answered on this name (we tried first), so the socket file is stale: a crashed window's.
        QLocalServer.removeServer(self.name)
        return self.server.listen(self.name)

    def close(self) -> None:
        self.server.close()

    @Slot()
    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(self._on_ready_read)
            socket.disconnected.connect(socket.deleteLater)

    @Slot()
    def _on_ready_read(self) -> None:
        socket = self.sender()
        if not isinstance(socket, QLocalSocket):
            return
        data = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        if b"\n" not in data:
            self._buffers[socket] = data[-65536:]
            return
        self._buffers.pop(socket, None)
        try:
            doc = json.loads(data.split(b"\n", 1)[0])
            paths = [str(p) for p in doc.get("paths", []) if isinstance(p, str)]
        except (ValueError, AttributeError):
            paths = []
        socket.write(b"ok\n")
        socket.flush()
        self.files_received.emit(paths)
