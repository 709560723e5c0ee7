"""A simple, explained risk score per credential.

The score adds up a few plain facts — how long the secret lives, what kind of account it opens,
how many copies there are and where they sit — so that the explanation can list exactly the facts
that raised it ("3 copies, one in a synced folder; no expiry").
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scanner.inventory.models import Credential, CredentialState, Exposure, ExposureState
from scanner.lifecycle import FileLines, LifecycleFacts, facts_for

if TYPE_CHECKING:
    from scanner.inventory import Inventory

# Providers whose keys usually open a whole cloud account, production payments or code.
HIGH_IMPACT_PROVIDERS = frozenset(
    {
        "AWS",
        "Google Cloud",
        "Google",
        "Azure",
        "GitHub",
        "GitLab",
        "Stripe",
        "Cloudflare",
        "DigitalOcean",
        "Heroku",
        "Databricks",
        "Vault",
        "HashiCorp Vault",
        "Terraform Cloud",
        "Kubernetes",
        "Private key",
        "SSH",
        "Database",
    }
)
SYNCED_MARKERS = (
    "/Dropbox/",
    "/iCloud Drive/",
    "/Library/Mobile Documents/",
    "/OneDrive",
    "/Google Drive/",
    "/GoogleDrive/",
    "/My Drive/",
    "/Nextcloud/",
    "/ownCloud/",
    "/Box/",
    "/pCloud Drive/",
    "/MEGA/",
    "/Sync/",
    "/SynologyDrive/",
    "\\OneDrive",
    "\\Dropbox\\",
    "\\iCloudDrive\\",
)
HISTORY_KINDS = frozenset({"bash_history", "zsh_history", "fish_history", "powershell_history"})
NOTE_KINDS = frozenset({"notes", "markdown", "text", "jupyter"})

LEVELS = ((75, "critical"), (50, "high"), (25, "medium"), (0, "low"))


@dataclass(frozen=True, slots=True)
class Risk:
    score: int  # 0..100
    level: str  # low | medium | high | critical
    reasons: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return "; ".join(self.reasons) if self.reasons else "no exposed copies"


def in_synced_folder(path: str) -> bool:
    probe = path if path.endswith(("/", "\\")) else path + "/"
    return any(marker in probe for marker in SYNCED_MARKERS)


def world_readable(path: str) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return bool(mode & stat.S_IROTH)


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


# where a copy sits that raises the risk: (words for the explanation, test, points)
_PLACES: tuple[tuple[str, Callable[[Exposure], bool], int], ...] = (
    ("in a synced folder", lambda e: in_synced_folder(e.path), 25),
    ("readable by other users", lambda e: world_readable(e.path), 20),
    ("in shell history", lambda e: e.file_kind in HISTORY_KINDS, 10),
    ("in notes", lambda e: e.file_kind in NOTE_KINDS, 10),
)


def assess_credential(
    credential: Credential,
    exposures: Iterable[Exposure],
    facts: LifecycleFacts,
    *,
    now: datetime | None = None,
) -> Risk:
    now = now or datetime.now(UTC)
    if credential.state in (CredentialState.REVOKED, CredentialState.IGNORED):
        return Risk(0, "low", (f"{credential.state.value}",))
    present = [e for e in exposures if e.state == ExposureState.PRESENT]
    if credential.informational:
        return Risk(5, "low", ("informational (e.g. an encrypted key)",))
    if not present:
        return Risk(0, "low", ("no plaintext copies left",))

    score = 0
    reasons: list[str] = []
    places: list[str] = []
    for where, test, points in _PLACES:
        count = sum(1 for e in present if test(e))
        if count:
            places.append(f"{'one' if count == 1 else count} {where}")
            score += points
    copies = _plural(len(present), "copy", "copies")
    reasons.append(copies + (", " + ", ".join(places) if places else ""))
    score += min(20, 8 * (len(present) - 1)) + 10

    if facts.expires_at is None:
        reasons.append("no expiry")
        score += 20
    elif facts.expires_at <= now:
        reasons.append("expired")
        score -= 30
    else:
        days = (facts.expires_at - now).days
        reasons.append(f"expires in {_plural(days, 'day')}")
        score += 5 if days > 30 else 0

    if credential.provider in HIGH_IMPACT_PROVIDERS:
        reasons.append(f"{credential.provider} credentials open high-impact accounts")
        score += 10
    if facts.rotation_due_at is not None and facts.rotation_due_at <= now:
        overdue = (now - facts.rotation_due_at).days
        reasons.append(f"rotation overdue by {_plural(overdue, 'day')}")
        score += 15
    elif facts.age_days >= 365:
        reasons.append(f"{facts.age_days // 365} year(s) old")
        score += 5
    if credential.state == CredentialState.MIGRATED:
        reasons.append("was migrated, but a plaintext copy came back")
        score += 5

    score = max(0, min(100, score))
    level = next(name for floor, name in LEVELS if score >= floor)
    return Risk(score, level, tuple(reasons))


def assess(inventory: Inventory, credential_id: int, *, now: datetime | None = None) -> Risk:
    credential = inventory.credential(credential_id)
    if credential is None:
        raise KeyError(f"no credential {credential_id}")
    return _assess_stored(inventory, credential, now)


def assess_all(inventory: Inventory, *, now: datetime | None = None) -> dict[int, Risk]:
    return assess_many(inventory, inventory.credentials(), now=now)


def assess_many(
    inventory: Inventory, credentials: Iterable[Credential], *, now: datetime | None = None
) -> dict[int, Risk]:
    """The risk of each of ``credentials``; a file holding copies of several is read once."""
    files = FileLines()
    return {c.id: _assess_stored(inventory, c, now, files) for c in credentials}


def _assess_stored(
    inventory: Inventory,
    credential: Credential,
    now: datetime | None,
    files: FileLines | None = None,
) -> Risk:
    exposures = inventory.exposures(credential.id)
    facts = facts_for(credential, exposures, now=now, files=files)
    return assess_credential(credential, exposures, facts, now=now)
