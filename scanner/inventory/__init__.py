"""The SQLite inventory of credentials and where their copies are.

``Inventory.open()`` opens (creating and migrating) ``data_dir()/inventory.sqlite3``. The schema
and how to add a version live in :mod:`scanner.inventory.schema`.
"""

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
from scanner.inventory.schema import SchemaError
from scanner.inventory.store import Inventory, InventoryError, default_path, path_matches

__all__ = [
    "Credential",
    "CredentialState",
    "EventKind",
    "Exposure",
    "ExposureState",
    "IgnoreRule",
    "Inventory",
    "InventoryError",
    "InventoryEvent",
    "InventoryStats",
    "SchemaError",
    "default_path",
    "path_matches",
]
