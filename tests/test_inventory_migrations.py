"""Schema migrations: a database from every earlier version upgrades with its data intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from scanner.inventory import CredentialState, ExposureState, Inventory, schema
from tests.inventory_helpers import Stat

NOW = "2024-05-01T10:00:00.000000+00:00"


def _seed_v1_columns(conn: sqlite3.Connection) -> None:
    """Rows using only version-1 columns, which every later version keeps."""
    conn.execute(
        "INSERT INTO credential(id, fingerprint, rule_id, rule_name, provider, preview, "
        "persistence, confidence, informational, state, owner, notes, first_seen, last_seen) "
        "VALUES (1, 'fp_0123', 'github-pat', 'GitHub token', 'GitHub', 'ghp_…AbCd', "
        "'persistent', 'high', 0, 'active', 'me', 'laptop', ?, ?)",
        (NOW, NOW),
    )
    conn.execute(
        "INSERT INTO exposure(id, credential_id, path, line, col, end_line, end_col, file_kind, "
        "first_seen, last_seen, state) VALUES (7, 1, '/h/.zsh_history', 3, 9, 3, 49, "
        "'zsh_history', ?, ?, 'present')",
        (NOW, NOW),
    )
    conn.execute(
        "INSERT INTO file_index(path, size, mtime_ns, inode, content_hash, last_scanned) "
        "VALUES ('/h/.zsh_history', 120, 5, 77, 'abc', ?)",
        (NOW,),
    )
    conn.execute(
        "INSERT INTO ignore_rule(fingerprint, reason, created_at) VALUES ('fp_9', 'demo', ?)",
        (NOW,),
    )
    conn.execute(
        "INSERT INTO event(at, kind, credential_id, exposure_id, path, message) "
        "VALUES (?, 'new_credential', 1, 7, '/h/.zsh_history', 'new GitHub token')",
        (NOW,),
    )


def _build(path: Path, version: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    assert schema.migrate(conn, target=version) == version
    conn.execute("BEGIN")
    _seed_v1_columns(conn)
    conn.execute("COMMIT")
    conn.close()


@pytest.mark.parametrize("version", range(1, schema.latest_version()))
def test_upgrade_from_every_earlier_version(tmp_path: Path, version: int) -> None:
    path = tmp_path / "inventory.sqlite3"
    _build(path, version)
    with Inventory.open(path) as inv:
        assert inv.schema_version == schema.latest_version()
        cred = inv.credential(1)
        assert cred is not None
        assert (cred.fingerprint, cred.preview, cred.owner, cred.state) == (
            "fp_0123",
            "ghp_…AbCd",
            "me",
            CredentialState.ACTIVE,
        )
        assert cred.present_copies == 1 and cred.file_kinds == ("zsh_history",)
        [exp] = inv.exposures(1)
        assert (exp.id, exp.line, exp.column, exp.state) == (7, 3, 9, ExposureState.PRESENT)
        assert [r.fingerprint for r in inv.ignore_rules()] == ["fp_9"]
        assert [e.message for e in inv.events()] == ["new GitHub token"]
        # every file indexed before v2 (no device number) is read once more
        assert inv.needs_rescan("/h/.zsh_history", Stat(120, 5, 77, 0)) == (version < 2)
        # the new columns work
        inv.update_credential(1, rotation_days=30)
        assert inv.credential(1).rotation_days == 30  # type: ignore[union-attr]
        fk = inv._conn.execute("PRAGMA foreign_key_check").fetchall()
        assert fk == []
        assert inv._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_fresh_database_is_latest_and_steps_are_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "inventory.sqlite3"
    Inventory.open(path).close()
    with Inventory.open(path) as inv:  # opening again runs nothing
        assert inv.schema_version == schema.latest_version() >= 2


def test_failed_step_rolls_back_to_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "inventory.sqlite3"
    _build(path, 1)

    def boom(conn: sqlite3.Connection) -> None:
        raise RuntimeError("disk on fire")

    broken = [*schema.MIGRATIONS]
    broken[1] = schema.Migration(broken[1].description, broken[1].sql, boom)
    monkeypatch.setattr(schema, "MIGRATIONS", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        Inventory.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    cols = {r[1] for r in conn.execute("PRAGMA table_info(credential)")}
    assert "rotation_days" not in cols  # the half-done step left nothing behind
    conn.close()
    monkeypatch.undo()
    with Inventory.open(path) as inv:
        assert inv.schema_version == schema.latest_version()
