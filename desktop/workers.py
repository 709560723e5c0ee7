"""Run the core's plain callables off the UI thread, with progress, partial results and cancel.

The core takes ``on_progress``/``cancel`` arguments (the pattern of freedomofpress/dangerzone's
Qt-free core); a :class:`Job` hands the callable a :class:`JobContext` whose methods turn those
into Qt signals delivered on the UI thread. Progress is throttled so a fast scan cannot flood the
event loop; partial results are batched for the same reason.

Worker threads never emit a job's signals themselves: they post to one long-lived dispatcher on
the UI thread, which emits them there. Slots and lambdas connected to a job therefore always run on
the UI thread, and a job stays referenced until its last signal has been delivered.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.05
PARTIAL_INTERVAL_S = 0.1


class JobCancelled(Exception):
    """Raised inside a job by :meth:`JobContext.check` once cancel was requested."""


class JobSignals(QObject):
    progress = Signal(object)
    partial = Signal(object)  # a list of items, batched
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()  # always last


class _Dispatcher(QObject):
    """Lives on the UI thread; re-emits what workers post, in order."""

    post = Signal(object, str, object)  # job, signal name, payload

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.jobs: set[Job] = set()
        self.post.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object, str, object)
    def _deliver(self, job: Job, name: str, payload: Any) -> None:
        signal = getattr(job.signals, name)
        if name in ("cancelled", "finished"):
            signal.emit()
        else:
            signal.emit(payload)
        if name == "finished":
            self.jobs.discard(job)


class JobContext:
    """What a job's function sees: a cancel event and throttled reporting."""

    def __init__(self, post: Callable[[str, Any], None]) -> None:
        self.cancel_event = threading.Event()
        self._post = post
        self._last_progress = 0.0
        self._pending_progress: Any = None
        self._partial: list[Any] = []
        self._last_partial = 0.0
        self._lock = threading.Lock()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def check(self) -> None:
        if self.cancel_event.is_set():
            raise JobCancelled

    def progress(self, value: Any, *, force: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            if not force and now - self._last_progress < PROGRESS_INTERVAL_S:
                self._pending_progress = value
                return
            self._last_progress = now
            self._pending_progress = None
        self._post("progress", value)

    def partial(self, items: list[Any], *, force: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            self._partial.extend(items)
            if not self._partial or (not force and now - self._last_partial < PARTIAL_INTERVAL_S):
                return
            batch, self._partial = self._partial, []
            self._last_partial = now
        self._post("partial", batch)

    def flush(self) -> None:
        with self._lock:
            pending, self._pending_progress = self._pending_progress, None
            batch, self._partial = self._partial, []
        if pending is not None:
            self._post("progress", pending)
        if batch:
            self._post("partial", batch)


class Job(QRunnable):
    """One background task; connect to :attr:`signals`, then :meth:`JobRunner.start` it."""

    def __init__(self, fn: Callable[[JobContext], Any], name: str = "job") -> None:
        super().__init__()
        self.setAutoDelete(False)  # the dispatcher keeps it alive until `finished` is delivered
        self.name = name
        self.signals = JobSignals()
        self.context = JobContext(self._post)
        self._fn = fn
        self._dispatcher: _Dispatcher | None = None
        self.done = threading.Event()
        self.result: Any = None
        self.error: str | None = None

    def cancel(self) -> None:
        self.context.cancel_event.set()

    def _post(self, name: str, payload: Any = None) -> None:
        if self._dispatcher is not None:
            self._dispatcher.post.emit(self, name, payload)

    def run(self) -> None:
        try:
            result = self._fn(self.context)
        except JobCancelled:
            self.context.flush()
            self._post("cancelled")
        except Exception as exc:  # reported to the UI; core exceptions never carry secrets
            log.exception("%s failed", self.name)
            self.context.flush()
            self.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            self._post("failed", self.error)
        else:
            self.result = result
            self.context.flush()
            if self.context.cancelled:
                self._post("cancelled")
            self._post("succeeded", result)
        finally:
            self.done.set()
            self._post("finished")


class JobRunner(QObject):
    """Starts jobs on a thread pool; create it on the UI thread."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._dispatcher = _Dispatcher(self)

    def start(self, job: Job) -> Job:
        job._dispatcher = self._dispatcher
        self._dispatcher.jobs.add(job)
        self.pool.start(job)
        return job

    def submit(
        self,
        fn: Callable[[JobContext], Any],
        *,
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        name: str = "job",
    ) -> Job:
        job = Job(fn, name)
        if on_success is not None:
            job.signals.succeeded.connect(on_success)
        if on_error is not None:
            job.signals.failed.connect(on_error)
        return self.start(job)

    def active(self) -> list[Job]:
        return list(self._dispatcher.jobs)

    def cancel_all(self) -> None:
        for job in list(self._dispatcher.jobs):
            job.cancel()

    def wait(self, timeout_ms: int = 10000) -> bool:
        return self.pool.waitForDone(timeout_ms)
