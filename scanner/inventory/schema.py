"""The inventory's SQLite schema and its forward migrations.

``PRAGMA user_version`` holds the schema version. :data:`MIGRATIONS` is an append-only list: entry
``i`` upgrades a database from version ``i`` to ``i + 1`` (entry 0 creates version 1 from an empty
file). Opening a database runs every step it has not seen yet, each in its own transaction, so a
crash part-way leaves a consistent, older version that the next open finishes upgrading.

To change the schema, append a :class:`Migration` at the end (never edit a released one); the
migration test opens a database built at every earlier version, with data, and upgrades it.
Every table is ``STRICT``; dates are ISO-8601 UTC text; no column ever holds a plaintext secret.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass


class SchemaError(RuntimeError):
    """The database cannot be used by this version of Stowaway."""


@dataclass(frozen=True)
class Migration:
    description: str
    sql: str = ""  # run with executescript-like semantics, statement by statement
    python: Callable[[sqlite3.Connection], None] | None = None  # for data rewrites, after sql


_V1 = """
CREATE TABLE credential (
    id            INTEGER PRIMARY KEY,
    fingerprint   TEXT    NOT NULL UNIQUE,
    rule_id       TEXT    NOT NULL,
    rule_name     TEXT    NOT NULL,
    provider      TEXT    NOT NULL,
    preview       TEXT    NOT NULL,
    persistence   TEXT    NOT NULL,
    confidence    TEXT    NOT NULL,
    informational INTEGER NOT NULL DEFAULT 0 CHECK (informational IN (0, 1)),
    state         TEXT    NOT NULL DEFAULT 'active'
                  CHECK (state IN ('active', 'migrated', 'revoked', 'ignored')),
    owner         TEXT    NOT NULL DEFAULT '',
    notes         TEXT    NOT NULL DEFAULT '',
    expires_at    TEXT,
    first_seen    TEXT    NOT NULL,
    last_seen     TEXT    NOT NULL
) STRICT;

CREATE TABLE exposure (
    id            INTEGER PRIMARY KEY,
    credential_id INTEGER NOT NULL REFERENCES credential(id) ON DELETE CASCADE,
    path          TEXT    NOT NULL,
    line          INTEGER NOT NULL,
    col           INTEGER NOT NULL,
    end_line      INTEGER NOT NULL,
    end_col       INTEGER NOT NULL,
    file_kind     TEXT    NOT NULL,
    first_seen    TEXT    NOT NULL,
    last_seen     TEXT    NOT NULL,
    state         TEXT    NOT NULL DEFAULT 'present'
                  CHECK (state IN ('present', 'gone', 'scrubbed'))
) STRICT;
CREATE INDEX exposure_by_credential ON exposure(credential_id, state);

CREATE TABLE file_index (
    path          TEXT    PRIMARY KEY,
    size          INTEGER NOT NULL,
    mtime_ns      INTEGER NOT NULL,
    inode         INTEGER NOT NULL,
    content_hash  TEXT,
    last_scanned  TEXT    NOT NULL
) STRICT;

CREATE TABLE ignore_rule (
    id            INTEGER PRIMARY KEY,
    fingerprint   TEXT,
    path_glob     TEXT,
    reason        TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    CHECK ((fingerprint IS NULL) <> (path_glob IS NULL))
) STRICT;

CREATE TABLE event (
    id            INTEGER PRIMARY KEY,
    at            TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    credential_id INTEGER REFERENCES credential(id) ON DELETE SET NULL,
    exposure_id   INTEGER REFERENCES exposure(id) ON DELETE SET NULL,
    path          TEXT,
    message       TEXT    NOT NULL
) STRICT;
"""

# v2: rotation tracking on credentials, the device number in the file index (an inode is only
# unique per device), a path index for per-file reconciliation, and a log of scans.
_V2 = """
ALTER TABLE credential ADD COLUMN rotation_days INTEGER CHECK (rotation_days > 0);
ALTER TABLE credential ADD COLUMN last_rotated_at TEXT;
ALTER TABLE file_index ADD COLUMN device INTEGER NOT NULL DEFAULT 0;
CREATE INDEX exposure_by_path ON exposure(path, state);
CREATE TABLE scan_run (
    id            INTEGER PRIMARY KEY,
    started_at    TEXT    NOT NULL,
    finished_at   TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('full', 'incremental', 'watch')),
    roots         TEXT    NOT NULL,
    files_scanned INTEGER NOT NULL,
    findings      INTEGER NOT NULL,
    cancelled     INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1))
) STRICT;
"""


def _v2_data(conn: sqlite3.Connection) -> None:
    # v1 rows have no device number: force one rescan of every indexed file so the index is
    # complete again (cheap, and only once).
    conn.execute("UPDATE file_index SET size = -1")


# v3: leak-response incidents (scanner.incident): one row per incident, one per step (status,
# skip reason, redacted JSON data such as the migration id of the scrub), the copies it found and
# a log of what was done. Pasted tokens are identified by fingerprint + preview only.
_V3 = """
CREATE TABLE incident (
    id            INTEGER PRIMARY KEY,
    credential_id INTEGER REFERENCES credential(id) ON DELETE SET NULL,
    fingerprint   TEXT    NOT NULL,
    preview       TEXT    NOT NULL,
    provider      TEXT    NOT NULL,
    rule_id       TEXT    NOT NULL,
    rule_name     TEXT    NOT NULL,
    origin        TEXT    NOT NULL CHECK (origin IN ('inventory', 'pasted')),
    started_at    TEXT    NOT NULL,
    closed_at     TEXT
) STRICT;
CREATE INDEX incident_by_fingerprint ON incident(fingerprint);

CREATE TABLE incident_step (
    incident_id   INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
    step          TEXT    NOT NULL
                  CHECK (step IN ('find', 'revoke', 'replace', 'scrub', 'record')),
    status        TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'done', 'skipped')),
    at            TEXT,
    note          TEXT    NOT NULL DEFAULT '',
    data          TEXT    NOT NULL DEFAULT '{}',
    PRIMARY KEY (incident_id, step)
) STRICT;

CREATE TABLE incident_copy (
    id            INTEGER PRIMARY KEY,
    incident_id   INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
    exposure_id   INTEGER REFERENCES exposure(id) ON DELETE SET NULL,
    path          TEXT    NOT NULL,
    line          INTEGER NOT NULL,
    col           INTEGER NOT NULL,
    file_kind     TEXT    NOT NULL,
    found_by      TEXT    NOT NULL CHECK (found_by IN ('inventory', 'scan', 'keychain')),
    found_at      TEXT    NOT NULL,
    UNIQUE (incident_id, path, line, col)
) STRICT;

CREATE TABLE incident_action (
    id            INTEGER PRIMARY KEY,
    incident_id   INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
    step          TEXT    NOT NULL,
    at            TEXT    NOT NULL,
    message       TEXT    NOT NULL
) STRICT;
CREATE INDEX incident_action_by_incident ON incident_action(incident_id, id);
"""


MIGRATIONS: list[Migration] = [
    Migration("initial schema: credentials, exposures, file index, ignore rules, events", _V1),
    Migration(
        "rotation fields, device in file index, exposure path index, scan log", _V2, _v2_data
    ),
    Migration("leak-response incidents: steps, copies found, actions taken", _V3),
]


def latest_version() -> int:
    return len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (no semicolons inside our literals)."""
    return [s.strip() for s in script.split(";") if s.strip()]


def migrate(conn: sqlite3.Connection, target: int | None = None) -> int:
    """Bring the database up to ``target`` (default: latest). Returns the resulting version.

    The connection must be in autocommit mode (``isolation_level=None``).
    """
    goal = latest_version() if target is None else target
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if current > latest_version():
        raise SchemaError(
            f"the inventory was written by a newer Stowaway (schema {current}, this version "
            f"knows up to {latest_version()}); upgrade Stowaway to use it"
        )
    while current < goal:
        step = MIGRATIONS[current]
        conn.execute("BEGIN IMMEDIATE")
        try:
            # another process may have migrated while we waited for the write lock
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if current >= goal:
                conn.execute("COMMIT")
                break
            step = MIGRATIONS[current]
            for statement in _statements(step.sql):
                conn.execute(statement)
            if step.python is not None:
                step.python(conn)
            conn.execute(f"PRAGMA user_version = {current + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        current += 1
    return current
