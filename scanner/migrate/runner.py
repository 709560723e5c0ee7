"""Run a plan: read → store → verify → journal → rewrite → mark, with rollback on failure.

Step boundaries (fault hooks, see :mod:`scanner.migrate.faults`): ``begin`` (journal opened,
nothing stored), ``store`` and ``verify`` (per keychain entry), ``store-undo`` and ``verify-undo``
(the undo data, see :mod:`scanner.migrate.undo_data`), ``commit`` (all secrets and the undo data
verified: point of no return, recovery rolls forward from here), ``write`` (per file), ``mark``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scanner.keychain import Keychain, KeychainError, open_keychain
from scanner.migrate import faults, inventory_link, undo_data, values
from scanner.migrate.atomic import (
    FileChangedError,
    UnwritableError,
    atomic_remove,
    atomic_write,
    check_writable,
    read_bytes,
    real_path,
)
from scanner.migrate.journal import Journal, KeychainEntry, now
from scanner.migrate.plan import (
    FileEdit,
    MigrationPlan,
    apply_edits,
    content_hash,
    new_spans,
    render_original,
)


class MigrationError(Exception):
    """The migration did not happen (or was rolled back); files and keychain are consistent."""


@dataclass(frozen=True)
class Progress:
    step: str  # check | store | verify | commit | write | mark | done
    done: int
    total: int
    message: str


@dataclass
class MigrationResult:
    migration_id: str
    state: str
    messages: list[str] = field(default_factory=list)
    files_written: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)


ProgressFn = Callable[[Progress], None]


def summary(plan: MigrationPlan) -> str:
    return "; ".join(c.title for c in plan.changes if c.target != "tool-config")[:500]


def after_hashes(fe: FileEdit, after: bytes) -> tuple[str, int, int, str]:
    """(hash, size, prefix length, prefix hash): the prefix runs to the end of the last edit, so
    undo still works when only lines were appended later (histories)."""
    spans = new_spans(fe.edits)
    prefix_len = max((end for _, _, end in spans), default=0)
    return content_hash(after), len(after), prefix_len, content_hash(after[:prefix_len])


def run_plan(
    plan: MigrationPlan,
    *,
    on_progress: ProgressFn | None = None,
    keychain: Keychain | None = None,
    journal: Journal | None = None,
    inventory: Any = None,
    fingerprinter: Callable[[str], str] | None = None,
) -> MigrationResult:
    """Carry out ``plan``. Raises :class:`MigrationError` (nothing changed, or everything put
    back) with a message for the user."""
    progress = on_progress or (lambda p: None)
    if not plan.changes:
        raise MigrationError(
            "Nothing to migrate." + (" " + " ".join(plan.problems) if plan.problems else "")
        )
    if fingerprinter is None:
        from scanner.fingerprint import Fingerprinter

        fingerprinter = Fingerprinter()
    try:
        kc = keychain or open_keychain()
    except KeychainError as exc:
        raise MigrationError(f"{exc} Nothing was changed.") from exc
    with Journal.using(journal) as jr:
        return _run(plan, progress, kc, jr, inventory, fingerprinter)


def _run(
    plan: MigrationPlan,
    progress: ProgressFn,
    kc: Keychain,
    jr: Journal,
    inventory: Any,
    fingerprinter: Callable[[str], str],
) -> MigrationResult:
    files = plan.file_edits()
    # 1. check: every file exactly as planned, writable
    current: dict[str, bytes | None] = {}
    for fe in files:
        data = read_bytes(fe.path)
        if fe.before_hash is None:
            if data is not None:
                raise MigrationError(
                    f"{fe.display_path} was created since the plan was made. "
                    "Nothing was changed; make a new plan."
                )
        elif data is None:
            raise MigrationError(f"{fe.display_path} no longer exists. Nothing was changed.")
        elif content_hash(data) != fe.before_hash:
            raise MigrationError(
                f"{fe.display_path} changed since the plan was made. Nothing was "
                "changed; make a new plan."
            )
        try:
            check_writable(real_path(fe.path))
        except UnwritableError as exc:
            raise MigrationError(f"{exc} Nothing was changed.") from exc
        current[fe.path] = data
    progress(Progress("check", len(files), len(files), "files are as planned"))

    # 2. read the live values (fingerprints verified) and prove the undo templates
    cache: dict[str, bytes] = {}

    def data_for(path: str) -> bytes:
        real = str(real_path(path))
        if real not in cache:
            data = current.get(real)
            cache[real] = data if data is not None else (read_bytes(real) or b"")
        return cache[real]

    items = [item for change in plan.changes for item in change.items]
    vals: dict[tuple[str, str], str] = {}
    try:
        for item in items:
            value = values.item_value(item, data_for, fingerprinter)
            key = (item.service, item.account)
            if vals.setdefault(key, value) != value:
                raise MigrationError(f"Two different secrets were planned under {item.account}.")
    except values.ValueError_ as exc:
        raise MigrationError(f"{exc} Nothing was changed.") from exc
    for fe in files:
        data = current[fe.path]
        for edit in fe.edits:
            if data is not None and render_original(edit, vals) != data[edit.start : edit.end]:
                raise MigrationError(
                    f"{fe.display_path}: Stowaway could not describe the change "
                    "exactly enough to undo it; nothing was changed."
                )
    journaled, undo_payload = undo_data.split(plan)
    undo_key = (undo_data.UNDO_SERVICE, plan.id)
    preexisting: dict[tuple[str, str], bool] = {}
    try:
        if undo_payload is not None:
            if kc.get(plan.id, service=undo_data.UNDO_SERVICE) is not None:
                raise MigrationError(
                    f"The keychain already holds undo data for migration {plan.id}. "
                    "Nothing was changed; make a new plan."
                )
            preexisting[undo_key] = False
        for (service, account), value in vals.items():
            existing = kc.get(account, service=service)
            if existing is not None and existing != value:
                raise MigrationError(
                    f"The keychain already holds a different secret under {account!r}"
                    f"{'' if service == 'stowaway' else f' ({service})'}. Choose another name "
                    "(--name) or remove that entry. Nothing was changed."
                )
            preexisting[(service, account)] = existing is not None
    except KeychainError as exc:
        raise MigrationError(f"{exc} Nothing was changed.") from exc

    # 3. journal, then store + verify each entry
    jr.begin(journaled, summary(plan), preexisting)
    faults.checkpoint("begin")
    result = MigrationResult(plan.id, "begun", accounts=[a for _, a in vals])
    split = {(i.service, i.account): i.split for i in items}
    try:
        for n, ((service, account), value) in enumerate(vals.items(), start=1):
            faults.before("store")
            kc.set(account, value, service=service, split=split[(service, account)])
            faults.checkpoint("store")
            progress(Progress("store", n, len(vals), f"stored {account}"))
            if kc.get(account, service=service) != value:
                raise MigrationError(
                    f"The keychain did not give back the value stored under {account!r}."
                )
            jr.item_stored(plan.id, service, account)
            faults.checkpoint("verify")
            progress(Progress("verify", n, len(vals), f"read back {account}: identical"))
        if undo_payload is not None:
            faults.before("store-undo")
            kc.set(plan.id, undo_payload, service=undo_data.UNDO_SERVICE)
            faults.checkpoint("store-undo")
            if kc.get(plan.id, service=undo_data.UNDO_SERVICE) != undo_payload:
                raise MigrationError("The keychain did not give back the undo data just stored.")
            jr.item_stored(plan.id, *undo_key)
            faults.checkpoint("verify-undo")
            progress(Progress("verify", len(vals), len(vals), "undo data kept in the keychain"))
    except (KeychainError, MigrationError, OSError) as exc:
        _forget_new_entries(kc, jr, plan.id)
        jr.set_state(plan.id, "rolled_back", str(exc))
        raise MigrationError(f"{exc} Nothing was changed in your files.") from exc

    # 4. commit: from here on recovery finishes the migration
    afters = {fe.path: apply_edits(current[fe.path] or b"", fe.edits) for fe in files}
    entries = [
        KeychainEntry(
            service=i.service,
            account=i.account,
            provider=i.provider,
            kind=i.kind,
            fingerprints=tuple(s.fingerprint for s in i.sources if s.fingerprint),
            source=i.sources[0].path if i.sources else "",
            created=now(),
            expires_at=i.expires_at,
            meta=dict(i.meta),
            migration_id=plan.id,
        )
        for i in items
    ]
    exports = [(var, "stowaway", account) for c in plan.changes for var, account in c.exports]
    jr.commit(plan.id, [after_hashes(fe, afters[fe.path]) for fe in files], entries, exports)
    faults.checkpoint("commit")
    progress(Progress("commit", 1, 1, "journal committed"))

    # 5. rewrite each file atomically
    written: list[FileEdit] = []
    try:
        for seq, fe in enumerate(files):
            atomic_write(
                fe.path,
                afters[fe.path],
                expected_hash=fe.before_hash,
                expect_absent=fe.before_hash is None,
                create_mode=fe.create_mode,
            )
            written.append(fe)
            jr.set_file_state(plan.id, seq, "written")
            faults.checkpoint("write")
            result.files_written.append(fe.display_path)
            progress(Progress("write", seq + 1, len(files), f"rewrote {fe.display_path}"))
    except (OSError, FileChangedError, UnwritableError) as exc:
        problems = _put_back(written, current, afters)
        _forget_new_entries(kc, jr, plan.id)
        jr.forget_entries(plan.id, [])
        jr.set_state(plan.id, "rolled_back", str(exc))
        extra = (
            (" Could not put back: " + "; ".join(problems))
            if problems
            else (" Everything was put back as it was.")
        )
        raise MigrationError(f"{exc}.{extra}") from exc

    # 6. tell the inventory
    secret_paths = [fe.path for c in plan.changes for fe in c.files if fe.role == "secret"]
    fps = [fp for c in plan.changes for fp in c.fingerprints]
    result.messages.extend(
        inventory_link.mark(fps, secret_paths, migrated=True, inventory=inventory)
    )
    jr.set_state(plan.id, "done")
    faults.checkpoint("mark")
    result.state = "done"
    progress(Progress("done", 1, 1, "migration complete"))
    return result


def _put_back(
    written: list[FileEdit], current: dict[str, bytes | None], afters: dict[str, bytes]
) -> list[str]:
    problems = []
    for fe in reversed(written):
        try:
            original = current[fe.path]
            if original is None:
                atomic_remove(fe.path, expected_hash=content_hash(afters[fe.path]))
            else:
                atomic_write(fe.path, original, expected_hash=content_hash(afters[fe.path]))
        except (OSError, FileChangedError, UnwritableError) as exc:
            problems.append(f"{fe.display_path}: {exc}")
    return problems


def _forget_new_entries(kc: Keychain, jr: Journal, migration_id: str) -> None:
    """Delete the keychain entries this migration created (the files still hold the secrets)."""
    for item in jr.items(migration_id):
        if item.preexisting:
            continue
        with contextlib.suppress(KeychainError):
            kc.delete(item.account, service=item.service)
