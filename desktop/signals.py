"""SIGTERM/SIGINT as a Qt signal, delivered at once even while the event loop sleeps.

Python runs its signal handlers only between bytecodes of the main thread, and the main thread
sits in Qt's C++ event loop: a plain ``signal.signal`` handler would wait for the next Python
callback (a timer that may be 30 s away). Python's C-level handler also writes the signal number
to the descriptor given to :func:`signal.set_wakeup_fd`; a :class:`QSocketNotifier` on the other
end of that socket pair wakes the loop immediately.
"""

from __future__ import annotations

import signal
import socket
from collections.abc import Iterable
from types import FrameType

from PySide6.QtCore import QObject, QSocketNotifier, Signal, Slot

DEFAULT_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class SignalWatcher(QObject):
    """Emits :attr:`received` on the UI thread for each watched signal (create on the main
    thread, after the QApplication)."""

    received = Signal(int)

    def __init__(
        self, signals: Iterable[signal.Signals] = DEFAULT_SIGNALS, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.signals = {int(s) for s in signals}
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        self._previous = {s: signal.signal(s, self._python_handler) for s in self.signals}
        self.notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self._drain)

    @staticmethod
    def _python_handler(_signum: int, _frame: FrameType | None) -> None:
        """Replaces the default action (terminate / KeyboardInterrupt); the work is done by
        :meth:`_drain`, which reads the number the C handler wrote to the socket."""

    @Slot()
    def _drain(self) -> None:
        try:
            data = self._read.recv(64)
        except (BlockingIOError, InterruptedError):
            return
        for signum in data:
            if signum in self.signals:
                self.received.emit(signum)

    def close(self) -> None:
        """Restore the previous handlers and wake-up descriptor."""
        self.notifier.setEnabled(False)
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._read.close()
        self._write.close()
