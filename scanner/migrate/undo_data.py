"""Undo data kept in the OS keychain, never in the journal.

Undo rebuilds every edited span from its *template*: keychain references for the secrets Stowaway
found, plus the literal text around them (the rest of a removed history command, the line a
config edit replaced). That text may hold a secret no rule knows (``curl -u me:<password> …``),
so the journal must not keep it. Before a plan is journaled, :func:`split` moves every literal
text of every template into ONE keychain entry per migration:

    service ``"stowaway-undo"``, account ``"<migration id>"``, value: JSON ``{"0": text, …}``
    (ASCII only; split into parts on Windows like any long entry, see :mod:`scanner.keychain`)

and leaves in the journal, for each text, a reference ``(stowaway-undo, "<migration id>/<n>")``
with a salted hash of the text. :func:`expand` turns the entry back into those references'
values for undo, checking every hash. The entry is a migration item like the secrets: recovery
and rollback delete it with them, a successful undo deletes it, and ``stowaway undo --forget``
deletes it for a migration the user will keep (it cannot be undone afterwards).
"""

from __future__ import annotations

import json
from dataclasses import replace

from scanner.migrate.plan import Edit, FileEdit, MigrationPlan, PlannedChange, Segment, content_hash

UNDO_SERVICE = "stowaway-undo"


class UndoDataError(Exception):
    """The undo data in the keychain is missing or does not match the journal (no secret)."""


def digest(migration_id: str, index: str, text: str) -> str:
    salted = f"{migration_id}\0{index}\0{text}".encode("utf-8", "surrogateescape")
    return content_hash(salted)


def text_account(migration_id: str, index: str) -> str:
    return f"{migration_id}/{index}"


def split(plan: MigrationPlan) -> tuple[MigrationPlan, str | None]:
    """(the plan as the journal keeps it, the undo entry's value or None when there is no text)."""
    texts: dict[str, str] = {}

    def moved(segment: Segment) -> Segment:
        if segment.text is None or segment.text == "":
            return segment
        index = str(len(texts))
        texts[index] = segment.text
        return Segment(
            account=text_account(plan.id, index),
            service=UNDO_SERVICE,
            digest=digest(plan.id, index, segment.text),
        )

    def edit(e: Edit) -> Edit:
        return replace(e, original=tuple(moved(s) for s in e.original))

    def file_edit(fe: FileEdit) -> FileEdit:
        return replace(fe, edits=tuple(edit(e) for e in fe.edits))

    def change(c: PlannedChange) -> PlannedChange:
        return replace(c, files=tuple(file_edit(fe) for fe in c.files))

    journaled = MigrationPlan(
        id=plan.id,
        created=plan.created,
        changes=[change(c) for c in plan.changes],
        problems=list(plan.problems),
    )
    if not texts:
        return journaled, None
    return journaled, json.dumps(texts, ensure_ascii=True, separators=(",", ":"))


def references(plan: MigrationPlan) -> list[Segment]:
    """The journaled plan's references into its undo entry."""
    return [
        s
        for fe in plan.file_edits()
        for e in fe.edits
        for s in e.original
        if s.service == UNDO_SERVICE and s.account is not None
    ]


def expand(plan: MigrationPlan, payload: str | None) -> dict[tuple[str, str], str]:
    """The texts the journaled plan refers to, keyed like keychain values; every hash checked."""
    refs = references(plan)
    if not refs:
        return {}
    if payload is None:
        raise UndoDataError(
            f"The undo data of migration {plan.id} is not in the keychain (dropped with "
            "`stowaway undo --forget`, or deleted by hand), so its files cannot be rebuilt."
        )
    try:
        texts = json.loads(payload)
    except ValueError as exc:
        raise UndoDataError(f"The undo data of migration {plan.id} is damaged.") from exc
    if not isinstance(texts, dict):
        raise UndoDataError(f"The undo data of migration {plan.id} is damaged.")
    out: dict[tuple[str, str], str] = {}
    for ref in refs:
        assert ref.account is not None
        index = ref.account.rpartition("/")[2]
        text = texts.get(index)
        if not isinstance(text, str) or digest(plan.id, index, text) != ref.digest:
            raise UndoDataError(
                f"The undo data of migration {plan.id} in the keychain does not match the "
                "journal; nothing was changed."
            )
        out[(UNDO_SERVICE, ref.account)] = text
    return out
