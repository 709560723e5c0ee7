"""How the inventory database stores instants: UTC ISO-8601 text with microseconds.

Shared by the inventory and incident tables so every row in the file reads back the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> datetime:
    return datetime.now(UTC)


def to_db(value: datetime | None) -> str | None:
    """``value`` as stored text; a naive datetime is taken to be UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)
