"""``stowaway remind``: due and overdue rotations and expiries; export to an .ics calendar."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from scanner import settings as settings_mod
from scanner.inventory import Inventory
from scanner.reminders import Reminder, due_reminders, local_zone, to_ics

STATUS_MARK = {"overdue": "!!", "due": "! ", "upcoming": "  "}


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "remind",
        help="due and overdue rotations and expiries",
        description=(
            "List credentials whose rotation or expiry is coming up (from the lead times before "
            "it), due today or overdue. Exit code 1 when something is due or overdue."
        ),
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--lead",
        metavar="DAYS",
        help="comma-separated lead times in days (default: from settings, 14,3,1)",
    )
    parser.add_argument("--ics", metavar="FILE", type=Path, help="also write an iCalendar file")
    parser.set_defaults(func=run)


def _lead_days(text: str | None) -> tuple[int, ...]:
    if text:
        try:
            days = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
        except ValueError:
            raise SystemExit("stowaway remind: --lead takes whole days, e.g. 14,3,1") from None
        if not days or min(days) < 0:
            raise SystemExit("stowaway remind: --lead takes non-negative days, e.g. 14,3,1")
        return days
    loaded, _problem = settings_mod.load_or_default()
    return tuple(loaded.notification_lead_days)


def _as_json(reminder: Reminder) -> dict[str, Any]:
    return {
        "credential_id": reminder.credential_id,
        "kind": reminder.kind,
        "due_at": reminder.due_at.isoformat(),
        "status": reminder.status,
        "lead_days": reminder.lead_days,
        "title": reminder.title,
        "message": reminder.message,
    }


def run(args: argparse.Namespace) -> int:
    lead = _lead_days(args.lead)
    with Inventory.open() as inventory:
        reminders = due_reminders(inventory, lead_days=lead)
    if args.ics:
        args.ics.write_text(to_ics(reminders, lead_days=lead), encoding="utf-8", newline="")
        print(f"Wrote {len(reminders)} reminder(s) to {args.ics}", file=sys.stderr)
    if args.format == "json":
        json.dump([_as_json(r) for r in reminders], sys.stdout, indent=2)
        print()
    elif not reminders:
        print("Nothing due: no rotation or expiry within your lead times.")
    else:
        zone = local_zone()
        for reminder in reminders:
            when = reminder.due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            print(
                f"{STATUS_MARK[reminder.status]} {reminder.status:<8} {when}  "
                f"#{reminder.credential_id} {reminder.title}"
            )
            print(f"   {reminder.message}")
    return 1 if any(r.status in ("due", "overdue") for r in reminders) else 0
