"""The keychain side of an incident: where the old token is stored, and switching the entries
the tools read to the new token.

Migrations index their keychain entries (with the fingerprints they hold) in the migration
journal. Every entry holding the old token is switched: tools read most of them (npm, env, rc,
git, aws, docker, kube, pypi …), and a history or note copy shares its entry with those when it
is the same token, so ``stowaway get NAME`` hands out the current token too. Switching goes
through :func:`scanner.migrate.rotate.rotate`, which keeps the previous value (tag
``incident-<id>``) so the scrub can still be undone byte for byte. An entry holds
either the token itself or a JSON document with it in a field (git, aws, docker): both are
handled by value, so this needs no knowledge of the targets.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from scanner.keychain import Keychain
from scanner.migrate.journal import Journal, KeychainEntry
from scanner.migrate.rotate import is_previous, restore_previous, rotate

Fingerprint = Callable[[str], str]


def entries_holding(jr: Journal, fingerprint: str) -> list[KeychainEntry]:
    return [e for e in jr.entries() if fingerprint in e.fingerprints]


def tool_entries(jr: Journal, fingerprint: str) -> list[KeychainEntry]:
    """The indexed entries holding this credential that get the new token."""
    return [e for e in entries_holding(jr, fingerprint) if not is_previous(e)]


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


def backup_tag(incident_id: int) -> str:
    return f"incident-{incident_id}"


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
    """Put the new token in ``entry`` (the previous value is kept, so the scrub can still be
    undone byte for byte). True when the entry changed."""
    stored = kc.get(entry.account, service=entry.service)
    if stored is None:
        return False
    new_value = swapped(stored, old_fingerprint, new_token, fp)
    if new_value is None or new_value == stored:
        return False
    fingerprints = tuple(
        dict.fromkeys(new_fingerprint if f == old_fingerprint else f for f in entry.fingerprints)
    )
    return rotate(
        entry.account,
        new_value,
        service=entry.service,
        tag=backup_tag(incident_id),
        fingerprints=fingerprints,
        meta={"incident": str(incident_id)},
        keychain=kc,
        journal=jr,
    ).changed


def restore_entry(
    kc: Keychain, jr: Journal, *, incident_id: int, service: str, account: str
) -> bool:
    """Put back the value :func:`rotate_entry` replaced; True when it did."""
    return restore_previous(
        account, service=service, tag=backup_tag(incident_id), keychain=kc, journal=jr
    )
