"""The SQLite inventory of credentials and where their copies are."""

from __future__ import annotations

from scanner.inventory.models import (
    Credential,
    CredentialState,
    EventKind,
    Exposure,
    ExposureState,
    IgnoreRule,
    InventoryEvent,
    InventoryStats,
)

__all__ = [
    "Credential",
    "CredentialState",
    "EventKind",
    "Exposure",
    "ExposureState",
    "IgnoreRule",
    "InventoryEvent",
    "InventoryStats",
]
