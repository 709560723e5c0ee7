"""The inventory database: credentials, where their copies are, what changed.

One :class:`Inventory` wraps one SQLite connection; its methods are serialised by a lock so the
object may be shared between threads, though each long-lived thread (the watcher, the GUI) usually
opens its own. The file is created ``0600`` in a ``0700`` directory; SQLite gives the ``-wal`` and
``-shm`` files the same mode.
"""

from __future__ import annotations

import fnmatch
import os
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from scanner import paths
from scanner.inventory import schema
from scanner.inventory.models import (
    Credential,
    CredentialState,
    EventKind,
    Exposure,
    ExposureState,
    IgnoreRule,
    InventoryEvent,
    InventoryStats,
)
from scanner.inventory.timestamps import from_db as _dt
from scanner.inventory.timestamps import now_utc
from scanner.inventory.timestamps import to_db as _ts
from scanner.model import Finding

DB_NAME = "inventory.sqlite3"
MAX_EVENTS = 20_000  # older history is pruned on open
# the file was read in full despite the issue (e.g. invalid UTF-8), so its findings are complete
RECONCILE_WITH_ISSUE = frozenset({"decode"})
# skipped by design (size cap, binary): indexed so an unchanged file isn't looked at again
INDEX_WITHOUT_READING = frozenset({"too_large", "binary"})


class FileStatLike(Protocol):
    @property
    def size(self) -> int: ...
    @property
    def mtime_ns(self) -> int: ...
    @property
    def inode(self) -> int: ...
    @property
    def device(self) -> int: ...


class IssueLike(Protocol):
    @property
    def kind(self) -> str: ...


class FileScanLike(Protocol):
    """What the engine's ``FileScan`` provides (kept structural so the store stays decoupled)."""

    @property
    def path(self) -> str: ...
    @property
    def file_kind(self) -> str: ...
    @property
    def stat(self) -> FileStatLike | None: ...
    @property
    def content_hash(self) -> str | None: ...
    @property
    def findings(self) -> Sequence[Finding]: ...
    @property
    def issue(self) -> IssueLike | None: ...


class InventoryError(RuntimeError):
    """A bad request to the inventory (unknown id, invalid field value)."""


def default_path() -> Path:
    return paths.data_dir() / DB_NAME


def _dt_req(value: str) -> datetime:
    return datetime.fromisoformat(value)


def path_matches(glob: str, path: str) -> bool:
    """An ignore glob matches the path itself or, for a folder, anything beneath it.

    ``*`` also matches ``/`` (``fnmatch`` semantics), so ``*/node_modules/*`` works anywhere.
    """
    return fnmatch.fnmatchcase(path, glob) or fnmatch.fnmatchcase(path, glob.rstrip("/") + "/*")


def _like_prefix(root: str) -> str:
    escaped = root.rstrip("/").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "/%"


def _create_private_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        os.close(fd)
    if os.name == "posix" and (path.stat().st_mode & 0o077):
        os.chmod(path, 0o600)


_CRED_COLUMNS = (
    "c.id, c.fingerprint, c.rule_id, c.rule_name, c.provider, c.preview, c.persistence, "
    "c.confidence, c.informational, c.state, c.owner, c.notes, c.expires_at, c.rotation_days, "
    "c.last_rotated_at, c.first_seen, c.last_seen"
)
_CRED_QUERY = f"""
SELECT {_CRED_COLUMNS},
       (SELECT count(*) FROM exposure e WHERE e.credential_id = c.id AND e.state = 'present'),
       (SELECT group_concat(k, ',') FROM (SELECT DISTINCT e.file_kind AS k FROM exposure e
         WHERE e.credential_id = c.id AND e.state = 'present' ORDER BY k))
FROM credential c
"""
_EXPOSED_SQL = (
    "c.state IN ('active', 'migrated') AND c.informational = 0 AND EXISTS "
    "(SELECT 1 FROM exposure e WHERE e.credential_id = c.id AND e.state = 'present')"
)
_EXPOSURE_COLUMNS = (
    "id, credential_id, path, line, col, end_line, end_col, file_kind, first_seen, last_seen, state"
)
_UPDATABLE = {"owner", "notes", "expires_at", "rotation_days", "last_rotated_at", "state"}


def _credential(row: Sequence[Any]) -> Credential:
    kinds = tuple(row[18].split(",")) if row[18] else ()
    return Credential(
        id=row[0],
        fingerprint=row[1],
        rule_id=row[2],
        rule_name=row[3],
        provider=row[4],
        preview=row[5],
        persistence=row[6],
        confidence=row[7],
        informational=bool(row[8]),
        state=CredentialState(row[9]),
        owner=row[10],
        notes=row[11],
        expires_at=_dt(row[12]),
        rotation_days=row[13],
        last_rotated_at=_dt(row[14]),
        first_seen=_dt_req(row[15]),
        last_seen=_dt_req(row[16]),
        present_copies=row[17],
        file_kinds=kinds,
    )


def _exposure(row: Sequence[Any]) -> Exposure:
    return Exposure(
        id=row[0],
        credential_id=row[1],
        path=row[2],
        line=row[3],
        column=row[4],
        end_line=row[5],
        end_column=row[6],
        file_kind=row[7],
        first_seen=_dt_req(row[8]),
        last_seen=_dt_req(row[9]),
        state=ExposureState(row[10]),
    )


def _event(row: Sequence[Any]) -> InventoryEvent:
    return InventoryEvent(
        id=row[0],
        at=_dt_req(row[1]),
        kind=row[2],
        credential_id=row[3],
        exposure_id=row[4],
        path=row[5],
        message=row[6],
    )


class Inventory:
    """The credential inventory. Open with :meth:`open`; use as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0
        self._pending: list[InventoryEvent] = []

    # -- lifecycle ------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | None = None, *, migrate: bool = True) -> Inventory:
        """Open (creating if needed) and upgrade the inventory; default path in the data dir."""
        db_path = Path(path) if path is not None else default_path()
        _create_private_file(db_path)
        conn = sqlite3.connect(db_path, timeout=15.0, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout = 15000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA secure_delete = ON")  # deleted rows don't linger in free pages
            if migrate:
                schema.migrate(conn)
        except BaseException:
            conn.close()
            raise
        inventory = cls(conn, db_path)
        if migrate:
            inventory._prune_events()
        return inventory

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Inventory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Inventory({str(self.path)!r})"

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several changes in one write transaction (nestable; the outermost commits)."""
        with self._lock:
            if self._depth == 0:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._conn.execute("ROLLBACK")
                    self._pending.clear()
                raise
            self._depth -= 1
            if self._depth == 0:
                self._conn.execute("COMMIT")
                self._pending.clear()

    @contextmanager
    def write_transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock and inside one (nestable) write transaction: for
        modules keeping their own tables in this database (incidents). Rolled back on error."""
        with self._lock, self.transaction():
            yield self._conn

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Rows of one read-only statement, run under the lock."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _q(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self._conn.execute(sql, params).fetchall()

    def _emit(
        self,
        kind: EventKind,
        message: str,
        *,
        credential_id: int | None = None,
        exposure_id: int | None = None,
        path: str | None = None,
        at: datetime | None = None,
    ) -> InventoryEvent:
        when = at or now_utc()
        cur = self._conn.execute(
            "INSERT INTO event(at, kind, credential_id, exposure_id, path, message) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (_ts(when), kind.value, credential_id, exposure_id, path, message),
        )
        event = InventoryEvent(
            id=int(cur.lastrowid or 0),
            at=when,
            kind=kind.value,
            credential_id=credential_id,
            exposure_id=exposure_id,
            path=path,
            message=message,
        )
        return event

    def _prune_events(self) -> None:
        with self._lock:
            row = self._q("SELECT max(id) FROM event")[0]
            if row[0] is not None and row[0] > MAX_EVENTS:
                with self.transaction():
                    self._conn.execute("DELETE FROM event WHERE id <= ?", (row[0] - MAX_EVENTS,))

    # -- the file index -------------------------------------------------------------------------
    def needs_rescan(self, path: str, stat: FileStatLike) -> bool:
        """True when the file is new to the index or its size, mtime, inode or device changed."""
        with self._lock:
            rows = self._q(
                "SELECT size, mtime_ns, inode, device FROM file_index WHERE path = ?", (path,)
            )
        if not rows:
            return True
        return tuple(rows[0]) != (stat.size, stat.mtime_ns, stat.inode, stat.device)

    def index_snapshot(
        self, roots: Iterable[str] | None = None
    ) -> dict[str, tuple[int, int, int, int]]:
        """``path -> (size, mtime_ns, inode, device)`` for indexed files (under ``roots``)."""
        sql = "SELECT path, size, mtime_ns, inode, device FROM file_index"
        with self._lock:
            if roots is None:
                rows = self._q(sql)
            else:
                rows = []
                for root in roots:
                    rows += self._q(
                        sql + " WHERE path = ? OR path LIKE ? ESCAPE '\\'",
                        (root.rstrip("/") or "/", _like_prefix(root)),
                    )
        return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}

    def forget_file(self, path: str) -> None:
        """Drop a file from the index so the next incremental scan reads it again."""
        with self._lock, self.transaction():
            self._conn.execute("DELETE FROM file_index WHERE path = ?", (path,))

    # -- recording scans ------------------------------------------------------------------------
    def apply_file_scan(self, scan: FileScanLike) -> list[InventoryEvent]:
        """Reconcile the inventory with a fresh scan of one file; returns what changed.

        The scan is authoritative for that file: copies no longer found become ``gone``, new
        ones are added, moved ones (lines inserted above) keep their identity. A file the engine
        could not read leaves its recorded copies untouched and stays due for a rescan.
        """
        issue = scan.issue
        if issue is not None:
            if issue.kind == "vanished":
                return self.mark_file_gone(scan.path)
            if issue.kind in INDEX_WITHOUT_READING and scan.stat is not None:
                # skipped on purpose and stable: don't retry until the file changes
                with self._lock, self.transaction():
                    self._index(scan, scan.stat, now_utc())
                return []
            if issue.kind not in RECONCILE_WITH_ISSUE:
                return []
        stat = scan.stat
        if stat is None:
            return []
        now = now_utc()
        with self._lock, self.transaction():
            self._index(scan, stat, now)
            findings: Sequence[Finding] = scan.findings
            ignored_path = any(path_matches(g, scan.path) for g in self._ignore_globs())
            if ignored_path:
                findings = ()
            return self._reconcile(scan.path, findings, now, ignored_path=ignored_path)

    def _index(self, scan: FileScanLike, stat: FileStatLike, now: datetime) -> None:
        self._conn.execute(
            "INSERT INTO file_index(path, size, mtime_ns, inode, device, content_hash, "
            "last_scanned) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET "
            "size=excluded.size, mtime_ns=excluded.mtime_ns, inode=excluded.inode, "
            "device=excluded.device, content_hash=excluded.content_hash, "
            "last_scanned=excluded.last_scanned",
            (
                scan.path,
                stat.size,
                stat.mtime_ns,
                stat.inode,
                stat.device,
                scan.content_hash,
                _ts(now),
            ),
        )

    def _reconcile(
        self, path: str, findings: Sequence[Finding], now: datetime, *, ignored_path: bool
    ) -> list[InventoryEvent]:
        events: list[InventoryEvent] = []
        by_fp: dict[str, list[Finding]] = defaultdict(list)
        seen: set[tuple[str, int, int]] = set()
        for f in sorted(findings, key=lambda f: (f.line, f.column)):
            key = (f.fingerprint, f.line, f.column)
            if key not in seen:
                seen.add(key)
                by_fp[f.fingerprint].append(f)
        rows = self._q(
            "SELECT e.id, e.line, e.col, e.state, c.fingerprint FROM exposure e "
            "JOIN credential c ON c.id = e.credential_id WHERE e.path = ? "
            "AND e.state IN ('present', 'gone') ORDER BY e.line, e.col, e.id",
            (path,),
        )
        present: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        gone: dict[str, list[int]] = defaultdict(list)
        for exp_id, line, col, state, fp in rows:
            if state == "present":
                present[fp].append((exp_id, line, col))
            else:
                gone[fp].append(exp_id)
        fp_rules = self._ignored_fingerprints()
        for fp, group in by_fp.items():
            cred_id, created = self._upsert_credential(group[0], now, fp in fp_rules)
            if created:
                events.append(
                    self._emit(
                        EventKind.NEW_CREDENTIAL,
                        f"new {group[0].rule_name} {group[0].preview} in {path}:{group[0].line}",
                        credential_id=cred_id,
                        path=path,
                        at=now,
                    )
                )
            olds = present.pop(fp, [])
            # exact positions first, then the rest in file order (lines shifted by an edit)
            unmatched: list[Finding] = []
            for f in group:
                hit = next((o for o in olds if o[1] == f.line and o[2] == f.column), None)
                if hit is not None:
                    olds.remove(hit)
                    self._touch_exposure(hit[0], f, now)
                else:
                    unmatched.append(f)
            for f in unmatched:
                if olds:
                    self._touch_exposure(olds.pop(0)[0], f, now)
                    continue
                revive = gone[fp].pop(0) if gone.get(fp) else None
                if revive is not None:
                    self._touch_exposure(revive, f, now, revive=True)
                    exp_id = revive
                else:
                    cur = self._conn.execute(
                        "INSERT INTO exposure(credential_id, path, line, col, end_line, end_col, "
                        "file_kind, first_seen, last_seen, state) VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (
                            cred_id,
                            path,
                            f.line,
                            f.column,
                            f.end_line,
                            f.end_column,
                            f.file_kind,
                            _ts(now),
                            _ts(now),
                            "present",
                        ),
                    )
                    exp_id = int(cur.lastrowid or 0)
                if (
                    created
                    and events
                    and events[-1].exposure_id is None
                    and (events[-1].credential_id == cred_id)
                ):
                    # one event per copy: the first copy of a new credential is that event
                    first = events.pop()
                    self._conn.execute(
                        "UPDATE event SET exposure_id = ? WHERE id = ?", (exp_id, first.id)
                    )
                    events.append(
                        InventoryEvent(
                            first.id, first.at, first.kind, cred_id, exp_id, path, first.message
                        )
                    )
                    continue
                events.append(
                    self._emit(
                        EventKind.NEW_EXPOSURE,
                        f"{f.rule_name} {f.preview} copied to {path}:{f.line}",
                        credential_id=cred_id,
                        exposure_id=exp_id,
                        path=path,
                        at=now,
                    )
                )
            for exp_id, line, _col in olds:
                events.append(self._gone(exp_id, cred_id, path, line, now, ignored_path))
        for fp, olds in present.items():
            cred_row = self._q("SELECT id FROM credential WHERE fingerprint = ?", (fp,))
            for exp_id, line, _col in olds:
                events.append(self._gone(exp_id, cred_row[0][0], path, line, now, ignored_path))
        return events

    def _gone(
        self, exp_id: int, cred_id: int, path: str, line: int, now: datetime, ignored: bool
    ) -> InventoryEvent:
        self._conn.execute(
            "UPDATE exposure SET state = 'gone', last_seen = ? WHERE id = ?", (_ts(now), exp_id)
        )
        name, preview = self._q(
            "SELECT rule_name, preview FROM credential WHERE id = ?", (cred_id,)
        )[0]
        left = self._q(
            "SELECT count(*) FROM exposure WHERE credential_id = ? AND state = 'present'",
            (cred_id,),
        )[0][0]
        why = "path ignored" if ignored else "removed"
        tail = "; no plaintext copies left" if left == 0 else f"; {left} copies left"
        return self._emit(
            EventKind.EXPOSURE_GONE,
            f"{name} {preview} {why} at {path}:{line}{tail}",
            credential_id=cred_id,
            exposure_id=exp_id,
            path=path,
            at=now,
        )

    def _touch_exposure(self, exp_id: int, f: Finding, now: datetime, revive: bool = False) -> None:
        self._conn.execute(
            "UPDATE exposure SET line=?, col=?, end_line=?, end_col=?, file_kind=?, last_seen=?"
            + (", state='present', first_seen=?" if revive else "")
            + " WHERE id=?",
            (f.line, f.column, f.end_line, f.end_column, f.file_kind, _ts(now))
            + ((_ts(now),) if revive else ())
            + (exp_id,),
        )

    def _upsert_credential(self, f: Finding, now: datetime, ignored: bool) -> tuple[int, bool]:
        rows = self._q(
            "SELECT id, expires_at FROM credential WHERE fingerprint = ?", (f.fingerprint,)
        )
        if rows:
            cred_id, expires = rows[0]
            self._conn.execute(
                "UPDATE credential SET last_seen = ?, expires_at = coalesce(expires_at, ?) "
                "WHERE id = ?",
                (_ts(now), _ts(f.expires_at) if expires is None else expires, cred_id),
            )
            return int(cred_id), False
        cur = self._conn.execute(
            "INSERT INTO credential(fingerprint, rule_id, rule_name, provider, preview, "
            "persistence, confidence, informational, state, expires_at, first_seen, last_seen) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                f.fingerprint,
                f.rule_id,
                f.rule_name,
                f.provider,
                f.preview,
                str(f.persistence),
                str(f.confidence),
                int(f.informational),
                "ignored" if ignored else "active",
                _ts(f.expires_at),
                _ts(now),
                _ts(now),
            ),
        )
        return int(cur.lastrowid or 0), True

    def mark_file_gone(self, path: str) -> list[InventoryEvent]:
        """The file was deleted or moved away: its present copies become ``gone``."""
        return self._mark_gone("e.path = ?", (path,), "path = ?", (path,))

    def mark_tree_gone(self, root: str) -> list[InventoryEvent]:
        """A folder disappeared: every copy in a file at or under ``root`` becomes ``gone``."""
        root = root.rstrip("/") or "/"
        where = "(e.path = ? OR e.path LIKE ? ESCAPE '\\')"
        params = (root, _like_prefix(root))
        return self._mark_gone(where, params, where.replace("e.path", "path"), params)

    def _mark_gone(
        self, where: str, params: tuple[str, ...], index_where: str, index_params: tuple[str, ...]
    ) -> list[InventoryEvent]:
        now = now_utc()
        events: list[InventoryEvent] = []
        with self._lock, self.transaction():
            rows = self._q(
                f"SELECT e.id, e.credential_id, e.path, e.line FROM exposure e "
                f"WHERE {where} AND e.state = 'present' ORDER BY e.path, e.line",
                params,
            )
            for exp_id, cred_id, path, line in rows:
                events.append(self._gone(exp_id, cred_id, path, line, now, False))
            self._conn.execute(f"DELETE FROM file_index WHERE {index_where}", index_params)
        return events

    def record_scan_run(
        self,
        *,
        started_at: datetime,
        finished_at: datetime,
        kind: str,
        roots: Sequence[str],
        files_scanned: int,
        findings: int,
        cancelled: bool = False,
    ) -> None:
        """Log a finished scan (``kind``: full / incremental / watch) for stats and the UI."""
        with self._lock, self.transaction():
            self._conn.execute(
                "INSERT INTO scan_run(started_at, finished_at, kind, roots, files_scanned, "
                "findings, cancelled) VALUES (?,?,?,?,?,?,?)",
                (
                    _ts(started_at),
                    _ts(finished_at),
                    kind,
                    "\n".join(roots),
                    files_scanned,
                    findings,
                    int(cancelled),
                ),
            )

    # -- queries --------------------------------------------------------------------------------
    def credentials(
        self,
        *,
        state: CredentialState | None = None,
        provider: str | None = None,
        exposed_only: bool = False,
    ) -> list[Credential]:
        where: list[str] = []
        params: list[Any] = []
        if state is not None:
            where.append("c.state = ?")
            params.append(CredentialState(state).value)
        if provider is not None:
            where.append("lower(c.provider) = lower(?)")
            params.append(provider)
        if exposed_only:
            where.append(_EXPOSED_SQL)
        sql = _CRED_QUERY + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY c.first_seen, c.id"
        with self._lock:
            return [_credential(r) for r in self._q(sql, params)]

    def credential(self, credential_id: int) -> Credential | None:
        with self._lock:
            rows = self._q(_CRED_QUERY + " WHERE c.id = ?", (credential_id,))
        return _credential(rows[0]) if rows else None

    def credential_by_fingerprint(self, fingerprint: str) -> Credential | None:
        with self._lock:
            rows = self._q(_CRED_QUERY + " WHERE c.fingerprint = ?", (fingerprint,))
        return _credential(rows[0]) if rows else None

    def exposures(self, credential_id: int, *, include_gone: bool = False) -> list[Exposure]:
        sql = f"SELECT {_EXPOSURE_COLUMNS} FROM exposure WHERE credential_id = ?"
        if not include_gone:
            sql += " AND state = 'present'"
        sql += " ORDER BY path, line, col"
        with self._lock:
            return [_exposure(r) for r in self._q(sql, (credential_id,))]

    def exposures_in(self, path: str, *, include_gone: bool = False) -> list[Exposure]:
        """Copies recorded in one file (present only unless ``include_gone``)."""
        sql = f"SELECT {_EXPOSURE_COLUMNS} FROM exposure WHERE path = ?"
        if not include_gone:
            sql += " AND state = 'present'"
        with self._lock:
            return [_exposure(r) for r in self._q(sql + " ORDER BY line, col", (path,))]

    def exposure(self, exposure_id: int) -> Exposure | None:
        with self._lock:
            rows = self._q(f"SELECT {_EXPOSURE_COLUMNS} FROM exposure WHERE id = ?", (exposure_id,))
        return _exposure(rows[0]) if rows else None

    def events(self, *, since_id: int = 0, limit: int = 500) -> list[InventoryEvent]:
        """Events after ``since_id``, oldest first (poll with the last id you saw)."""
        with self._lock:
            rows = self._q(
                "SELECT id, at, kind, credential_id, exposure_id, path, message FROM event "
                "WHERE id > ? ORDER BY id LIMIT ?",
                (since_id, limit),
            )
        return [_event(r) for r in rows]

    def recent_events(
        self, *, limit: int = 200, credential_id: int | None = None
    ) -> list[InventoryEvent]:
        """The newest events first (for a history view), optionally of one credential."""
        sql = "SELECT id, at, kind, credential_id, exposure_id, path, message FROM event"
        params: list[Any] = []
        if credential_id is not None:
            sql += " WHERE credential_id = ?"
            params.append(credential_id)
        with self._lock:
            rows = self._q(sql + " ORDER BY id DESC LIMIT ?", [*params, limit])
        return [_event(r) for r in rows]

    def stats(self) -> InventoryStats:
        with self._lock:
            total = self._q("SELECT count(*) FROM credential")[0][0]
            exposed, copies = self._q(
                "SELECT count(DISTINCT c.id), count(e.id) FROM credential c JOIN exposure e "
                "ON e.credential_id = c.id AND e.state = 'present' "
                "WHERE c.state IN ('active', 'migrated') AND c.informational = 0"
            )[0]
            last = self._q("SELECT max(finished_at) FROM scan_run WHERE cancelled = 0")[0][0]
        return InventoryStats(
            credentials=total,
            exposed_credentials=exposed,
            present_copies=copies,
            last_scan_at=_dt(last),
        )

    # -- edits ----------------------------------------------------------------------------------
    def update_credential(self, credential_id: int, **fields: Any) -> None:
        """Edit ``owner``, ``notes``, ``expires_at``, ``rotation_days``, ``last_rotated_at`` or
        ``state``. A state change is logged as a ``credential_state`` event."""
        unknown = set(fields) - _UPDATABLE
        if unknown:
            raise InventoryError(f"cannot update credential field(s): {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        for name, value in fields.items():
            if name in ("owner", "notes"):
                if not isinstance(value, str):
                    raise InventoryError(f"{name} must be text")
                values[name] = value
            elif name in ("expires_at", "last_rotated_at"):
                if value is not None and not isinstance(value, datetime):
                    raise InventoryError(f"{name} must be a datetime or None")
                values[name] = _ts(value)
            elif name == "rotation_days":
                if value is not None and (not isinstance(value, int) or value <= 0):
                    raise InventoryError("rotation_days must be a positive number of days")
                values[name] = value
            else:
                try:
                    values[name] = CredentialState(value).value
                except ValueError:
                    raise InventoryError(f"unknown credential state {value!r}") from None
        with self._lock, self.transaction():
            current = self.credential(credential_id)
            if current is None:
                raise InventoryError(f"no credential with id {credential_id}")
            if not values:
                return
            sets = ", ".join(f"{k} = ?" for k in values)
            self._conn.execute(
                f"UPDATE credential SET {sets} WHERE id = ?", [*values.values(), credential_id]
            )
            label = f"{current.rule_name} {current.preview}"
            if "state" in values and values["state"] != current.state.value:
                self._emit(
                    EventKind.CREDENTIAL_STATE,
                    f"{label}: {current.state.value} → {values['state']}",
                    credential_id=credential_id,
                )
            other = sorted(k for k in values if k != "state")
            if other:
                self._emit(
                    EventKind.CREDENTIAL_UPDATED,
                    f"{label}: updated {', '.join(other)}",
                    credential_id=credential_id,
                )

    def set_exposure_state(self, exposure_id: int, state: ExposureState) -> None:
        """E.g. ``scrubbed`` once a migration replaced the copy. Logged as an event."""
        new = ExposureState(state)
        with self._lock, self.transaction():
            rows = self._q(
                "SELECT e.state, e.path, e.line, c.id, c.rule_name, c.preview FROM exposure e "
                "JOIN credential c ON c.id = e.credential_id WHERE e.id = ?",
                (exposure_id,),
            )
            if not rows:
                raise InventoryError(f"no exposure with id {exposure_id}")
            old, path, line, cred_id, name, preview = rows[0]
            if old == new.value:
                return
            self._conn.execute(
                "UPDATE exposure SET state = ?, last_seen = ? WHERE id = ?",
                (new.value, _ts(now_utc()), exposure_id),
            )
            if new is not ExposureState.PRESENT:
                # the file changed under us: make the next scan read it again
                self._conn.execute("DELETE FROM file_index WHERE path = ?", (path,))
            self._emit(
                EventKind.EXPOSURE_STATE,
                f"{name} {preview} at {path}:{line}: {old} → {new.value}",
                credential_id=cred_id,
                exposure_id=exposure_id,
                path=path,
            )

    # -- ignore rules ---------------------------------------------------------------------------
    def _ignore_globs(self) -> list[str]:
        return [
            r[0] for r in self._q("SELECT path_glob FROM ignore_rule WHERE path_glob IS NOT NULL")
        ]

    def _ignored_fingerprints(self) -> set[str]:
        return {
            r[0]
            for r in self._q("SELECT fingerprint FROM ignore_rule WHERE fingerprint IS NOT NULL")
        }

    def ignore_rules(self) -> list[IgnoreRule]:
        with self._lock:
            rows = self._q(
                "SELECT id, fingerprint, path_glob, reason, created_at FROM ignore_rule ORDER BY id"
            )
        return [IgnoreRule(r[0], r[1], r[2], r[3], _dt_req(r[4])) for r in rows]

    def is_ignored(self, fingerprint: str, path: str) -> bool:
        """Whether a finding with this fingerprint at this path is covered by an ignore rule."""
        with self._lock:
            if fingerprint in self._ignored_fingerprints():
                return True
            return any(path_matches(g, path) for g in self._ignore_globs())

    def add_ignore(
        self, *, fingerprint: str | None = None, path_glob: str | None = None, reason: str
    ) -> int:
        """Ignore a credential (by fingerprint) or every file matching a path glob.

        A fingerprint rule sets the credential's state to ``ignored``. A path rule stops
        recording copies in matching files (their present copies become ``gone``) and marks
        ``ignored`` every credential whose copies were all in ignored paths.
        """
        if (fingerprint is None) == (path_glob is None):
            raise InventoryError("give exactly one of a fingerprint or a path glob")
        if not reason.strip():
            raise InventoryError("an ignore rule needs a reason")
        if path_glob is not None:
            path_glob = os.path.expanduser(path_glob)
            if not path_glob.strip():
                raise InventoryError("empty path glob")
        now = now_utc()
        with self._lock, self.transaction():
            dup = self._q(
                "SELECT id FROM ignore_rule WHERE fingerprint IS ? AND path_glob IS ?",
                (fingerprint, path_glob),
            )
            if dup:
                self._conn.execute(
                    "UPDATE ignore_rule SET reason = ? WHERE id = ?", (reason, dup[0][0])
                )
                return int(dup[0][0])
            cur = self._conn.execute(
                "INSERT INTO ignore_rule(fingerprint, path_glob, reason, created_at) "
                "VALUES (?,?,?,?)",
                (fingerprint, path_glob, reason, _ts(now)),
            )
            rule_id = int(cur.lastrowid or 0)
            self._emit(
                EventKind.IGNORE_ADDED,
                f"ignore rule {rule_id} added for {fingerprint or path_glob}: {reason}",
            )
            if fingerprint is not None:
                rows = self._q("SELECT id FROM credential WHERE fingerprint = ?", (fingerprint,))
                if rows:
                    self._set_state_if(rows[0][0], {"active"}, CredentialState.IGNORED)
            else:
                assert path_glob is not None
                self._apply_path_rule(path_glob, now)
            return rule_id

    def _apply_path_rule(self, glob: str, now: datetime) -> None:
        globs = self._ignore_globs()
        rows = self._q(
            "SELECT e.id, e.credential_id, e.path, e.line, e.state FROM exposure e ORDER BY e.id"
        )
        touched: set[int] = set()
        for exp_id, cred_id, path, line, state in rows:
            if path_matches(glob, path):
                touched.add(cred_id)
                if state == "present":
                    self._gone(exp_id, cred_id, path, line, now, True)
        for cred_id in touched:
            paths_ = [
                r[0]
                for r in self._q("SELECT path FROM exposure WHERE credential_id = ?", (cred_id,))
            ]
            if all(any(path_matches(g, p) for g in globs) for p in paths_):
                self._set_state_if(cred_id, {"active"}, CredentialState.IGNORED)

    def _set_state_if(self, cred_id: int, when: set[str], new: CredentialState) -> None:
        row = self._q("SELECT state, rule_name, preview FROM credential WHERE id = ?", (cred_id,))
        if row and row[0][0] in when:
            self._conn.execute("UPDATE credential SET state = ? WHERE id = ?", (new.value, cred_id))
            self._emit(
                EventKind.CREDENTIAL_STATE,
                f"{row[0][1]} {row[0][2]}: {row[0][0]} → {new.value}",
                credential_id=cred_id,
            )

    def remove_ignore(self, rule_id: int) -> None:
        """Delete an ignore rule; credentials it ignored become ``active`` again and files it
        covered are read again by the next scan."""
        with self._lock, self.transaction():
            rows = self._q(
                "SELECT fingerprint, path_glob FROM ignore_rule WHERE id = ?", (rule_id,)
            )
            if not rows:
                raise InventoryError(f"no ignore rule with id {rule_id}")
            fingerprint, glob = rows[0]
            self._conn.execute("DELETE FROM ignore_rule WHERE id = ?", (rule_id,))
            self._emit(
                EventKind.IGNORE_REMOVED, f"ignore rule {rule_id} for {fingerprint or glob} removed"
            )
            if fingerprint is not None:
                cred = self._q("SELECT id FROM credential WHERE fingerprint = ?", (fingerprint,))
                if cred:
                    self._set_state_if(cred[0][0], {"ignored"}, CredentialState.ACTIVE)
                return
            globs = self._ignore_globs()
            fps = self._ignored_fingerprints()
            for (path,) in self._q("SELECT path FROM file_index"):
                if path_matches(glob, path):
                    self._conn.execute("DELETE FROM file_index WHERE path = ?", (path,))
            creds = self._q(
                "SELECT DISTINCT c.id, c.fingerprint FROM credential c JOIN exposure e "
                "ON e.credential_id = c.id WHERE c.state = 'ignored'"
            )
            for cred_id, fp in creds:
                if fp in fps:
                    continue
                paths_ = [
                    r[0]
                    for r in self._q(
                        "SELECT path FROM exposure WHERE credential_id = ?", (cred_id,)
                    )
                ]
                if any(path_matches(glob, p) for p in paths_) and not all(
                    any(path_matches(g, p) for g in globs) for p in paths_
                ):
                    self._set_state_if(cred_id, {"ignored"}, CredentialState.ACTIVE)
