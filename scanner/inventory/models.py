"""The inventory's records: frozen dataclasses that never hold a plaintext secret.

A credential is identified by its keyed fingerprint and shown by its redacted preview; an exposure
is one place (file, line, column) where a copy of it was seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CredentialState(StrEnum):
    ACTIVE = "active"  # a live secret we know about (exposed or not)
    MIGRATED = "migrated"  # moved into the OS keychain; plaintext copies scrubbed
    REVOKED = "revoked"  # revoked at the provider; copies are harmless
    IGNORED = "ignored"  # the user said this one is fine (test key, public demo token...)


class ExposureState(StrEnum):
    PRESENT = "present"  # the copy was there at the last look
    GONE = "gone"  # the file or the line disappeared
    SCRUBBED = "scrubbed"  # Stowaway replaced the copy (migration / incident clean-up)


class EventKind(StrEnum):
    NEW_CREDENTIAL = "new_credential"
    NEW_EXPOSURE = "new_exposure"
    EXPOSURE_GONE = "exposure_gone"
    EXPOSURE_STATE = "exposure_state"  # set explicitly (e.g. scrubbed by a migration)
    CREDENTIAL_STATE = "credential_state"
    CREDENTIAL_UPDATED = "credential_updated"  # owner / notes / expiry edited
    IGNORE_ADDED = "ignore_added"
    IGNORE_REMOVED = "ignore_removed"
    SCAN_COMPLETED = "scan_completed"


@dataclass(frozen=True, slots=True)
class Credential:
    id: int
    fingerprint: str
    rule_id: str
    rule_name: str
    provider: str
    preview: str
    persistence: str
    confidence: str
    informational: bool
    state: CredentialState
    owner: str
    notes: str
    expires_at: datetime | None
    rotation_days: int | None
    last_rotated_at: datetime | None
    first_seen: datetime
    last_seen: datetime
    present_copies: int
    file_kinds: tuple[str, ...]

    @property
    def exposed(self) -> bool:
        """Counts as exposed: a plaintext copy is present and the secret still works.

        Revoked and ignored credentials never count; a migrated one counts again if a new
        plaintext copy shows up. Informational findings (e.g. encrypted keys) never count.
        """
        return (
            self.state in (CredentialState.ACTIVE, CredentialState.MIGRATED)
            and not self.informational
            and self.present_copies > 0
        )


@dataclass(frozen=True, slots=True)
class Exposure:
    id: int
    credential_id: int
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    file_kind: str
    first_seen: datetime
    last_seen: datetime
    state: ExposureState

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class InventoryEvent:
    """Something that changed, for the UI's history, the tray and `stowaway watch`.

    ``message`` is redacted text (previews only), safe to show and log.
    """

    id: int
    at: datetime
    kind: str  # an EventKind value
    credential_id: int | None
    exposure_id: int | None
    path: str | None
    message: str


@dataclass(frozen=True, slots=True)
class IgnoreRule:
    id: int
    fingerprint: str | None
    path_glob: str | None
    reason: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class InventoryStats:
    credentials: int  # all known credentials (any state)
    exposed_credentials: int  # see Credential.exposed
    present_copies: int  # present copies of exposed credentials
    last_scan_at: datetime | None
