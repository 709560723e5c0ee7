"""Glue between the engine and the inventory: record scans, rescan incrementally.

* :class:`Recorder` is an ``on_file`` hook for ``Engine.scan``: it records every scanned file in
  the inventory (batched, thread-safe) and, when the scan finishes uncancelled, marks files that
  were indexed under the scanned roots but no longer exist as gone.
* :func:`scan_incremental` walks like the engine does but reads only files whose size, mtime,
  inode or device changed since they were recorded; used by ``stowaway scan --incremental``, the
  watcher's catch-up on start and the GUI's "rescan".
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from scanner.inventory import Inventory, InventoryEvent
from scanner.inventory.store import FileScanLike
from scanner.model import Finding

BATCH = 256  # file scans per inventory transaction


class EngineLike(Protocol):
    """The part of ``scanner.scan.Engine`` recording needs."""

    def scan_file(self, path: Path) -> Any: ...
    def iter_files(self, paths: Iterable[Path] | None = None) -> Iterator[Path]: ...


@dataclass
class RecordingResult:
    """What a recorded scan found and changed (``findings`` are of the files read this time)."""

    roots: list[str]
    files_seen: int = 0
    files_scanned: int = 0
    bytes_scanned: int = 0
    findings: list[Finding] = field(default_factory=list)
    issues: list[Any] = field(default_factory=list)  # the engine's ScanIssue records
    events: list[InventoryEvent] = field(default_factory=list)
    files_gone: int = 0
    duration_s: float = 0.0
    cancelled: bool = False


def default_roots(home: Path | None = None) -> list[Path]:
    """The personal locations plus the user's watched folders (from settings)."""
    from scanner import locations, settings

    roots = [loc.path for loc in locations.personal_locations(home)]
    conf, _problem = settings.load_or_default()
    roots += conf.watched_paths()
    return roots


def _norm(path: str | Path) -> str:
    text = os.fspath(path)
    return text if os.path.isabs(text) and "/." not in text else os.path.abspath(text)


def _walk_strings(engine: Any, roots: Sequence[Path]) -> Iterable[str | Path]:
    """The engine's walk as plain strings when it offers that (saves a Path per file, which is
    a third of a no-change rescan), else its public ``iter_files``."""
    walker_factory = getattr(engine, "_walker", None)
    if walker_factory is not None:
        try:
            walker, _roots = walker_factory(roots)
            return (item.path for item in walker)
        except TypeError:
            pass
    return engine.iter_files(roots)


class Recorder:
    """Record an engine scan into the inventory: pass :meth:`on_file` as the scan's hook.

    Safe to call from the engine's worker threads; writes are batched in transactions.
    """

    def __init__(
        self,
        inventory: Inventory,
        roots: Sequence[str | Path],
        *,
        on_event: Callable[[InventoryEvent], None] | None = None,
    ) -> None:
        self.inventory = inventory
        self.roots = [_norm(r) for r in roots]
        self.on_event = on_event
        self.events: list[InventoryEvent] = []
        self.seen: set[str] = set()
        self.started = datetime.now(UTC)
        self._pending: list[FileScanLike] = []
        self._lock = threading.Lock()

    def on_file(self, scan: FileScanLike) -> None:
        with self._lock:
            self.seen.add(_norm(scan.path))
            self._pending.append(scan)
            if len(self._pending) >= BATCH:
                self._flush()

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        if not pending:
            return
        new: list[InventoryEvent] = []
        with self.inventory.transaction():
            for scan in pending:
                new += self.inventory.apply_file_scan(scan)
        self._publish(new)

    def _publish(self, new: list[InventoryEvent]) -> None:
        self.events += new
        if self.on_event is not None:
            for event in new:
                self.on_event(event)

    def finish(
        self, *, cancelled: bool = False, files_scanned: int | None = None, findings: int = 0
    ) -> list[InventoryEvent]:
        """Flush, mark vanished files gone (unless cancelled), log the run; returns all events."""
        with self._lock:
            self._flush()
            if not cancelled:
                gone: list[InventoryEvent] = []
                with self.inventory.transaction():
                    for path in self.inventory.index_snapshot(self.roots):
                        if path not in self.seen:
                            gone += self.inventory.mark_file_gone(path)
                self._publish(gone)
            self.inventory.record_scan_run(
                started_at=self.started,
                finished_at=datetime.now(UTC),
                kind="full",
                roots=self.roots,
                files_scanned=len(self.seen) if files_scanned is None else files_scanned,
                findings=findings,
                cancelled=cancelled,
            )
            return list(self.events)


def record_scan(
    engine: Any,
    inventory: Inventory,
    paths: Sequence[Path] | None = None,
    *,
    on_progress: Callable[[Any], None] | None = None,
    on_event: Callable[[InventoryEvent], None] | None = None,
    cancel: threading.Event | None = None,
) -> tuple[Any, list[InventoryEvent]]:
    """A full ``engine.scan`` recorded into the inventory. Returns (ScanResult, events)."""
    roots = list(paths) if paths else default_roots()
    recorder = Recorder(inventory, roots, on_event=on_event)
    result = engine.scan(
        list(paths) if paths else None,
        on_progress=on_progress,
        on_file=recorder.on_file,
        cancel=cancel,
    )
    events = recorder.finish(
        cancelled=bool(result.cancelled),
        files_scanned=result.files_scanned,
        findings=len(result.findings),
    )
    return result, events


def scan_incremental(
    engine: EngineLike,
    inventory: Inventory,
    paths: Sequence[Path] | None = None,
    *,
    cancel: threading.Event | None = None,
    on_event: Callable[[InventoryEvent], None] | None = None,
    kind: str = "incremental",
    files: Iterable[Path] | None = None,
) -> RecordingResult:
    """Rescan only what changed under ``paths`` (default: personal locations + watched folders).

    A file is read again when its size, mtime, inode or device differ from the index; indexed
    files under the roots that the walk no longer yields are marked gone.
    """
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    roots = list(paths) if paths else default_roots()
    result = RecordingResult(roots=[_norm(r) for r in roots])
    snapshot = inventory.index_snapshot(result.roots)
    seen: set[str] = set()
    batch: list[Any] = []

    def flush() -> None:
        if not batch:
            return
        new: list[InventoryEvent] = []
        with inventory.transaction():
            for scan in batch:
                new += inventory.apply_file_scan(scan)
        batch.clear()
        result.events += new
        if on_event is not None:
            for event in new:
                on_event(event)

    walk: Iterable[str | Path] = _walk_strings(engine, roots) if files is None else files
    for path in walk:
        if cancel is not None and cancel.is_set():
            result.cancelled = True
            break
        key = _norm(path)
        try:
            st = os.stat(key)
        except OSError:
            continue  # vanished since the walk: handled as gone below if it was indexed
        seen.add(key)
        result.files_seen += 1
        if snapshot.get(key) == (st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev):
            continue
        scan = engine.scan_file(Path(key))
        result.files_scanned += 1
        if scan.stat is not None and scan.issue is None:
            result.bytes_scanned += scan.stat.size
        result.findings += list(scan.findings)
        if scan.issue is not None:
            result.issues.append(scan.issue)
        batch.append(scan)
        if len(batch) >= BATCH:
            flush()
    flush()
    if not result.cancelled:
        gone: list[InventoryEvent] = []
        with inventory.transaction():
            for path_str in snapshot:
                if path_str not in seen:
                    gone += inventory.mark_file_gone(path_str)
                    result.files_gone += 1
        result.events += gone
        if on_event is not None:
            for event in gone:
                on_event(event)
    result.duration_s = time.perf_counter() - t0
    inventory.record_scan_run(
        started_at=started,
        finished_at=datetime.now(UTC),
        kind=kind,
        roots=result.roots,
        files_scanned=result.files_scanned,
        findings=len(result.findings),
        cancelled=result.cancelled,
    )
    return result


def cli_hook(args: Any, engine: Any) -> tuple[Any, Any]:
    """``stowaway scan``'s recording hook: ``(on_file, finish)``, or ``(None, None)`` if the
    inventory can't be opened (the scan still runs and says why it wasn't saved)."""
    import sys

    from scanner import locations
    from scanner.inventory import SchemaError

    try:
        inventory = Inventory.open()
    except (SchemaError, OSError, sqlite3.Error) as exc:
        print(f"stowaway scan: results not saved to the inventory: {exc}", file=sys.stderr)
        return None, None
    paths_ = list(getattr(args, "paths", None) or [])
    roots = [Path(p) for p in paths_] if paths_ else [
        loc.path for loc in locations.personal_locations()
    ]  # fmt: skip
    recorder = Recorder(inventory, roots)

    def finish(result: Any) -> None:
        try:
            events = recorder.finish(
                cancelled=bool(result.cancelled),
                files_scanned=result.files_scanned,
                findings=len(result.findings),
            )
        finally:
            inventory.close()
        summary = summarize(events)
        if summary:
            print(f"inventory: {summary}", file=sys.stderr)

    return recorder.on_file, finish


def summarize(events: Sequence[InventoryEvent]) -> str:
    """``2 new credentials, 1 more copy, 3 copies gone`` (empty when nothing changed)."""
    counts: dict[str, int] = {}
    for event in events:
        counts[event.kind] = counts.get(event.kind, 0) + 1
    parts = []
    # a new credential's event carries its first copy: other new copies are "more" copies then
    more = "more" if counts.get("new_credential") else "new"
    for kind, one, many in (
        ("new_credential", "new credential", "new credentials"),
        ("new_exposure", f"{more} copy", f"{more} copies"),
        ("exposure_gone", "copy gone", "copies gone"),
    ):
        n = counts.get(kind, 0)
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts)
