"""The keychain side of an incident: where the old token is stored, and switching the entries
the tools read to the new token.

Migrations index their keychain entries (with the fingerprints they hold) in the migration
journal. Every entry holding the old token is switched: tools read most of them (npm, env, rc,
git, aws, docker, kube, pypi …), and a history or note copy shares its entry with those when it
is the same token, so ``stowaway get NAME`` hands out the current token too. The previous value
is kept under a backup entry so the scrub can still be undone byte for byte. An entry holds
either the token itself or a JSON document with it in a field (git, aws, docker): both are
handled by value, so this needs no knowledge of the targets.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

from scanner.keychain import SERVICE, Keychain
from scanner.migrate.journal import Journal, KeychainEntry, now

NOT_SWITCHED = frozenset({"incident-backup"})

Fingerprint = Callable[[str], str]


def entries_holding(jr: Journal, fingerprint: str) -> list[KeychainEntry]:
    return [e for e in jr.entries() if fingerprint in e.fingerprints]


def tool_entries(jr: Journal, fingerprint: str) -> list[KeychainEntry]:
    """The indexed entries holding this credential that get the new token."""
    return [e for e in entries_holding(jr, fingerprint) if e.kind not in NOT_SWITCHED]


def _strings(value: str) -> list[str]:
    out = [value]
    try:
        doc = json.loads(value)
    except ValueError:
        return out
    if isinstance(doc, dict):
        out += [v for v in doc.values() if isinstance(v, str)]
    return out


def value_from_keychain(kc: Keychain, jr: Journal, fingerprint: str, fp: Fingerprint) -> str | None:
    """The token with this fingerprint, read from any indexed entry that holds it (or None)."""
    for entry in entries_holding(jr, fingerprint):
        stored = kc.get(entry.account, service=entry.service)
        if stored is None:
            continue
        for candidate in _strings(stored):
            if fp(candidate) == fingerprint:
                return candidate
    return None


def swapped(stored: str, old_fingerprint: str, new_token: str, fp: Fingerprint) -> str | None:
    """``stored`` with the old token replaced by the new one, or None if it does not hold it."""
    if fp(stored) == old_fingerprint:
        return new_token
    try:
        doc = json.loads(stored)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    hit = False
    for key, value in doc.items():
        if isinstance(value, str) and fp(value) == old_fingerprint:
            doc[key] = new_token
            hit = True
    return json.dumps(doc, separators=(",", ":")) if hit else None


def backup_account(incident_id: int, account: str) -> str:
    return f"incident-{incident_id}/previous/{account}"


def rotate_entry(
    kc: Keychain,
    jr: Journal,
    entry: KeychainEntry,
    *,
    incident_id: int,
    old_fingerprint: str,
    new_token: str,
    new_fingerprint: str,
    fp: Fingerprint,
) -> bool:
    """Put the new token in ``entry`` (keeping the previous value under a backup entry, so the
    scrub can still be undone byte for byte). True when the entry changed."""
    stored = kc.get(entry.account, service=entry.service)
    if stored is None:
        return False
    new_value = swapped(stored, old_fingerprint, new_token, fp)
    if new_value is None or new_value == stored:
        return False
    backup = backup_account(incident_id, entry.account)
    kc.set_verified(backup, stored, service=SERVICE)
    jr.add_entry(
        KeychainEntry(
            service=SERVICE,
            account=backup,
            provider=entry.provider,
            kind="incident-backup",
            fingerprints=entry.fingerprints,
            source=f"{entry.service}:{entry.account}",
            created=now(),
            expires_at=None,
            meta={"incident": str(incident_id), "entry": entry.account, "service": entry.service},
            migration_id=None,
        )
    )
    # entries read directly by another tool (service != stowaway) cannot be split
    kc.set_verified(entry.account, new_value, service=entry.service, split=entry.service == SERVICE)
    fingerprints = tuple(
        dict.fromkeys(new_fingerprint if f == old_fingerprint else f for f in entry.fingerprints)
    )
    jr.add_entry(replace(entry, fingerprints=fingerprints, expires_at=None))
    return True


def restore_entry(
    kc: Keychain, jr: Journal, *, incident_id: int, service: str, account: str
) -> bool:
    """Put back the value :func:`rotate_entry` replaced; True when it did."""
    backup = backup_account(incident_id, account)
    previous = kc.get(backup, service=SERVICE)
    if previous is None:
        return False
    kc.set_verified(account, previous, service=service, split=service == SERVICE)
    index = backup_index(jr, incident_id, account)
    if index is not None:
        entry = jr.entry(account, service)
        if entry is not None:
            jr.add_entry(replace(entry, fingerprints=index.fingerprints))
    kc.delete(backup, service=SERVICE)
    jr.remove_entry(SERVICE, backup)
    return True


def backup_index(jr: Journal, incident_id: int, account: str) -> KeychainEntry | None:
    return jr.entry(backup_account(incident_id, account), SERVICE)
