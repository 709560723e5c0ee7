"""Finish or roll back migrations interrupted by a crash (called when Stowaway starts).

``begun``: files were never touched; delete the keychain entries the migration created.
``committed``: every secret is verified in the keychain; rewrite the files still in their
original state (the new content needs no secret), leave any file the user changed meanwhile.
Leftover ``.<name>.stowaway.tmp`` files are removed in both cases.
"""

from __future__ import annotations

from typing import Any

from scanner.keychain import Keychain, KeychainError, open_keychain
from scanner.migrate import inventory_link
from scanner.migrate.atomic import (
    FileChangedError,
    UnwritableError,
    atomic_write,
    read_bytes,
    real_path,
    temp_path,
)
from scanner.migrate.journal import Journal
from scanner.migrate.plan import apply_edits, content_hash


def pending(journal: Journal | None = None) -> bool:
    """Cheap check for start-up: is there anything to recover?"""
    from scanner import paths
    from scanner.migrate.journal import DB_NAME

    if journal is None and not (paths.data_dir() / DB_NAME).exists():
        return False
    with Journal.using(journal) as jr:
        return bool(jr.migrations(("begun", "committed")))


def recover(
    *, journal: Journal | None = None, keychain: Keychain | None = None, inventory: Any = None
) -> list[str]:
    """Resolve every interrupted migration; returns what was done, in plain words."""
    if journal is None and not pending():
        return []
    messages: list[str] = []
    with Journal.using(journal) as jr:
        for record in jr.migrations(("begun", "committed")):
            plan = record.plan
            for fe in plan.file_edits():
                temp_path(real_path(fe.path)).unlink(missing_ok=True)
            if record.state == "begun":
                messages.extend(_roll_back(jr, record.id, keychain))
            else:
                messages.extend(_roll_forward(jr, record.id, inventory))
    return messages


def _roll_back(jr: Journal, migration_id: str, keychain: Keychain | None) -> list[str]:
    try:
        kc = keychain or open_keychain()
        for item in jr.items(migration_id):
            if not item.preexisting:
                kc.delete(item.account, service=item.service)
    except KeychainError as exc:
        return [
            f"Migration {migration_id} was interrupted before any file changed; its keychain "
            f"entries will be removed next time ({exc})."
        ]
    jr.forget_entries(migration_id, [])
    jr.set_state(migration_id, "rolled_back", "interrupted before any file was changed")
    return [f"Migration {migration_id} was interrupted before any file changed: rolled back."]


def _roll_forward(jr: Journal, migration_id: str, inventory: Any) -> list[str]:
    record = jr.migration(migration_id)
    assert record is not None
    plan = record.plan
    files = plan.file_edits()
    conflicts: list[str] = []
    for rec, fe in zip(jr.files(migration_id), files, strict=True):
        if rec.state != "pending":
            continue
        data = read_bytes(fe.path)
        if data is not None and content_hash(data) == rec.after_hash:
            jr.set_file_state(migration_id, rec.seq, "written")
            continue
        if (data is None and fe.before_hash is None) or (
            data is not None and content_hash(data) == fe.before_hash
        ):
            after = apply_edits(data or b"", fe.edits)
            try:
                atomic_write(
                    fe.path,
                    after,
                    expected_hash=fe.before_hash,
                    expect_absent=fe.before_hash is None,
                    create_mode=fe.create_mode,
                )
            except (OSError, FileChangedError, UnwritableError) as exc:
                conflicts.append(f"{fe.display_path}: {exc}")
                continue
            jr.set_file_state(migration_id, rec.seq, "written")
            continue
        jr.set_file_state(migration_id, rec.seq, "conflict", "changed by someone else")
        conflicts.append(f"{fe.display_path} was changed meanwhile and was left as it is")
    if conflicts:
        jr.set_state(migration_id, "committed", "; ".join(conflicts))
        return [
            f"Migration {migration_id}: the secrets are safe in the keychain, but "
            + "; ".join(conflicts)
            + "."
        ]
    secret_paths = [fe.path for c in plan.changes for fe in c.files if fe.role == "secret"]
    fps = [fp for c in plan.changes for fp in c.fingerprints]
    notes = inventory_link.mark(fps, secret_paths, migrated=True, inventory=inventory)
    jr.set_state(migration_id, "done")
    return [f"Migration {migration_id} was interrupted after the keychain step: finished.", *notes]
