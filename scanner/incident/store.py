"""Incident rows in the inventory database (schema v3: incident, incident_step, incident_copy,
incident_action). Every function takes an open :class:`~scanner.inventory.Inventory` and uses its
connection under its lock, inside its (nestable) transactions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from scanner.incident.models import (
    STEP_ORDER,
    Incident,
    IncidentAction,
    IncidentCopy,
    IncidentStep,
    StepRecord,
    StepStatus,
)
from scanner.inventory import Inventory
from scanner.inventory.timestamps import from_db as _dt
from scanner.inventory.timestamps import now_utc
from scanner.inventory.timestamps import to_db as _ts


class IncidentError(Exception):
    """A request the incident flow cannot carry out; the message is for the user, secret-free."""


@contextmanager
def _db(inventory: Inventory) -> Iterator[sqlite3.Connection]:
    """The inventory's connection, in one write transaction."""
    with inventory.write_transaction() as conn:
        yield conn


def _rows(inventory: Inventory, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    return inventory.query(sql, params)


def create(
    inventory: Inventory,
    *,
    credential_id: int | None,
    fingerprint: str,
    preview: str,
    provider: str,
    rule_id: str,
    rule_name: str,
    origin: str,
) -> int:
    at = _ts(now_utc())
    with _db(inventory) as conn:
        cur = conn.execute(
            "INSERT INTO incident(credential_id, fingerprint, preview, provider, rule_id, "
            "rule_name, origin, started_at) VALUES (?,?,?,?,?,?,?,?)",
            (credential_id, fingerprint, preview, provider, rule_id, rule_name, origin, at),
        )
        incident_id = int(cur.lastrowid or 0)
        conn.executemany(
            "INSERT INTO incident_step(incident_id, step) VALUES (?, ?)",
            [(incident_id, step.value) for step in STEP_ORDER],
        )
    return incident_id


def link_credential(
    inventory: Inventory,
    incident_id: int,
    credential_id: int,
    *,
    provider: str,
    rule_id: str,
    rule_name: str,
    preview: str,
) -> None:
    with _db(inventory) as conn:
        conn.execute(
            "UPDATE incident SET credential_id = ?, provider = ?, rule_id = ?, rule_name = ?, "
            "preview = ? WHERE id = ?",
            (credential_id, provider, rule_id, rule_name, preview, incident_id),
        )


def load(inventory: Inventory, incident_id: int) -> Incident:
    rows = _rows(
        inventory,
        "SELECT id, credential_id, fingerprint, preview, provider, rule_id, rule_name, origin, "
        "started_at, closed_at FROM incident WHERE id = ?",
        (incident_id,),
    )
    if not rows:
        raise IncidentError(f"There is no incident #{incident_id} (see `stowaway incident list`).")
    r = rows[0]
    steps: dict[IncidentStep, StepRecord] = {}
    for step, status, at, note, data in _rows(
        inventory,
        "SELECT step, status, at, note, data FROM incident_step WHERE incident_id = ?",
        (incident_id,),
    ):
        steps[IncidentStep(step)] = StepRecord(status, _dt(at), note, json.loads(data))
    for step in STEP_ORDER:
        steps.setdefault(step, StepRecord(StepStatus.PENDING, None, ""))
    closed = _dt(r[9])
    current = next(
        (s for s in STEP_ORDER if steps[s].status == StepStatus.PENDING), IncidentStep.RECORD
    )
    if closed is not None:
        current = IncidentStep.RECORD
    started = _dt(r[8])
    assert started is not None
    return Incident(
        id=r[0],
        credential_id=r[1],
        fingerprint=r[2],
        preview=r[3],
        provider=r[4],
        rule_id=r[5],
        rule_name=r[6],
        origin=r[7],
        started_at=started,
        current_step=current,
        steps={s: steps[s] for s in STEP_ORDER},
        closed_at=closed,
    )


def incident_ids(inventory: Inventory, *, open_only: bool = False) -> list[int]:
    sql = "SELECT id FROM incident" + (" WHERE closed_at IS NULL" if open_only else "")
    return [r[0] for r in _rows(inventory, sql + " ORDER BY id")]


def open_for_fingerprint(inventory: Inventory, fingerprint: str) -> int | None:
    rows = _rows(
        inventory,
        "SELECT id FROM incident WHERE fingerprint = ? AND closed_at IS NULL ORDER BY id DESC",
        (fingerprint,),
    )
    return int(rows[0][0]) if rows else None


def set_step(
    inventory: Inventory,
    incident_id: int,
    step: IncidentStep,
    status: StepStatus,
    note: str,
    data: Mapping[str, Any] | None = None,
) -> None:
    with _db(inventory) as conn:
        if data is None:
            conn.execute(
                "UPDATE incident_step SET status = ?, at = ?, note = ? "
                "WHERE incident_id = ? AND step = ?",
                (status.value, _ts(now_utc()), note, incident_id, step.value),
            )
        else:
            conn.execute(
                "UPDATE incident_step SET status = ?, at = ?, note = ?, data = ? "
                "WHERE incident_id = ? AND step = ?",
                (
                    status.value,
                    _ts(now_utc()),
                    note,
                    json.dumps(dict(data)),
                    incident_id,
                    step.value,
                ),
            )


def update_step_data(
    inventory: Inventory, incident_id: int, step: IncidentStep, **changes: Any
) -> None:
    """Merge ``changes`` into a step's data without touching its status."""
    with _db(inventory) as conn:
        row = conn.execute(
            "SELECT data FROM incident_step WHERE incident_id = ? AND step = ?",
            (incident_id, step.value),
        ).fetchone()
        data = json.loads(row[0]) if row else {}
        data.update(changes)
        conn.execute(
            "UPDATE incident_step SET data = ? WHERE incident_id = ? AND step = ?",
            (json.dumps(data), incident_id, step.value),
        )


def close(inventory: Inventory, incident_id: int) -> None:
    with _db(inventory) as conn:
        conn.execute(
            "UPDATE incident SET closed_at = coalesce(closed_at, ?) WHERE id = ?",
            (_ts(now_utc()), incident_id),
        )


def log(inventory: Inventory, incident_id: int, step: IncidentStep | str, message: str) -> None:
    with _db(inventory) as conn:
        conn.execute(
            "INSERT INTO incident_action(incident_id, step, at, message) VALUES (?,?,?,?)",
            (incident_id, str(step), _ts(now_utc()), message),
        )


def actions(inventory: Inventory, incident_id: int) -> list[IncidentAction]:
    return [
        IncidentAction(_dt(at) or now_utc(), step, message)
        for at, step, message in _rows(
            inventory,
            "SELECT at, step, message FROM incident_action WHERE incident_id = ? ORDER BY id",
            (incident_id,),
        )
    ]


def add_copy(
    inventory: Inventory,
    incident_id: int,
    *,
    exposure_id: int | None,
    path: str,
    line: int,
    column: int,
    file_kind: str,
    found_by: str,
) -> bool:
    """Record a copy (once per place); True when it was new to this incident."""
    with _db(inventory) as conn:
        known = conn.execute(
            "SELECT id FROM incident_copy WHERE incident_id = ? AND path = ? AND line = ? "
            "AND col = ?",
            (incident_id, path, line, column),
        ).fetchone()
        if known is not None:
            if exposure_id is not None:
                conn.execute(
                    "UPDATE incident_copy SET exposure_id = ? WHERE id = ?", (exposure_id, known[0])
                )
            return False
        conn.execute(
            "INSERT INTO incident_copy(incident_id, exposure_id, path, line, col, file_kind, "
            "found_by, found_at) VALUES (?,?,?,?,?,?,?,?)",
            (incident_id, exposure_id, path, line, column, file_kind, found_by, _ts(now_utc())),
        )
        return True


def copies(inventory: Inventory, incident_id: int) -> list[IncidentCopy]:
    rows = _rows(
        inventory,
        "SELECT c.id, c.exposure_id, c.path, c.line, c.col, c.file_kind, c.found_by, "
        "c.found_at, coalesce(e.state, 'unknown') FROM incident_copy c "
        "LEFT JOIN exposure e ON e.id = c.exposure_id WHERE c.incident_id = ? "
        "ORDER BY c.path, c.line, c.col",
        (incident_id,),
    )
    return [
        IncidentCopy(r[0], r[1], r[2], r[3], r[4], r[5], r[6], _dt(r[7]) or now_utc(), r[8])
        for r in rows
    ]
