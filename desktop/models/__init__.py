"""Qt item models over the inventory's records."""

from desktop.models.credentials import Column, CredentialFilterProxy, CredentialTableModel, Roles
from desktop.models.kinds import LOCATION_KINDS, location_kind

__all__ = [
    "LOCATION_KINDS",
    "Column",
    "CredentialFilterProxy",
    "CredentialTableModel",
    "Roles",
    "location_kind",
]
