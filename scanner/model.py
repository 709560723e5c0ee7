"""The data contracts shared by every part of Stowaway.

A :class:`Finding` never carries the plaintext secret: it holds a keyed fingerprint, a redacted
preview and the exact place in the file, so the live value can be read again from the file when an
action (migration, incident response) needs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Persistence(StrEnum):
    """How long a credential stays valid if nobody acts."""

    PERSISTENT = "persistent"  # valid until someone revokes it (PATs, API keys, private keys)
    EXPIRING = "expiring"  # carries or implies a short end date (JWT with exp, AWS ASIA, OAuth)
    DEPENDS = "depends"  # depends on how it was created (e.g. fine-grained PAT with expiry)


class Confidence(StrEnum):
    HIGH = "high"  # structured format, checksum verified or unmistakable prefix
    MEDIUM = "medium"  # distinctive format without a checksum
    LOW = "low"  # generic assignment with a random-looking value


@dataclass(frozen=True, slots=True)
class Revocation:
    """Where and how a credential of this kind is revoked."""

    url: str
    api: str | None = (
        None  # public revocation API, e.g. "POST https://api.github.com/credentials/revoke"
    )
    steps: str | None = None  # short human instructions


@dataclass(frozen=True, slots=True)
class Rule:
    """One token kind, loaded from ``resources/rules/*.toml``."""

    id: str
    name: str
    provider: str
    pattern: str  # regex (`regex` module syntax, VERBOSE allowed) with a named group `secret`
    keywords: tuple[str, ...]  # lower-case literals; a file lacking all of them can't match
    persistence: Persistence
    revoke: Revocation
    examples: tuple[str, ...]
    negative_examples: tuple[str, ...]
    confidence: Confidence = Confidence.MEDIUM
    min_entropy: float | None = None  # Shannon bits/char of the secret
    validator: str | None = None  # name in scanner.validators.REGISTRY
    informational: bool = False  # listed, not counted as a leak (e.g. encrypted private keys)
    description: str = ""
    tags: tuple[str, ...] = ()
    family: str = ""  # the rules file it came from (github, aws, ...)


@dataclass(frozen=True, slots=True)
class Finding:
    """One copy of one secret in one file."""

    rule_id: str
    rule_name: str
    provider: str
    path: str  # absolute path as scanned
    line: int  # 1-based line of the start of the secret (of the encoded blob if encoded)
    column: int  # 1-based column, in characters of that decoded line
    end_line: int
    end_column: int  # 1-based column just past the end
    byte_start: int  # byte offsets in the raw file of the secret, or of the blob holding it
    byte_end: int
    file_kind: str  # e.g. "bash_history", "dotenv", "aws_credentials", "notes"
    fingerprint: str  # keyed HMAC of the secret; same secret => same fingerprint
    preview: str  # redacted: known prefix + last 4 at most
    confidence: Confidence
    persistence: Persistence
    informational: bool = False
    encoding: str | None = None  # "base64" when found inside an encoded blob
    validation: str = ""  # e.g. "checksum ok", "jwt: valid structure"
    expires_at: datetime | None = None
    details: tuple[tuple[str, str], ...] = field(default=())  # e.g. (("aws_account", "1234…"),)
    context_key: str | None = None  # the variable/field name the secret is assigned to, if any

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"
