"""Lifecycle facts of a credential: when it ends, how old it is, when it is due for rotation.

Expiry is read offline where the token or its file carries it — JWT ``exp`` (the validator puts
it on the finding, the inventory keeps it), X.509 ``notAfter`` of kubeconfig client certificates,
AWS session credentials' expiry fields, ``*_expires_at``-style fields in CLI configs and caches —
and otherwise set by the user. All instants are timezone-aware UTC; display code converts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from scanner import x509
from scanner.inventory.models import Credential, Exposure, ExposureState

if TYPE_CHECKING:
    from scanner.inventory import Inventory

DEFAULT_ROTATION_DAYS = 90
DEFAULT_LEAD_DAYS: tuple[int, ...] = (14, 3, 1)
MAX_READ = 2 * 1024 * 1024
WINDOW_LINES = 15

_EXPIRY_KEY = re.compile(
    r"""(?ix)^\s*["']?(?P<key>
        x_security_token_expires | aws_expiration | aws_session_expiration | expiration |
        [a-z_]*expires_at | expires_on | expiresat | expiresOn | expiry | expiry_date | expires
    )["']?\s*[:=]\s*["']?(?P<value>[0-9][0-9T:.\-+Z ]{7,40})["']?\s*,?\s*$"""
)
_CERT_DATA = re.compile(r"^\s*client-certificate-data\s*:\s*(?P<value>[A-Za-z0-9+/=]+)\s*$")
_SECTION = re.compile(r"^\s*\[[^\]]+\]\s*$")
_YAML_ITEM = re.compile(r"^(?P<indent>\s*)-\s")


@dataclass(frozen=True, slots=True)
class LifecycleFacts:
    credential_id: int
    persistence: str  # "persistent" | "bounded"
    expires_at: datetime | None
    expiry_source: str  # "token", "x509 notAfter", "aws session", "config field", "user", ""
    age_days: int
    last_rotated_at: datetime | None
    rotation_days: int | None
    rotation_due_at: datetime | None
    owner: str
    notes: str

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


def parse_instant(value: str) -> datetime | None:
    """ISO 8601 / RFC 3339 or epoch seconds; naive values are taken as UTC."""
    text = value.strip().strip("\"'")
    if re.fullmatch(r"\d{9,11}", text):
        return datetime.fromtimestamp(int(text), UTC)
    if re.fullmatch(r"\d{12,14}", text):  # epoch milliseconds
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _block_bounds(lines: list[str], index: int, file_kind: str) -> tuple[int, int]:
    """The lines that belong with the exposure: its INI/TOML section, its YAML list item, or a
    window of lines around it."""
    if file_kind in {"aws_credentials", "aws_config", "ini", "toml", "pypirc", "databricks"}:
        start = index
        while start > 0 and not _SECTION.match(lines[start]):
            start -= 1
        end = index + 1
        while end < len(lines) and not _SECTION.match(lines[end]):
            end += 1
        return start, end
    if file_kind in {"kubeconfig", "yaml"}:
        start = index
        while start > 0 and not _YAML_ITEM.match(lines[start]):
            start -= 1
        item = _YAML_ITEM.match(lines[start])
        indent = len(item.group("indent")) if item else 0
        end = index + 1
        while end < len(lines):
            line = lines[end]
            stripped = line.lstrip()
            if stripped and len(line) - len(stripped) <= indent:
                break
            end += 1
        return start, end
    return max(0, index - WINDOW_LINES), min(len(lines), index + WINDOW_LINES + 1)


def _read_lines(path: str) -> list[str] | None:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_READ)
    except OSError:
        return None
    return raw.decode("utf-8", "replace").splitlines()


class FileLines:
    """The lines of each regular file asked for, read once.

    Copies of many credentials often sit in one history or config file, so callers that assess
    several credentials share one of these. It holds file text: keep it for one listing only.
    """

    def __init__(self) -> None:
        self._lines: dict[str, list[str] | None] = {}

    def get(self, path: str) -> list[str] | None:
        """The file's lines, or None when it is not a readable regular file."""
        if path not in self._lines:
            self._lines[path] = _read_lines(path) if Path(path).is_file() else None
        return self._lines[path]


def expiry_near(path: str, line: int, file_kind: str) -> tuple[datetime, str] | None:
    """An end date written next to the exposure in its file, with where it came from."""
    lines = _read_lines(path)
    return None if lines is None else _expiry_in(lines, line, file_kind)


def _expiry_in(lines: list[str], line: int, file_kind: str) -> tuple[datetime, str] | None:
    if not 1 <= line <= len(lines):
        return None
    start, end = _block_bounds(lines, line - 1, file_kind)
    for text in lines[start:end]:
        cert = _CERT_DATA.match(text)
        if cert:
            try:
                return x509.not_after_from_base64_pem(cert.group("value")), "x509 notAfter"
            except (x509.CertificateError, ValueError):
                continue
    for text in lines[start:end]:
        found = _EXPIRY_KEY.match(text)
        if found:
            instant = parse_instant(found.group("value"))
            if instant:
                key = found.group("key").lower()
                source = (
                    "aws session" if "security_token" in key or "aws" in key else "config field"
                )
                return instant, source
    return None


def rotation_days_for(
    credential: Credential, by_provider: Mapping[str, int] | None = None
) -> int | None:
    """Per-credential cadence, else per-provider, else 90 days for persistent machine tokens."""
    if credential.rotation_days is not None:
        return credential.rotation_days
    if by_provider and credential.provider in by_provider:
        return by_provider[credential.provider]
    # "depends" (e.g. a classic PAT created without an end date) counts as persistent until an
    # expiry is known; facts_for() drops the cadence once the credential is bounded.
    if credential.persistence in ("persistent", "depends") and not credential.informational:
        return DEFAULT_ROTATION_DAYS
    return None


def facts_for(
    credential: Credential,
    exposures: Iterable[Exposure],
    *,
    now: datetime | None = None,
    rotation_by_provider: Mapping[str, int] | None = None,
    read_files: bool = True,
    files: FileLines | None = None,
) -> LifecycleFacts:
    """Combine what the token says, what its files say and what the user set.

    ``files`` lets a caller that assesses many credentials read each file once.
    """
    now = now or datetime.now(UTC)
    expires_at = credential.expires_at
    source = "token" if expires_at else ""
    if expires_at is None and read_files:
        files = files if files is not None else FileLines()
        for exposure in exposures:
            if exposure.state != ExposureState.PRESENT:
                continue
            lines = files.get(exposure.path)
            found = None if lines is None else _expiry_in(lines, exposure.line, exposure.file_kind)
            if found:
                expires_at, source = found
                break
    bounded = expires_at is not None or credential.persistence == "expiring"
    cadence = rotation_days_for(credential, rotation_by_provider)
    since = credential.last_rotated_at or credential.first_seen
    rotation_due = since + timedelta(days=cadence) if cadence and not bounded else None
    return LifecycleFacts(
        credential_id=credential.id,
        persistence="bounded" if bounded else "persistent",
        expires_at=expires_at,
        expiry_source=source,
        age_days=max(0, (now - credential.first_seen).days),
        last_rotated_at=credential.last_rotated_at,
        rotation_days=cadence,
        rotation_due_at=rotation_due,
        owner=credential.owner,
        notes=credential.notes,
    )


def lifecycle_facts(
    inventory: Inventory,
    credential_id: int,
    *,
    now: datetime | None = None,
    rotation_by_provider: Mapping[str, int] | None = None,
) -> LifecycleFacts:
    """:func:`facts_for` of one inventory credential."""
    credential = inventory.credential(credential_id)
    if credential is None:
        raise KeyError(f"no credential {credential_id}")
    exposures = inventory.exposures(credential_id)
    return facts_for(credential, exposures, now=now, rotation_by_provider=rotation_by_provider)
