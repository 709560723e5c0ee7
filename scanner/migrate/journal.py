"""The migration journal and the keychain index: ``data_dir()/migrations.sqlite3`` (0600).

Holds no secret: plans are stored with templates whose every text lives in the keychain (see
:mod:`scanner.migrate.undo_data`; only positions, hashes and keychain names stay here), keychain
entries by name only.
States of a migration: ``begun`` (keychain writes may be under way; files untouched) →
``committed`` (every secret verified in the keychain; files are being rewritten) → ``done``;
or ``rolled_back`` / ``undone`` / ``failed``. Recovery rolls ``begun`` back and ``committed``
forward.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scanner import paths
from scanner.migrate.plan import MigrationPlan

DB_NAME = "migrations.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS migrations (
    id TEXT PRIMARY KEY, created TEXT NOT NULL, updated TEXT NOT NULL, state TEXT NOT NULL,
    summary TEXT NOT NULL, plan TEXT NOT NULL, error TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS migration_items (
    migration_id TEXT NOT NULL, service TEXT NOT NULL, account TEXT NOT NULL,
    preexisting INTEGER NOT NULL, stored INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (migration_id, service, account)
) STRICT;
CREATE TABLE IF NOT EXISTS migration_files (
    migration_id TEXT NOT NULL, seq INTEGER NOT NULL, path TEXT NOT NULL,
    before_hash TEXT, after_hash TEXT, after_size INTEGER, prefix_len INTEGER, prefix_hash TEXT,
    state TEXT NOT NULL, error TEXT,
    PRIMARY KEY (migration_id, seq)
) STRICT;
CREATE TABLE IF NOT EXISTS keychain_entries (
    service TEXT NOT NULL, account TEXT NOT NULL, provider TEXT NOT NULL, kind TEXT NOT NULL,
    fingerprints TEXT NOT NULL, source TEXT NOT NULL, created TEXT NOT NULL, expires_at TEXT,
    meta TEXT NOT NULL, migration_id TEXT,
    PRIMARY KEY (service, account)
) STRICT;
CREATE TABLE IF NOT EXISTS keychain_uses (
    service TEXT NOT NULL, account TEXT NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL,
    migration_id TEXT NOT NULL,
    PRIMARY KEY (service, account, kind, source, migration_id)
) STRICT;
CREATE TABLE IF NOT EXISTS env_exports (
    var TEXT PRIMARY KEY, service TEXT NOT NULL, account TEXT NOT NULL, migration_id TEXT
) STRICT;
"""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class MigrationRecord:
    id: str
    created: str
    updated: str
    state: str
    summary: str
    error: str | None
    plan_json: str

    @property
    def plan(self) -> MigrationPlan:
        return MigrationPlan.from_json(self.plan_json)


@dataclass(frozen=True)
class FileRecord:
    migration_id: str
    seq: int
    path: str
    before_hash: str | None
    after_hash: str | None
    after_size: int | None
    prefix_len: int | None
    prefix_hash: str | None
    state: str  # pending | written | undone | conflict
    error: str | None


@dataclass(frozen=True)
class ItemRecord:
    migration_id: str
    service: str
    account: str
    preexisting: bool
    stored: bool


# Copies only the user reads back (`stowaway get`): no tool reads these entries by itself.
REFERENCE_KINDS = frozenset({"history", "marker"})


@dataclass(frozen=True)
class KeychainEntry:
    """One indexed keychain entry. ``kind``/``source`` describe the main use (a tool's, when
    a tool reads it); ``uses`` lists every (kind, file) that migrations pointed at it: history,
    note and .env copies of one token share one entry."""

    service: str
    account: str
    provider: str
    kind: str
    fingerprints: tuple[str, ...]
    source: str
    created: str
    expires_at: str | None
    meta: dict[str, Any]
    migration_id: str | None
    uses: tuple[tuple[str, str], ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([self.kind, *(kind for kind, _ in self.uses)]))

    @property
    def read_by_tools(self) -> bool:
        """Whether a tool reads this entry (not only history or notes pointing at it)."""
        return any(kind not in REFERENCE_KINDS for kind in self.kinds)


class Journal:
    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path | None = None) -> Journal:
        path = path or paths.data_dir() / DB_NAME
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=DELETE")  # no -wal side files lingering with data
        conn.execute("PRAGMA synchronous=FULL")
        conn.executescript(SCHEMA)
        return cls(conn, path)

    @classmethod
    @contextmanager
    def using(cls, journal: Journal | None) -> Iterator[Journal]:
        """``journal`` as given (its owner closes it), or one opened here and closed on exit."""
        if journal is not None:
            yield journal
            return
        with cls.open() as jr:
            yield jr

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _tx(self, sql_params: list[tuple[str, tuple[Any, ...]]]) -> None:
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            for sql, params in sql_params:
                self.conn.execute(sql, params)

    # -- migrations -----------------------------------------------------------------------
    def begin(
        self, plan: MigrationPlan, summary: str, preexisting: dict[tuple[str, str], bool]
    ) -> None:
        stamp = now()
        ops: list[tuple[str, tuple[Any, ...]]] = [
            (
                "INSERT INTO migrations(id, created, updated, state, summary, plan) "
                "VALUES (?, ?, ?, 'begun', ?, ?)",
                (plan.id, stamp, stamp, summary, plan.to_json()),
            )
        ]
        for (service, account), existed in preexisting.items():
            ops.append(
                (
                    "INSERT INTO migration_items(migration_id, service, account, preexisting) "
                    "VALUES (?, ?, ?, ?)",
                    (plan.id, service, account, int(existed)),
                )
            )
        for seq, fe in enumerate(plan.file_edits()):
            ops.append(
                (
                    "INSERT INTO migration_files(migration_id, seq, path, before_hash, state) "
                    "VALUES (?, ?, ?, ?, 'pending')",
                    (plan.id, seq, fe.path, fe.before_hash),
                )
            )
        self._tx(ops)

    def item_stored(self, migration_id: str, service: str, account: str) -> None:
        self._tx(
            [
                (
                    "UPDATE migration_items SET stored = 1 WHERE migration_id = ? AND service = ? "
                    "AND account = ?",
                    (migration_id, service, account),
                )
            ]
        )

    def drop_item(self, migration_id: str, service: str, account: str) -> None:
        """Forget one keychain item of a migration (its undo data, once dropped)."""
        self._tx(
            [
                (
                    "DELETE FROM migration_items WHERE migration_id = ? AND service = ? "
                    "AND account = ?",
                    (migration_id, service, account),
                )
            ]
        )

    def commit(
        self,
        migration_id: str,
        after_hashes: list[tuple[str, int, int, str]],
        entries: list[KeychainEntry],
        exports: list[tuple[str, str, str]],
    ) -> None:
        ops: list[tuple[str, tuple[Any, ...]]] = [
            (
                "UPDATE migrations SET state = 'committed', updated = ? WHERE id = ?",
                (now(), migration_id),
            )
        ]
        for seq, (digest, size, prefix_len, prefix_hash) in enumerate(after_hashes):
            ops.append(
                (
                    "UPDATE migration_files SET after_hash = ?, after_size = ?, prefix_len = ?, "
                    "prefix_hash = ? WHERE migration_id = ? AND seq = ?",
                    (digest, size, prefix_len, prefix_hash, migration_id, seq),
                )
            )
        for e in entries:
            ops.append(_upsert(e))
            ops.append(
                (
                    "INSERT OR IGNORE INTO keychain_uses VALUES (?, ?, ?, ?, ?)",
                    (e.service, e.account, e.kind, e.source, migration_id),
                )
            )
        for var, service, account in exports:
            ops.append(
                (
                    "INSERT OR REPLACE INTO env_exports VALUES (?, ?, ?, ?)",
                    (var, service, account, migration_id),
                )
            )
        self._tx(ops)

    def set_file_state(
        self, migration_id: str, seq: int, state: str, error: str | None = None
    ) -> None:
        self._tx(
            [
                (
                    "UPDATE migration_files SET state = ?, error = ? WHERE migration_id = ? "
                    "AND seq = ?",
                    (state, error, migration_id, seq),
                )
            ]
        )

    def set_state(self, migration_id: str, state: str, error: str | None = None) -> None:
        self._tx(
            [
                (
                    "UPDATE migrations SET state = ?, error = ?, updated = ? WHERE id = ?",
                    (state, error, now(), migration_id),
                )
            ]
        )

    def forget_entries(self, migration_id: str, accounts: list[tuple[str, str]]) -> None:
        """Drop this migration's exports, uses and index rows (plus the listed accounts). An
        entry another migration still uses stays indexed under that migration's use."""
        ops: list[tuple[str, tuple[Any, ...]]] = [
            ("DELETE FROM env_exports WHERE migration_id = ?", (migration_id,)),
            ("DELETE FROM keychain_uses WHERE migration_id = ?", (migration_id,)),
            (
                "UPDATE keychain_entries SET (kind, source, migration_id) = ("
                "SELECT u.kind, u.source, u.migration_id FROM keychain_uses u "
                "WHERE u.service = keychain_entries.service "
                "AND u.account = keychain_entries.account "
                f"ORDER BY u.kind IN ({_REFERENCE_SQL}), u.migration_id DESC LIMIT 1) "
                "WHERE migration_id = ? AND EXISTS (SELECT 1 FROM keychain_uses u "
                "WHERE u.service = keychain_entries.service "
                "AND u.account = keychain_entries.account)",
                (migration_id,),
            ),
            ("DELETE FROM keychain_entries WHERE migration_id = ?", (migration_id,)),
        ]
        for service, account in accounts:
            ops.append(
                (
                    "DELETE FROM keychain_entries WHERE service = ? AND account = ?",
                    (service, account),
                )
            )
            ops.append(
                (
                    "DELETE FROM keychain_uses WHERE service = ? AND account = ?",
                    (service, account),
                )
            )
        self._tx(ops)

    def migration(self, migration_id: str) -> MigrationRecord | None:
        row = self.conn.execute(
            "SELECT id, created, updated, state, summary, error, plan FROM migrations WHERE id = ?",
            (migration_id,),
        ).fetchone()
        return MigrationRecord(*row) if row else None

    def migrations(self, states: tuple[str, ...] | None = None) -> list[MigrationRecord]:
        rows = self.conn.execute(
            "SELECT id, created, updated, state, summary, error, plan FROM migrations "
            "ORDER BY created, id"
        ).fetchall()
        records = [MigrationRecord(*row) for row in rows]
        return [r for r in records if states is None or r.state in states]

    def files(self, migration_id: str) -> list[FileRecord]:
        rows = self.conn.execute(
            "SELECT migration_id, seq, path, before_hash, after_hash, after_size, prefix_len, "
            "prefix_hash, state, error "
            "FROM migration_files WHERE migration_id = ? ORDER BY seq",
            (migration_id,),
        ).fetchall()
        return [FileRecord(*row) for row in rows]

    def items(self, migration_id: str) -> list[ItemRecord]:
        rows = self.conn.execute(
            "SELECT migration_id, service, account, preexisting, stored FROM migration_items "
            "WHERE migration_id = ?",
            (migration_id,),
        ).fetchall()
        return [ItemRecord(r[0], r[1], r[2], bool(r[3]), bool(r[4])) for r in rows]

    def account_in_use(self, service: str, account: str, *, excluding: str) -> bool:
        """Whether another live migration (done/committed) still relies on this entry."""
        row = self.conn.execute(
            "SELECT 1 FROM migration_items i JOIN migrations m ON m.id = i.migration_id "
            "WHERE i.service = ? AND i.account = ? AND i.migration_id != ? "
            "AND m.state IN ('committed', 'done')",
            (service, account, excluding),
        ).fetchone()
        return row is not None

    # -- keychain index ---------------------------------------------------------------------
    def entries(self, kind: str | None = None) -> list[KeychainEntry]:
        """Every indexed entry (or those with a use of ``kind``), with all their uses."""
        rows = self.conn.execute(
            "SELECT service, account, provider, kind, fingerprints, source, created, expires_at, "
            "meta, migration_id FROM keychain_entries ORDER BY service, account"
        ).fetchall()
        uses: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for service, account, use_kind, source in self.conn.execute(
            "SELECT service, account, kind, source FROM keychain_uses "
            "ORDER BY migration_id, kind, source"
        ):
            pair = (use_kind, source)
            listed = uses.setdefault((service, account), [])
            if pair not in listed:
                listed.append(pair)
        result = [
            KeychainEntry(
                r[0],
                r[1],
                r[2],
                r[3],
                tuple(json.loads(r[4])),
                r[5],
                r[6],
                r[7],
                json.loads(r[8]),
                r[9],
                tuple(uses.get((r[0], r[1])) or [(r[3], r[5])]),
            )
            for r in rows
        ]
        return [e for e in result if kind is None or kind in e.kinds]

    def entry(self, account: str, service: str | None = None) -> KeychainEntry | None:
        for e in self.entries():
            if e.account == account and (service is None or e.service == service):
                return e
        return None

    def add_entry(self, entry: KeychainEntry) -> None:
        self.commit_entries([entry])

    def commit_entries(self, entries: list[KeychainEntry]) -> None:
        """Index (or update) entries; their uses rows are kept (a migration's commit adds them)."""
        self._tx([_upsert(e) for e in entries])

    def remove_entry(self, service: str, account: str) -> None:
        self._tx(
            [
                (
                    "DELETE FROM keychain_entries WHERE service = ? AND account = ?",
                    (service, account),
                ),
                (
                    "DELETE FROM keychain_uses WHERE service = ? AND account = ?",
                    (service, account),
                ),
            ]
        )

    def exports(self) -> list[tuple[str, str, str]]:
        """(VAR, service, account) for the shell integration."""
        rows = self.conn.execute(
            "SELECT var, service, account FROM env_exports ORDER BY var"
        ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]


_REFERENCE_SQL = ", ".join(f"'{kind}'" for kind in sorted(REFERENCE_KINDS))


def _upsert(e: KeychainEntry) -> tuple[str, tuple[Any, ...]]:
    """Insert or update an index row; a tool's kind/source is not replaced by a history or
    note copy's (those are still listed in the entry's uses)."""
    return (
        "INSERT INTO keychain_entries VALUES (?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT (service, account) DO UPDATE SET provider = excluded.provider, "
        f"kind = CASE WHEN excluded.kind IN ({_REFERENCE_SQL}) "
        f"AND keychain_entries.kind NOT IN ({_REFERENCE_SQL}) "
        "THEN keychain_entries.kind ELSE excluded.kind END, "
        "fingerprints = excluded.fingerprints, "
        f"source = CASE WHEN excluded.kind IN ({_REFERENCE_SQL}) "
        f"AND keychain_entries.kind NOT IN ({_REFERENCE_SQL}) "
        "THEN keychain_entries.source ELSE excluded.source END, "
        "created = excluded.created, expires_at = excluded.expires_at, meta = excluded.meta, "
        "migration_id = excluded.migration_id",
        (
            e.service,
            e.account,
            e.provider,
            e.kind,
            json.dumps(list(e.fingerprints)),
            e.source,
            e.created,
            e.expires_at,
            json.dumps(e.meta),
            e.migration_id,
        ),
    )
