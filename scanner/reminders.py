"""Rotation and expiry reminders, and their export as an iCalendar file.

A reminder is *upcoming* from the first lead time before its date (default 14, 3 and 1 days),
*due* on its date's local calendar day, and *overdue* after it. Lead times are counted in local
calendar days (``zone``), so a reminder three days before stays at the same wall-clock time across
a daylight-saving change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from scanner.inventory.models import Credential, CredentialState
from scanner.lifecycle import DEFAULT_LEAD_DAYS, FileLines, LifecycleFacts, facts_for

if TYPE_CHECKING:
    from scanner.inventory import Inventory


@dataclass(frozen=True, slots=True)
class Reminder:
    credential_id: int
    kind: str  # "rotation" | "expiry"
    due_at: datetime  # UTC
    status: str  # "upcoming" | "due" | "overdue"
    lead_days: int | None  # the lead time that made it show (None once due/overdue)
    title: str
    message: str


def local_zone() -> tzinfo:
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


def alert_times(due_at: datetime, lead_days: Sequence[int], zone: tzinfo) -> list[datetime]:
    """When to nudge: each lead time before the due date, on the local wall clock (UTC out)."""
    local_due = due_at.astimezone(zone)
    out = []
    for days in sorted(set(lead_days), reverse=True):
        naive = local_due.replace(tzinfo=None) - timedelta(days=days)
        out.append(naive.replace(tzinfo=zone).astimezone(UTC))
    return out


def status_of(
    due_at: datetime, now: datetime, lead_days: Sequence[int], zone: tzinfo
) -> tuple[str, int | None] | None:
    local_now, local_due = now.astimezone(zone), due_at.astimezone(zone)
    if local_now.date() > local_due.date():
        return "overdue", None
    if local_now.date() == local_due.date():
        return ("overdue", None) if now >= due_at else ("due", None)
    days_left = (local_due.date() - local_now.date()).days
    fitting = [d for d in lead_days if d >= days_left]
    if not fitting:
        return None
    return "upcoming", min(fitting)


def reminders_for(
    credential: Credential,
    facts: LifecycleFacts,
    *,
    now: datetime,
    lead_days: Sequence[int] = DEFAULT_LEAD_DAYS,
    zone: tzinfo | None = None,
) -> list[Reminder]:
    if credential.state in (CredentialState.REVOKED, CredentialState.IGNORED):
        return []
    zone = zone or local_zone()
    name = f"{credential.rule_name} {credential.preview}"
    owner = f" (owner: {credential.owner})" if credential.owner else ""
    out: list[Reminder] = []
    for kind, due in (("expiry", facts.expires_at), ("rotation", facts.rotation_due_at)):
        if due is None:
            continue
        state = status_of(due, now, lead_days, zone)
        if state is None:
            continue
        status, lead = state
        when = due.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        if kind == "expiry":
            title = f"{name} {'expired' if status == 'overdue' else 'expires'}"
            message = f"{name} {'expired' if status == 'overdue' else 'expires'} on {when}{owner}."
            if status != "overdue":
                message += " Create its replacement and move it into the keychain before then."
        else:
            title = f"Rotate {name}"
            verb = "was due" if status == "overdue" else "is due"
            message = (
                f"Rotation of {name} {verb} on {when}{owner}: create a new one, revoke this one."
            )
        out.append(Reminder(credential.id, kind, due, status, lead, title, message))
    return out


def due_reminders(
    inventory: Inventory,
    *,
    now: datetime | None = None,
    lead_days: Sequence[int] = DEFAULT_LEAD_DAYS,
    zone: tzinfo | None = None,
) -> list[Reminder]:
    """Every upcoming, due or overdue reminder, most urgent first."""
    now = now or datetime.now(UTC)
    out: list[Reminder] = []
    files = FileLines()  # copies of several credentials often share a file: read it once
    for credential in inventory.credentials():
        exposures = inventory.exposures(credential.id)
        facts = facts_for(credential, exposures, now=now, files=files)
        out.extend(reminders_for(credential, facts, now=now, lead_days=lead_days, zone=zone))
    order = {"overdue": 0, "due": 1, "upcoming": 2}
    return sorted(out, key=lambda r: (order[r.status], r.due_at))


# --- iCalendar (RFC 5545) ---------------------------------------------------------------------


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold at 75 octets, continuation lines start with a space (RFC 5545 3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        limit = 75 if not parts else 74
        if len(current) + len(encoded) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def to_ics(
    reminders: Iterable[Reminder],
    *,
    lead_days: Sequence[int] = DEFAULT_LEAD_DAYS,
    now: datetime | None = None,
) -> str:
    """An iCalendar file with one all-day-free VEVENT per reminder and a VALARM per lead time."""
    now = now or datetime.now(UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Stowaway//Token reminders//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Stowaway reminders",
    ]
    for reminder in reminders:
        uid_seed = f"{reminder.credential_id}:{reminder.kind}:{_stamp(reminder.due_at)}"
        uid = hashlib.sha256(uid_seed.encode()).hexdigest()[:24] + "@stowaway"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(reminder.due_at)}",
            f"DTEND:{_stamp(reminder.due_at + timedelta(minutes=30))}",
            _fold(f"SUMMARY:{_escape(reminder.title)}"),
            _fold(f"DESCRIPTION:{_escape(reminder.message)}"),
            f"CATEGORIES:{reminder.kind.upper()}",
            "TRANSP:TRANSPARENT",
        ]
        for days in sorted(set(lead_days), reverse=True):
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                _fold(f"DESCRIPTION:{_escape(reminder.title)}"),
                f"TRIGGER:-P{days}D",
                "END:VALARM",
            ]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
