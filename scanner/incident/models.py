"""The records of a leak-response incident. No field ever holds a plaintext token."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class IncidentStep(StrEnum):
    FIND = "find"  # every copy on this machine
    REVOKE = "revoke"  # at the provider (page + steps, or its API)
    REPLACE = "replace"  # the new token into the keychain, where the tools read it
    SCRUB = "scrub"  # every old copy removed or redacted (a migration, with undo)
    RECORD = "record"  # the incident entry for the team's notes; closes the incident


STEP_ORDER: tuple[IncidentStep, ...] = tuple(IncidentStep)

STEP_TITLES: dict[IncidentStep, str] = {
    IncidentStep.FIND: "Find every copy",
    IncidentStep.REVOKE: "Revoke the token",
    IncidentStep.REPLACE: "Put the new token in the keychain",
    IncidentStep.SCRUB: "Remove the old copies",
    IncidentStep.RECORD: "Record the incident",
}


class StepStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class StepRecord:
    status: str  # a StepStatus value
    at: datetime | None
    note: str  # what was done, or the reason for skipping
    data: Mapping[str, Any] = field(default_factory=dict)  # redacted details (ids, names)

    @property
    def finished(self) -> bool:
        return self.status != StepStatus.PENDING


@dataclass(frozen=True)
class Incident:
    id: int
    credential_id: int | None
    fingerprint: str
    preview: str
    provider: str
    rule_id: str
    rule_name: str
    origin: str  # "inventory" | "pasted"
    started_at: datetime
    current_step: IncidentStep  # the first unfinished step (RECORD once closed)
    steps: dict[IncidentStep, StepRecord]
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def label(self) -> str:
        return f"{self.rule_name} {self.preview}"


@dataclass(frozen=True)
class IncidentCopy:
    """One copy the find step saw (the inventory exposure keeps its current state)."""

    id: int
    exposure_id: int | None
    path: str
    line: int
    column: int
    file_kind: str
    found_by: str  # "inventory" | "scan"
    found_at: datetime
    state: str  # the exposure's state now: present | gone | scrubbed ("unknown" if dropped)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class IncidentAction:
    at: datetime
    step: str
    message: str  # redacted


@dataclass(frozen=True)
class RevocationInfo:
    provider: str
    rule_name: str
    url: str  # the provider's revocation page
    steps: str  # short human instructions ("" if the rule has none)
    api_text: str  # the rule's description of an API/CLI ("" if none)
    api_key: str | None  # a callable API in scanner.revoke.APIS, else None
    api_description: str | None  # exactly what revoke_via_api sends where (preview in place)


@dataclass(frozen=True)
class ReplaceResult:
    account: str  # the keychain entry holding the new token
    new_preview: str
    rotated: tuple[str, ...]  # entries the tools read that now hold the new token
    pending: bool  # True: the tools get it when the scrub step points them at the keychain
    messages: tuple[str, ...] = ()
    # entries only history or notes point at (`stowaway get NAME`), switched to the new token too
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScrubResult:
    migration_id: str | None
    files: tuple[str, ...]  # files rewritten
    rotated: tuple[str, ...]  # keychain entries switched to the new token
    problems: tuple[str, ...]  # copies that could not be scrubbed, and why
    warnings: tuple[str, ...]
    remaining: int  # copies still present after the scrub

    # the names of scanner.migrate.MigrationResult, for code written against that
    @property
    def files_written(self) -> list[str]:
        return list(self.files)

    @property
    def state(self) -> str:
        return "done" if self.migration_id else "nothing"

    @property
    def messages(self) -> list[str]:
        return [*self.problems, *self.warnings]


@dataclass(frozen=True)
class IncidentReport:
    incident: Incident
    copies: tuple[IncidentCopy, ...]
    actions: tuple[IncidentAction, ...]
    generated_at: datetime
