"""One Stowaway per user session: a lock file says who runs, a local socket carries requests.

A second launch connects to the first instance's socket, sends one command line ("show",
"scan"...) and exits; the first instance emits :attr:`SingleInstance.message` and raises its
window. A lock left behind by a crashed instance is stale after a few seconds (QLockFile checks the
owning PID), so a crash never blocks the next start.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from scanner import paths

TIMEOUT_MS = 1500


def default_key() -> str:
    """A per-user, per-profile name: two users (or two test HOMEs) never collide."""
    digest = hashlib.sha256(f"{getpass.getuser()}:{paths.config_dir()}".encode()).hexdigest()
    return f"stowaway-{digest[:16]}"


class SingleInstance(QObject):
    message = Signal(str)

    def __init__(self, key: str | None = None, lock_dir: Path | None = None) -> None:
        super().__init__()
        self.key = key or default_key()
        directory = lock_dir or paths.state_dir()
        self._lock = QLockFile(str(directory / f"{self.key}.lock"))
        self._lock.setStaleLockTime(0)  # stale only when the owning process is gone
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True when this process is the primary instance (and now listens for others)."""
        if not self._lock.tryLock(100):
            self._lock.removeStaleLockFile()
            if not self._lock.tryLock(100):
                return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.key):
            QLocalServer.removeServer(self.key)  # leftover socket of a crashed instance
            server.listen(self.key)
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def send(self, command: str) -> bool:
        """From a secondary instance: deliver ``command`` to the primary one."""
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if not socket.waitForConnected(TIMEOUT_MS):
            return False
        socket.write(QByteArray((command + "\n").encode()))
        ok = socket.waitForBytesWritten(TIMEOUT_MS)
        socket.waitForReadyRead(TIMEOUT_MS)  # the primary acknowledges before we exit
        socket.disconnectFromServer()
        return ok

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()

    def _on_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data()).decode(errors="replace").strip()
            if line:
                socket.write(QByteArray(b"ok\n"))
                socket.flush()
                self.message.emit(line[:64])
