"""Rotate a migrated keychain entry: store a new value under it, keeping the previous one.

The tools keep reading the same entry, so after :func:`rotate` they get the new value with no
change to any file. The value it replaced is kept under a *previous* entry (service
``"stowaway"``, account ``"<tag>/previous/<account>"``, indexed with kind ``"previous"``) so the
user can choose what an undo of the migration writes back:

* undo right away: the files get the entry's **current** (rotated) value, and undo says so
  (``restored with the keychain's current value…``); everything else is byte for byte;
* :func:`restore_previous` first, then undo: the files get their original bytes back.

Order (crash-safe: a value is never only in memory): the previous value is stored, read back
and indexed before the entry is overwritten with the new one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from scanner.keychain import SERVICE, Keychain, KeychainError, open_keychain
from scanner.migrate.journal import Journal, KeychainEntry, now

PREVIOUS_KIND = "previous"
LEGACY_PREVIOUS_KINDS = frozenset({"incident-backup"})  # written before this module existed


class RotateError(Exception):
    """The entry cannot be rotated (the message is for the user and holds no secret)."""


@dataclass(frozen=True)
class Rotation:
    service: str
    account: str
    previous_account: str  # where the replaced value is kept (service "stowaway")
    changed: bool  # False: the entry already held the new value


def previous_account(account: str, tag: str = "rotation") -> str:
    return f"{tag}/previous/{account}"


def is_previous(entry: KeychainEntry) -> bool:
    """Whether an indexed entry only keeps a value a rotation replaced."""
    return entry.kind == PREVIOUS_KIND or entry.kind in LEGACY_PREVIOUS_KINDS


def rotate(
    account: str,
    new_value: str,
    *,
    service: str = SERVICE,
    tag: str = "rotation",
    fingerprints: tuple[str, ...] | None = None,
    meta: dict[str, str] | None = None,
    keychain: Keychain | None = None,
    journal: Journal | None = None,
) -> Rotation:
    """Store ``new_value`` under the migrated entry ``account`` (in ``service``), keeping the
    value it replaces under :func:`previous_account` ``(account, tag)``.

    ``fingerprints`` are what the index says the entry now holds (default: unchanged);
    ``meta`` is added to the previous entry's index row (e.g. which incident rotated it).
    """
    if not new_value:
        raise RotateError("Refusing to store an empty value.")
    with Journal.using(journal) as jr:
        try:
            entry = jr.entry(account, service)
            if entry is None or is_previous(entry):
                raise RotateError(
                    f"{account!r} is not a keychain entry a migration created (see "
                    "`stowaway get --list`)."
                )
            kc = keychain or open_keychain()
            stored = kc.get(account, service=service)
            if stored is None:
                raise RotateError(f"The keychain entry {account!r} is gone; nothing was stored.")
            backup = previous_account(account, tag)
            if stored == new_value:
                return Rotation(service, account, backup, False)
            kc.set_verified(backup, stored, service=SERVICE)
            jr.add_entry(
                KeychainEntry(
                    service=SERVICE,
                    account=backup,
                    provider=entry.provider,
                    kind=PREVIOUS_KIND,
                    fingerprints=entry.fingerprints,
                    source=f"{service}:{account}",
                    created=now(),
                    expires_at=None,
                    meta={**(meta or {}), "entry": account, "service": service},
                    migration_id=None,
                )
            )
            # an entry another tool reads by itself (service != stowaway) cannot be split
            kc.set_verified(account, new_value, service=service, split=service == SERVICE)
            jr.add_entry(
                replace(
                    entry,
                    fingerprints=entry.fingerprints if fingerprints is None else fingerprints,
                    expires_at=None,
                    meta={**entry.meta, "rotated": now()},
                )
            )
            return Rotation(service, account, backup, True)
        except KeychainError as exc:
            raise RotateError(str(exc)) from exc


def restore_previous(
    account: str,
    *,
    service: str = SERVICE,
    tag: str = "rotation",
    keychain: Keychain | None = None,
    journal: Journal | None = None,
) -> bool:
    """Put back the value :func:`rotate` replaced (and what the index said the entry held), then
    delete the previous entry. True when it did; False when there was nothing to put back."""
    backup = previous_account(account, tag)
    with Journal.using(journal) as jr:
        try:
            kc = keychain or open_keychain()
            previous = kc.get(backup, service=SERVICE)
            if previous is None:
                return False
            kc.set_verified(account, previous, service=service, split=service == SERVICE)
            kept = jr.entry(backup, SERVICE)
            entry = jr.entry(account, service)
            if kept is not None and entry is not None:
                meta = {k: v for k, v in entry.meta.items() if k != "rotated"}
                jr.add_entry(replace(entry, fingerprints=kept.fingerprints, meta=meta))
            kc.delete(backup, service=SERVICE)
            jr.remove_entry(SERVICE, backup)
            return True
        except KeychainError as exc:
            raise RotateError(str(exc)) from exc
