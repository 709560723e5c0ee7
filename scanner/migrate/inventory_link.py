"""Tell the inventory what a migration or an undo did (credential state, exposure state)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any


def _open(inventory: Any) -> tuple[Any, bool]:
    if inventory is not None:
        return inventory, False
    from scanner.inventory import Inventory

    return Inventory.open(), True


def mark(
    fingerprints: Iterable[str],
    secret_paths: Iterable[str],
    *,
    migrated: bool,
    inventory: Any = None,
) -> list[str]:
    """Set credentials migrated (or back to active) and their copies in ``secret_paths``
    scrubbed (or present). Returns problems as messages; never raises."""
    try:
        from scanner.inventory.models import CredentialState, ExposureState

        inv, owned = _open(inventory)
    except Exception as exc:  # inventory missing or unreadable: the migration itself stands
        return [f"The inventory could not be updated ({type(exc).__name__}); re-scan to refresh."]
    reals = {os.path.realpath(p) for p in secret_paths}
    try:
        for fp in fingerprints:
            cred = inv.credential_by_fingerprint(fp)
            if cred is None:
                continue
            inv.update_credential(
                cred.id, state=CredentialState.MIGRATED if migrated else CredentialState.ACTIVE
            )
            for exp in inv.exposures(cred.id, include_gone=True):
                if os.path.realpath(exp.path) in reals:
                    inv.set_exposure_state(
                        exp.id, ExposureState.SCRUBBED if migrated else ExposureState.PRESENT
                    )
        return []
    except Exception as exc:
        return [f"The inventory could not be updated ({type(exc).__name__}: {exc})."]
    finally:
        if owned:
            inv.close()
