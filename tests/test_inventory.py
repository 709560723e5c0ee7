"""The inventory on a real SQLite file: recording, reconciliation, ignore rules, edits."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scanner.inventory import (
    CredentialState,
    EventKind,
    ExposureState,
    Inventory,
    InventoryError,
    SchemaError,
    default_path,
)
from tests import tokens
from tests.inventory_helpers import FakeScan, Issue, finding, scan_of, stat_of


@pytest.fixture
def inv(home: Path) -> Inventory:
    inventory = Inventory.open()
    yield inventory
    inventory.close()


def _note(home: Path, name: str = "note.md", text: str = "x\n") -> Path:
    path = home / name
    path.write_text(text)
    return path


def test_database_is_private_wal_strict_and_foreign_keyed(inv: Inventory, home: Path) -> None:
    assert inv.path == default_path()
    assert str(inv.path).startswith(str(home / ".local/share/stowaway"))
    assert stat.S_IMODE(os.stat(inv.path).st_mode) == 0o600
    conn = inv._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    tables = conn.execute("SELECT name, sql FROM sqlite_schema WHERE type='table'").fetchall()
    assert {t[0] for t in tables} >= {
        "credential",
        "exposure",
        "file_index",
        "ignore_rule",
        "event",
        "scan_run",
    }
    assert all(sql.rstrip().endswith("STRICT") for _, sql in tables)
    inv.apply_file_scan(scan_of(_note(home), finding(tokens.github("ghp"), "/x", 1)))
    for suffix in ("-wal", "-shm"):
        assert stat.S_IMODE(os.stat(str(inv.path) + suffix).st_mode) == 0o600


def test_new_secret_then_second_copy_then_line_removed(inv: Inventory, home: Path) -> None:
    secret = tokens.github("ghp")
    note, env = _note(home, "note.md"), _note(home, ".env")
    events = inv.apply_file_scan(scan_of(note, finding(secret, str(note), 3)))
    assert [e.kind for e in events] == [EventKind.NEW_CREDENTIAL]
    cred = inv.credentials()[0]
    assert events[0].credential_id == cred.id and events[0].exposure_id is not None
    assert cred.present_copies == 1 and cred.exposed and cred.state is CredentialState.ACTIVE
    assert secret not in events[0].message and cred.preview in events[0].message

    events = inv.apply_file_scan(
        scan_of(env, finding(secret, str(env), 1, file_kind="dotenv"), kind="dotenv")
    )
    assert [e.kind for e in events] == [EventKind.NEW_EXPOSURE]
    cred = inv.credential(cred.id)
    assert cred is not None and cred.present_copies == 2
    assert cred.file_kinds == ("dotenv", "notes")

    # the same scan again changes nothing
    assert (
        inv.apply_file_scan(
            scan_of(env, finding(secret, str(env), 1, file_kind="dotenv"), kind="dotenv")
        )
        == []
    )
    # a line inserted above moves the copy: same exposure, no event
    before = inv.exposures_in(str(note))[0]
    assert inv.apply_file_scan(scan_of(note, finding(secret, str(note), 4))) == []
    after = inv.exposures_in(str(note))[0]
    assert (after.id, after.line) == (before.id, 4)

    # the line is deleted
    events = inv.apply_file_scan(scan_of(note))
    assert [e.kind for e in events] == [EventKind.EXPOSURE_GONE]
    assert inv.exposure(before.id).state is ExposureState.GONE  # type: ignore[union-attr]
    assert inv.credential(cred.id).present_copies == 1  # type: ignore[union-attr]
    # the file is deleted: the last copy goes, the credential no longer counts as exposed
    events = inv.mark_file_gone(str(env))
    assert [e.kind for e in events] == [EventKind.EXPOSURE_GONE]
    assert "no plaintext copies left" in events[0].message
    cred = inv.credential(cred.id)
    assert cred is not None and not cred.exposed
    assert inv.credentials(exposed_only=True) == []
    assert inv.stats().exposed_credentials == 0 and inv.stats().credentials == 1
    assert len(inv.exposures(cred.id, include_gone=True)) == 2
    # it comes back: the gone exposure is revived rather than duplicated
    events = inv.apply_file_scan(scan_of(note, finding(secret, str(note), 9)))
    assert [e.kind for e in events] == [EventKind.NEW_EXPOSURE]
    assert events[0].exposure_id == before.id
    assert len(inv.exposures(cred.id, include_gone=True)) == 2


def test_two_copies_in_one_file_one_removed(inv: Inventory, home: Path) -> None:
    secret = tokens.github("ghp")
    note = _note(home)
    p = str(note)
    inv.apply_file_scan(scan_of(note, finding(secret, p, 2), finding(secret, p, 7)))
    copies = inv.exposures_in(p)
    assert [c.line for c in copies] == [2, 7]
    events = inv.apply_file_scan(scan_of(note, finding(secret, p, 7)))
    assert [(e.kind, e.exposure_id) for e in events] == [(EventKind.EXPOSURE_GONE, copies[0].id)]


def test_needs_rescan_follows_size_mtime_inode(inv: Inventory, home: Path) -> None:
    note = _note(home, text="hello\n")
    st = stat_of(note)
    assert inv.needs_rescan(str(note), st)
    inv.apply_file_scan(scan_of(note))
    assert not inv.needs_rescan(str(note), stat_of(note))
    note.write_text("hello again\n")
    assert inv.needs_rescan(str(note), stat_of(note))
    # an unreadable file stays due for a rescan and keeps its recorded copies
    other = _note(home, "locked.txt")
    secret = tokens.github("ghp")
    inv.apply_file_scan(scan_of(other, finding(secret, str(other), 1)))
    unreadable = FakeScan(str(other), "text", None, None, (), Issue(str(other), "permission"))
    assert inv.apply_file_scan(unreadable) == []
    assert len(inv.exposures_in(str(other))) == 1
    vanished = FakeScan(str(other), "text", None, None, (), Issue(str(other), "vanished"))
    assert [e.kind for e in inv.apply_file_scan(vanished)] == [EventKind.EXPOSURE_GONE]
    assert inv.needs_rescan(str(other), st)


def test_mark_tree_gone_only_touches_that_folder(inv: Inventory, home: Path) -> None:
    (home / "proj").mkdir()
    (home / "proj_other").mkdir()
    a, b = _note(home, "proj/.env"), _note(home, "proj_other/.env")
    s1, s2 = tokens.github("ghp"), tokens.github("ghp")
    inv.apply_file_scan(scan_of(a, finding(s1, str(a), 1)))
    inv.apply_file_scan(scan_of(b, finding(s2, str(b), 1)))
    events = inv.mark_tree_gone(str(home / "proj"))
    assert [e.path for e in events] == [str(a)]
    assert inv.index_snapshot([str(home / "proj")]) == {}
    assert list(inv.index_snapshot([str(home / "proj_other")])) == [str(b)]


def test_fingerprint_ignore_rule(inv: Inventory, home: Path) -> None:
    secret = tokens.github("ghp")
    note = _note(home)
    inv.apply_file_scan(scan_of(note, finding(secret, str(note), 1)))
    cred = inv.credentials()[0]
    rule = inv.add_ignore(fingerprint=cred.fingerprint, reason="test fixture token")
    assert inv.credential(cred.id).state is CredentialState.IGNORED  # type: ignore[union-attr]
    assert inv.stats().exposed_credentials == 0
    assert inv.is_ignored(cred.fingerprint, "/anywhere")
    [r] = inv.ignore_rules()
    assert (r.id, r.fingerprint, r.reason) == (rule, cred.fingerprint, "test fixture token")
    # adding it twice keeps one rule
    assert inv.add_ignore(fingerprint=cred.fingerprint, reason="still a fixture") == rule
    inv.remove_ignore(rule)
    assert inv.credential(cred.id).state is CredentialState.ACTIVE  # type: ignore[union-attr]
    with pytest.raises(InventoryError):
        inv.remove_ignore(rule)
    # an ignore rule added before the secret is seen applies when it's recorded
    later = tokens.github("ghp")
    f = finding(later, str(note), 2)
    inv.add_ignore(fingerprint=f.fingerprint, reason="demo")
    inv.apply_file_scan(scan_of(note, finding(secret, str(note), 1), f))
    ignored = inv.credential_by_fingerprint(f.fingerprint)
    assert ignored is not None and ignored.state is CredentialState.IGNORED


def test_path_ignore_rule(inv: Inventory, home: Path) -> None:
    (home / "fixtures").mkdir()
    fixture, note = _note(home, "fixtures/a.env"), _note(home, "note.md")
    only_fixture, shared = tokens.github("ghp"), tokens.github("ghp")
    inv.apply_file_scan(
        scan_of(fixture, finding(only_fixture, str(fixture), 1), finding(shared, str(fixture), 2))
    )
    inv.apply_file_scan(scan_of(note, finding(shared, str(note), 1)))
    rule = inv.add_ignore(path_glob=str(home / "fixtures"), reason="test data")
    by_fp = {c.fingerprint: c for c in inv.credentials()}
    a = by_fp[finding(only_fixture, "", 1).fingerprint]
    b = by_fp[finding(shared, "", 1).fingerprint]
    assert a.state is CredentialState.IGNORED and a.present_copies == 0
    assert b.state is CredentialState.ACTIVE and b.present_copies == 1
    # a rescan of the ignored file records nothing
    again = scan_of(fixture, finding(only_fixture, str(fixture), 1))
    assert inv.apply_file_scan(again) == []
    inv.remove_ignore(rule)
    assert inv.credential(a.id).state is CredentialState.ACTIVE  # type: ignore[union-attr]
    assert inv.needs_rescan(str(fixture), stat_of(fixture))
    with pytest.raises(InventoryError):
        inv.add_ignore(reason="nothing")
    with pytest.raises(InventoryError):
        inv.add_ignore(path_glob="*.env", reason="  ")


def test_update_credential_and_exposure_state(inv: Inventory, home: Path) -> None:
    secret = tokens.github("ghp")
    note = _note(home)
    inv.apply_file_scan(scan_of(note, finding(secret, str(note), 1)))
    cred = inv.credentials()[0]
    expiry = datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
    inv.update_credential(
        cred.id, owner="ci bot", notes="deploys", expires_at=expiry, rotation_days=90
    )
    got = inv.credential(cred.id)
    assert got is not None
    assert (got.owner, got.notes, got.expires_at, got.rotation_days) == (
        "ci bot",
        "deploys",
        expiry,
        90,
    )
    with pytest.raises(InventoryError):
        inv.update_credential(cred.id, preview="nope")
    with pytest.raises(InventoryError):
        inv.update_credential(cred.id, state="bogus")
    with pytest.raises(InventoryError):
        inv.update_credential(cred.id, rotation_days=0)
    with pytest.raises(InventoryError):
        inv.update_credential(999, owner="x")
    [exp] = inv.exposures(cred.id)
    inv.set_exposure_state(exp.id, ExposureState.SCRUBBED)
    inv.update_credential(cred.id, state=CredentialState.MIGRATED)
    got = inv.credential(cred.id)
    assert got is not None and got.state is CredentialState.MIGRATED and not got.exposed
    kinds = [e.kind for e in inv.events()]
    assert kinds[-3:] == [
        EventKind.CREDENTIAL_UPDATED,
        EventKind.EXPOSURE_STATE,
        EventKind.CREDENTIAL_STATE,
    ]
    # a new plaintext copy of a migrated credential counts as exposed again
    inv.apply_file_scan(scan_of(note, finding(secret, str(note), 5)))
    got = inv.credential(cred.id)
    assert got is not None and got.exposed


def test_events_since_and_stats(inv: Inventory, home: Path) -> None:
    note = _note(home)
    inv.apply_file_scan(scan_of(note, finding(tokens.github("ghp"), str(note), 1)))
    first = inv.events()
    inv.apply_file_scan(scan_of(note))
    newer = inv.events(since_id=first[-1].id)
    assert [e.kind for e in newer] == [EventKind.EXPOSURE_GONE]
    assert inv.recent_events(limit=1)[0].id == newer[0].id
    started = datetime.now(UTC)
    inv.record_scan_run(
        started_at=started,
        finished_at=started,
        kind="full",
        roots=[str(home)],
        files_scanned=1,
        findings=1,
    )
    assert inv.stats().last_scan_at == started


def test_two_connections_share_one_file(inv: Inventory, home: Path) -> None:
    note = _note(home)
    with Inventory.open() as other:
        other.apply_file_scan(scan_of(note, finding(tokens.github("ghp"), str(note), 1)))
    assert len(inv.credentials()) == 1


def test_newer_schema_is_refused_clearly(home: Path) -> None:
    path = home / "db.sqlite3"
    Inventory.open(path).close()
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(SchemaError, match="newer Stowaway"):
        Inventory.open(path)


def test_skipped_large_file_is_indexed_and_keeps_its_copies(inv: Inventory, home: Path) -> None:
    big = _note(home, "big.log")
    secret = tokens.github("ghp")
    inv.apply_file_scan(scan_of(big, finding(secret, str(big), 1)))
    big.write_text("y" * 100)
    skipped = FakeScan(str(big), "text", stat_of(big), None, (), Issue(str(big), "too_large"))
    assert inv.apply_file_scan(skipped) == []
    assert not inv.needs_rescan(str(big), stat_of(big))
    assert len(inv.exposures_in(str(big))) == 1  # not read: nothing is known to be gone
