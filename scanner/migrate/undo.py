"""Undo a migration: rebuild each file's exact original bytes from its current content, the
templates in the journal, the keychain values and the undo data (kept in the keychain, see
:mod:`scanner.migrate.undo_data`); then remove the keychain entries the migration created (unless
another migration still uses them) and its undo data.

After a rotation (:func:`scanner.migrate.rotate.rotate`, e.g. an incident's replace step) undo
restores the entry's *current* value into the files and says so; to get the original bytes back,
put the previous value back first (:func:`scanner.migrate.rotate.restore_previous`).

``forget_undo`` drops the undo data of a finished migration the user keeps: it can no longer be
undone, and no text it removed is kept anywhere by Stowaway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scanner.keychain import Keychain, KeychainError, open_keychain
from scanner.migrate import inventory_link, undo_data
from scanner.migrate.atomic import (
    FileChangedError,
    UnwritableError,
    atomic_remove,
    atomic_write,
    read_bytes,
)
from scanner.migrate.journal import FileRecord, Journal, MigrationRecord
from scanner.migrate.plan import FileEdit, content_hash, new_spans, render_original


class UndoError(Exception):
    pass


@dataclass
class UndoResult:
    migration_id: str
    state: str
    restored: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def list_migrations(journal: Journal | None = None) -> list[MigrationRecord]:
    with Journal.using(journal) as jr:
        return jr.migrations()


def _shared_elsewhere(jr: Journal, migration_id: str, path: str, key: str) -> bool:
    for other in jr.migrations(("committed", "done")):
        if other.id == migration_id:
            continue
        for fe in other.plan.file_edits():
            if fe.path == path and any(e.shared == key for e in fe.edits):
                return True
    return False


def restore_bytes(
    current: bytes,
    fe: FileEdit,
    rec: FileRecord,
    values: dict[tuple[str, str], str],
    skip: set[int],
) -> bytes:
    """The original bytes, from the current file (exactly as written, or with data appended)."""
    if content_hash(current) == rec.after_hash:
        body, tail = current, b""
    elif (
        rec.prefix_len is not None
        and len(current) >= rec.prefix_len
        and content_hash(current[: rec.prefix_len]) == rec.prefix_hash
    ):
        body, tail = current[: rec.prefix_len], current[rec.prefix_len :]
    else:
        raise FileChangedError(
            f"{fe.display_path} changed since the migration in a way Stowaway cannot reverse"
        )
    out = bytearray()
    pos = 0
    for index, (edit, start, end) in enumerate(new_spans(fe.edits)):
        out += body[pos:start]
        out += body[start:end] if index in skip else render_original(edit, values)
        pos = end
    out += body[pos:]
    return bytes(out) + tail


def undo(
    migration_id: str,
    *,
    journal: Journal | None = None,
    keychain: Keychain | None = None,
    inventory: Any = None,
) -> UndoResult:
    with Journal.using(journal) as jr:
        return _undo(jr, migration_id, keychain, inventory)


def _completed(jr: Journal, migration_id: str, only: str) -> MigrationRecord:
    """The record of a finished (``done``) migration; otherwise an UndoError saying what ``only``
    such a migration allows."""
    record = jr.migration(migration_id)
    if record is None:
        raise UndoError(f"There is no migration {migration_id!r} (see `stowaway undo --list`).")
    if record.state != "done":
        raise UndoError(
            f"Migration {migration_id} is {record.state.replace('_', ' ')}; only {only}."
        )
    return record


def _undo(jr: Journal, migration_id: str, keychain: Keychain | None, inventory: Any) -> UndoResult:
    record = _completed(jr, migration_id, "a completed migration can be undone")
    plan = record.plan
    try:
        kc = keychain or open_keychain()
        values: dict[tuple[str, str], str] = {}
        payload: str | None = None
        for item in jr.items(migration_id):
            if item.service == undo_data.UNDO_SERVICE:
                payload = kc.get(item.account, service=item.service)
                continue
            value = kc.get(item.account, service=item.service)
            if value is None:
                raise UndoError(
                    f"The keychain entry {item.account!r} is gone, so the files cannot be "
                    "rebuilt; nothing was changed."
                )
            values[(item.service, item.account)] = value
        values.update(undo_data.expand(plan, payload))
    except undo_data.UndoDataError as exc:
        raise UndoError(str(exc)) from exc
    except KeychainError as exc:
        raise UndoError(f"{exc} Nothing was changed.") from exc
    result = UndoResult(migration_id, "done")
    files = plan.file_edits()
    records = jr.files(migration_id)
    failures = []
    for rec, fe in reversed(list(zip(records, files, strict=True))):
        if rec.state != "written":
            continue
        skip = {
            i
            for i, (edit, _, _) in enumerate(new_spans(fe.edits))
            if edit.shared and _shared_elsewhere(jr, migration_id, fe.path, edit.shared)
        }
        current = read_bytes(fe.path)
        try:
            if current is None:
                raise FileChangedError(f"{fe.display_path} no longer exists")
            if fe.before_hash is None and not skip and content_hash(current) == rec.after_hash:
                atomic_remove(fe.path, expected_hash=rec.after_hash or "")
            else:
                original = restore_bytes(current, fe, rec, values, skip)
                if (
                    not skip
                    and content_hash(current) == rec.after_hash
                    and content_hash(original) != fe.before_hash
                ):
                    # The keychain entry was changed since the migration (e.g. rotated by an
                    # incident's replace step): the file gets the current secret back, so it
                    # differs from the original in the secret only.
                    result.messages.append(
                        f"{fe.display_path}: restored with the keychain's current value, which "
                        "changed since the migration (rotated?); only the secret differs from "
                        "the original."
                    )
                atomic_write(fe.path, original, expected_hash=content_hash(current))
        except (OSError, FileChangedError, UnwritableError) as exc:
            failures.append(f"{fe.display_path}: {exc}")
            continue
        jr.set_file_state(migration_id, rec.seq, "undone")
        result.restored.append(fe.display_path)
    if failures:
        result.state = "partial"
        result.messages.append(
            "Not restored: " + "; ".join(failures) + ". The secrets stay in the "
            "keychain; fix the file and run undo again."
        )
        return result
    for item in jr.items(migration_id):
        if item.preexisting or jr.account_in_use(
            item.service, item.account, excluding=migration_id
        ):
            continue
        try:
            kc.delete(item.account, service=item.service)
        except KeychainError as exc:
            result.messages.append(f"Could not delete {item.account!r} from the keychain: {exc}")
    jr.forget_entries(migration_id, [])
    jr.set_state(migration_id, "undone")
    secret_paths = [fe.path for c in plan.changes for fe in c.files if fe.role == "secret"]
    fps = [fp for c in plan.changes for fp in c.fingerprints]
    result.messages.extend(
        inventory_link.mark(fps, secret_paths, migrated=False, inventory=inventory)
    )
    result.state = "undone"
    return result


def forget_undo(
    migration_id: str, *, journal: Journal | None = None, keychain: Keychain | None = None
) -> str:
    """Drop the undo data of a finished migration (the user keeps it); returns what was done."""
    with Journal.using(journal) as jr:
        record = _completed(
            jr, migration_id, "the undo data of a completed migration can be dropped"
        )
        if any(rec.state == "undone" for rec in jr.files(migration_id)):
            raise UndoError(
                f"Migration {migration_id} is partly undone; run `stowaway undo {migration_id}` "
                "again to finish it first."
            )
        kept = [i for i in jr.items(migration_id) if i.service == undo_data.UNDO_SERVICE]
        if not kept:
            if undo_data.references(record.plan):
                return f"Migration {migration_id}: its undo data was already dropped."
            return (
                f"Migration {migration_id} keeps no text in its undo data; it stays undoable "
                "from the keychain entries alone."
            )
        try:
            kc = keychain or open_keychain()
            for item in kept:
                kc.delete(item.account, service=item.service)
        except KeychainError as exc:
            raise UndoError(f"{exc} The undo data was kept.") from exc
        for item in kept:
            jr.drop_item(migration_id, item.service, item.account)
        jr.set_state(migration_id, "done", "undo data dropped: cannot be undone")
        return (
            f"Migration {migration_id}: undo data dropped from the keychain; the migration is "
            "kept and can no longer be undone."
        )
