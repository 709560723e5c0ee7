"""Live monitoring: notice a token the moment it is saved, and when a copy disappears.

:class:`Watcher` watches the personal locations (history and credential files through their
parent folders, notes/code folders recursively) plus the user's watched folders with watchdog's
native observer (inotify on Linux), falling back to polling for any folder the OS won't let it
watch (e.g. the inotify watch limit). Events are debounced per path (a quiet period, so an
editor's write-temp-then-rename save is read once), filtered to the files a scan would read, and
processed on one worker thread that owns its SQLite connection. Each change to the inventory is
delivered as an :class:`~scanner.inventory.InventoryEvent` to ``on_event`` (on that thread).

Folders that don't exist yet are covered by watching their nearest existing ancestor; when they
appear the watch is re-armed and their content scanned. On start the worker catches up with an
incremental rescan of everything that changed while nobody was watching.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import queue
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from scanner import locations, paths
from scanner.inventory import Inventory, InventoryEvent, path_matches
from scanner.recording import EngineLike, scan_incremental

log = logging.getLogger(__name__)

EVENT_TYPES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]  # fmt: skip  (never opened/closed-without-write: our own reads must not wake us)
MAX_PENDING = 5_000  # more dirty paths than this: one incremental rescan instead
MAX_COOLDOWN_S = 30.0
COOLDOWN_FACTOR = 10.0  # a file that took t seconds to scan is read again after 10 t at most

_WAKE = object()


@dataclass(frozen=True)
class Target:
    """Something to watch: a single file, or a folder (recursively or its direct children)."""

    path: str
    is_dir: bool
    recursive: bool
    kind: str  # location kind: history / credentials / notes / code / folder


def targets_for(home: Path | None = None, extra_folders: Iterable[Path | str] = ()) -> list[Target]:
    found: list[Target] = []
    for loc in locations.personal_locations(home):
        path = os.path.abspath(loc.path)
        found.append(Target(path, loc.recursive, loc.recursive, loc.kind))
    for folder in extra_folders:
        path = os.path.abspath(os.path.expanduser(os.fspath(folder)))
        found.append(Target(path, True, True, "folder"))
    return found


def _nearest_existing(path: str) -> str:
    current = path
    while not os.path.isdir(current):
        parent = os.path.dirname(current)
        if parent == current:
            return current
        current = parent
    return current


def _is_within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class _Handler(FileSystemEventHandler):
    def __init__(self, sink: Callable[[FileSystemEvent], None]) -> None:
        self._sink = sink

    def on_any_event(self, event: FileSystemEvent) -> None:
        self._sink(event)


class Watcher:
    """Watch the personal locations and extra folders; report inventory changes.

    ``on_event`` and ``on_status`` (human-readable notes such as the polling fallback) are called
    on the watcher's worker thread.
    """

    def __init__(
        self,
        inventory_path: Path | None,
        engine: EngineLike,
        on_event: Callable[[InventoryEvent], None],
        *,
        extra_folders: Sequence[Path | str] = (),
        excludes: Sequence[str] = (),
        home: Path | None = None,
        quiet_period: float = 0.2,
        on_status: Callable[[str], None] | None = None,
        polling: bool = False,
        poll_interval: float = 2.0,
        catch_up: bool = True,
    ) -> None:
        self.inventory_path = inventory_path
        self.engine = engine
        self.on_event = on_event
        self.on_status = on_status
        self.home = home
        self.quiet_period = quiet_period
        self.poll_interval = poll_interval
        self.catch_up = catch_up
        self.force_polling = polling
        self.excludes = [os.path.expanduser(e) for e in excludes]
        self.extra_folders = list(extra_folders)
        self.targets = targets_for(home, extra_folders)
        self._own_dirs = [
            str(d) for d in (paths.data_dir(), paths.config_dir(), paths.state_dir(),
                             paths.cache_dir())
        ]  # fmt: skip
        self._queue: queue.Queue[object] = queue.Queue()
        self._handler = _Handler(self._queue.put)
        self._native: BaseObserver | None = None
        self._polling: PollingObserver | None = None
        self._watches: dict[tuple[str, bool], tuple[BaseObserver, ObservedWatch]] = {}
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._paused_until: datetime | None = None
        self._paused = False
        self._idle = threading.Condition()
        self._busy = False
        self._pending: dict[str, float] = {}  # path -> due time (monotonic)
        self._cooldown: dict[str, float] = {}  # path -> earliest next scan
        self._full_rescan = False
        self.fallback_paths: list[str] = []
        self.errors: list[str] = []

    # -- public control -------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("watcher already started")
        Inventory.open(self.inventory_path).close()  # fail here (e.g. SchemaError), not later
        self._stop.clear()
        self._start_observers()
        self._replan()
        self._thread = threading.Thread(target=self._run, name="stowaway-watcher", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._queue.put(_WAKE)
        for observer in (self._native, self._polling):
            if observer is not None:
                observer.stop()
        for observer in (self._native, self._polling):
            if observer is not None and observer.is_alive():
                observer.join(timeout)
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None
        self._native = self._polling = None
        self._watches.clear()

    def pause(self, until: datetime | None = None) -> None:
        """Stop reading files until :meth:`resume` (or ``until``); changes are remembered."""
        self._paused = True
        self._paused_until = until
        self._queue.put(_WAKE)

    def resume(self) -> None:
        self._paused = False
        self._paused_until = None
        self._queue.put(_WAKE)

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait_ready(self, timeout: float = 60.0) -> bool:
        """Wait for the start-up catch-up to finish."""
        return self._ready.wait(timeout)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until every event received so far has been processed (tests, benchmarks).

        While paused, "processed" means noted for later."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while (
                self._busy
                or (self._pending and not self._paused)
                or not self._queue.empty()
                or not self._ready.is_set()
            ):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(min(left, 0.05))
        return True

    # -- observers and watches ------------------------------------------------------------------
    def _start_observers(self) -> None:
        if not self.force_polling:
            try:
                native = Observer()
                native.start()
                self._native = native
            except OSError as exc:
                self._status(f"native file watching unavailable ({exc}); polling instead")
        if self._native is None:
            self._ensure_polling()

    def _ensure_polling(self) -> PollingObserver:
        if self._polling is None:
            self._polling = PollingObserver(timeout=self.poll_interval)
            self._polling.start()
        return self._polling

    def _desired(self) -> set[tuple[str, bool]]:
        wanted: set[tuple[str, bool]] = set()
        for t in self.targets:
            if t.is_dir and os.path.isdir(t.path):
                wanted.add((t.path, t.recursive))
            # the parent notices the target (or the folder holding it) appear and disappear
            wanted.add((_nearest_existing(os.path.dirname(t.path)), False))
        recursive = sorted(p for p, r in wanted if r)
        # a folder inside a recursively watched one is already covered
        return {
            (p, r)
            for p, r in wanted
            if not any(_is_within(p, q) and (p, r) != (q, True) for q in recursive)
        }

    def _replan(self) -> list[str]:
        """Arm watches for folders that appeared, drop those for folders that went away.

        Returns the newly armed folders (so their content can be caught up)."""
        desired = self._desired()
        for key in list(self._watches):
            if key not in desired or not os.path.isdir(key[0]):
                observer, watch = self._watches.pop(key)
                # its emitter may already have stopped when the folder was deleted
                with contextlib.suppress(KeyError, ValueError, OSError):
                    observer.unschedule(watch)
        armed: list[str] = []
        for path, recursive in sorted(desired - set(self._watches)):
            if self._schedule(path, recursive):
                armed.append(path)
        return armed

    def _schedule(self, path: str, recursive: bool) -> bool:
        observer: BaseObserver | None = self._native
        if path in self.fallback_paths:
            observer = None
        if observer is not None:
            try:
                watch = self._schedule_on(observer, path, recursive)
                self._watches[(path, recursive)] = (observer, watch)
                return True
            except OSError as exc:
                if exc.errno == errno.ENOENT or not os.path.isdir(path):
                    return False
                self._explain_fallback(path, exc)
        try:
            polling = self._ensure_polling()
            watch = self._schedule_on(polling, path, recursive)
            self._watches[(path, recursive)] = (polling, watch)
            return True
        except OSError as exc:
            self._error(f"cannot watch {path}: {exc}")
            return False

    def _schedule_on(self, observer: BaseObserver, path: str, recursive: bool) -> ObservedWatch:
        return observer.schedule(self._handler, path, recursive=recursive, event_filter=EVENT_TYPES)

    def _explain_fallback(self, path: str, exc: OSError) -> None:
        self.fallback_paths.append(path)
        if exc.errno == errno.ENOSPC:
            why = (
                "the system's inotify watch limit is reached (raise it with "
                "`sysctl fs.inotify.max_user_watches=524288`)"
            )
        elif exc.errno == errno.EMFILE:
            why = (
                "the system's inotify instance limit is reached (raise "
                "fs.inotify.max_user_instances)"
            )
        else:
            why = str(exc)
        self._status(f"watching {path} by polling every {self.poll_interval:g}s: {why}")

    def _status(self, message: str) -> None:
        log.warning("%s", message)
        if self.on_status is not None:
            self.on_status(message)

    def _error(self, message: str) -> None:
        self.errors.append(message)
        self._status(message)

    # -- filtering ------------------------------------------------------------------------------
    def _excluded(self, path: str) -> bool:
        if any(_is_within(path, own) for own in self._own_dirs):
            return True
        return any(path_matches(glob, path) for glob in self.excludes)

    def _wanted_file(self, path: str) -> bool:
        """Would a scan of the watched locations read this file?"""
        if self._excluded(path):
            return False
        name = os.path.basename(path)
        for t in self.targets:
            if not t.is_dir:
                if path == t.path:
                    return True
                continue
            if not _is_within(path, t.path) or path == t.path:
                continue
            rel_parts = os.path.relpath(path, t.path).split(os.sep)
            if not t.recursive and len(rel_parts) > 1:
                continue
            if self._excluded_inside(rel_parts):
                continue
            if locations.excluded_extension(name):
                continue
            parent = rel_parts[-2] if len(rel_parts) > 1 else os.path.basename(t.path)
            if locations.wanted_in(t.kind, name, parent):
                return True
        return False

    @staticmethod
    def _excluded_inside(rel_parts: list[str]) -> bool:
        for i, part in enumerate(rel_parts[:-1]):
            if part in locations.EXCLUDED_DIR_NAMES:
                keep = locations.KEEP_INSIDE.get(part, ())
                return "/".join(rel_parts[i + 1 :]) not in keep
        return False

    def _relevant_dir(self, path: str) -> bool:
        """A folder event that matters: inside a watched folder, or on the way to a target."""
        if self._excluded(path):
            return False
        for t in self.targets:
            if _is_within(t.path, path):  # an ancestor of (or the) target
                return True
            if t.is_dir and _is_within(path, t.path):
                rel = os.path.relpath(path, t.path).split(os.sep)
                if (t.recursive or len(rel) == 1) and not self._excluded_inside([*rel, ""]):
                    return True
        return False

    def walk_wanted(self, roots: Iterable[str]) -> Iterator[Path]:
        """Files under ``roots`` the watcher cares about (an os.walk pruned like the scan)."""
        for root in roots:
            if os.path.isfile(root):
                if self._wanted_file(root):
                    yield Path(root)
                continue
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = [
                    d for d in dirnames
                    if not self._excluded(os.path.join(dirpath, d))
                    and (d not in locations.EXCLUDED_DIR_NAMES or locations.KEEP_INSIDE.get(d))
                ]  # fmt: skip
                for name in filenames:
                    full = os.path.join(dirpath, name)
                    if self._wanted_file(full) and os.path.isfile(full):
                        yield Path(full)

    # -- the worker -----------------------------------------------------------------------------
    def _run(self) -> None:
        inventory = Inventory.open(self.inventory_path)
        try:
            if self.catch_up:
                self._set_busy(True)
                try:
                    self._catch_up(inventory)
                except Exception as exc:  # keep watching; report
                    self._error(f"catch-up scan failed: {type(exc).__name__}: {exc}")
            self._ready.set()
            self._set_busy(False)
            self._loop(inventory)
        finally:
            inventory.close()
            self._ready.set()
            self._set_busy(False)

    def _catch_up(self, inventory: Inventory, roots: Sequence[str] | None = None) -> None:
        files: Iterable[Path]
        if roots is None:
            root_list = [t.path for t in self.targets]
            personal = self.engine.iter_files(None)
            extra = self.walk_wanted(os.path.abspath(str(f)) for f in self.extra_folders)
            files = (p for it in (personal, extra) for p in it if not self._excluded(str(p)))
        else:
            root_list = list(roots)
            files = self.walk_wanted(root_list)
        scan_incremental(
            self.engine, inventory, [Path(r) for r in root_list], files=files,
            on_event=self._deliver, kind="watch", cancel=self._stop,
        )  # fmt: skip

    def _deliver(self, event: InventoryEvent) -> None:
        try:
            self.on_event(event)
        except Exception:
            log.exception("watcher event callback failed")

    def _set_busy(self, busy: bool) -> None:
        with self._idle:
            self._busy = busy
            self._idle.notify_all()

    def _loop(self, inventory: Inventory) -> None:
        while not self._stop.is_set():
            timeout = self._next_timeout()
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                item = None
            self._set_busy(True)
            try:
                items = [item] if item is not None else []
                while True:
                    try:
                        items.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                for it in items:
                    if isinstance(it, FileSystemEvent):
                        self._note(it)
                until = self._paused_until
                if self._paused and until is not None and datetime.now(UTC) >= until:
                    self.resume()
                if not self._paused and not self._stop.is_set():
                    self._process_due(inventory)
            except Exception as exc:
                self._error(f"watcher error: {type(exc).__name__}: {exc}")
            finally:
                self._set_busy(False)

    def _next_timeout(self) -> float | None:
        """Block until the next due path (or pause end); forever when there is nothing to do."""
        if self._paused:
            if self._paused_until is None:
                return None
            return max(0.0, (self._paused_until - datetime.now(UTC)).total_seconds())
        if self._full_rescan:
            return 0.0
        if not self._pending:
            return None
        return max(0.0, min(self._pending.values()) - time.monotonic())

    def _mark(self, path: str) -> None:
        due = time.monotonic() + self.quiet_period
        due = max(due, self._cooldown.get(path, 0.0))
        self._pending[path] = due
        if len(self._pending) > MAX_PENDING:
            self._pending.clear()
            self._full_rescan = True

    def _note(self, event: FileSystemEvent) -> None:
        paths_ = [os.fsdecode(event.src_path)]
        if isinstance(event, FileMovedEvent | DirMovedEvent) and event.dest_path:
            paths_.append(os.fsdecode(event.dest_path))
        for p in paths_:
            if event.is_directory or isinstance(event, DirDeletedEvent):
                if self._relevant_dir(p):
                    self._mark(p)
            elif self._wanted_file(p):
                self._mark(p)
            elif any(_is_within(t.path, p) for t in self.targets):
                self._mark(p)  # e.g. a folder on a target's path deleted: seen as a file event

    def _process_due(self, inventory: Inventory) -> None:
        if self._full_rescan:
            self._full_rescan = False
            self._replan()
            self._catch_up(inventory)
            return
        now = time.monotonic()
        due = sorted(p for p, t in self._pending.items() if t <= now)
        if not due:
            return
        for p in due:
            self._pending.pop(p, None)
        structural = [p for p in due if any(_is_within(t.path, p) for t in self.targets)]
        armed = self._replan() if structural else []
        for p in due:
            if self._stop.is_set():
                return
            self._process(inventory, p)
        for folder in armed:  # folders that just appeared: read what is already in them
            for t in self.targets:
                if _is_within(t.path, folder) and (t.is_dir or os.path.dirname(t.path) == folder):
                    self._catch_up(inventory, [t.path])

    def _process(self, inventory: Inventory, path: str) -> None:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            for event in inventory.mark_tree_gone(path):
                self._deliver(event)
            return
        except OSError as exc:
            self._error(f"cannot read {path}: {exc}")
            return
        if stat.S_ISDIR(st.st_mode):
            if self._relevant_dir(path):
                self._catch_up(inventory, [path])
            return
        if not self._wanted_file(path):
            return
        current = _Stat(st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)
        if not inventory.needs_rescan(path, current):
            return
        started = time.monotonic()
        scan = self.engine.scan_file(Path(path))
        spent = time.monotonic() - started
        self._cooldown[path] = time.monotonic() + min(MAX_COOLDOWN_S, spent * COOLDOWN_FACTOR)
        if len(self._cooldown) > MAX_PENDING:
            horizon = time.monotonic()
            self._cooldown = {k: v for k, v in self._cooldown.items() if v > horizon}
        for event in inventory.apply_file_scan(scan):
            self._deliver(event)


@dataclass(frozen=True)
class _Stat:
    size: int
    mtime_ns: int
    inode: int
    device: int


def describe(event: InventoryEvent) -> str:
    """One line for a terminal (the message is already redacted)."""
    when = event.at.astimezone().strftime("%H:%M:%S")
    return f"{when} {event.kind:<16} {event.message}"
