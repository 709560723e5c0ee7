"""The desktop's single door to the Qt-free core: inventory, engine, risk, reminders.

Everything here is plain Python that runs on worker threads (see :mod:`desktop.workers`); the UI
thread only receives immutable results (``Credential`` rows, ``Snapshot``s).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.workers import JobContext
from scanner import settings as settings_mod
from scanner.inventory.models import Credential, Exposure, InventoryEvent, InventoryStats
from scanner.settings import Settings

ROWS_SHOWN_WAIT_S = 0.5

if TYPE_CHECKING:
    from scanner.inventory.store import Inventory
    from scanner.model import Finding
    from scanner.scan import Engine


@dataclass(frozen=True)
class Snapshot:
    """What the main window shows, read off the UI thread.

    ``assessed`` is False for the quick first part (rows and counts, a few tens of ms) that
    :meth:`Services.snapshot` sends ahead while it computes risks and reminders (which read
    every credential's copies and take most of the time).
    """

    credentials: list[Credential]
    risks: dict[int, Any]
    stats: InventoryStats
    reminders: list[Any] = field(default_factory=list)
    read_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    assessed: bool = True


@dataclass(frozen=True)
class ScanSummary:
    files_scanned: int
    bytes_scanned: int
    findings: int
    new_credentials: int
    duration_s: float
    cancelled: bool
    issues: int


class Services:
    """Opens the inventory (one connection per call/thread) and shares one compiled engine."""

    def __init__(self, inventory_path: Path | None = None) -> None:
        self.inventory_path = inventory_path
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()

    # -- core objects --------------------------------------------------------------------------
    def open_inventory(self) -> Inventory:
        from scanner.inventory.store import Inventory

        return Inventory.open(self.inventory_path)

    def engine(self) -> Engine:
        """The shared engine, compiled on first use (thread-safe, reusable)."""
        with self._engine_lock:
            if self._engine is None:
                from scanner.scan import Engine

                self._engine = Engine(options=self.scan_options())
            return self._engine

    def reset_engine(self) -> None:
        """Settings changed (excludes...): the next scan builds a fresh engine."""
        with self._engine_lock:
            self._engine = None

    def scan_options(self) -> Any:
        from scanner.scan import ScanOptions

        return ScanOptions(extra_excludes=tuple(load_settings().excludes))

    # -- reads ---------------------------------------------------------------------------------
    def snapshot(
        self, ctx: JobContext | None = None, rows_shown: threading.Event | None = None
    ) -> Snapshot:
        """Everything the window shows; with ``ctx``, the rows and counts go out first as a
        partial result (an unassessed Snapshot) so the table paints before risks are known.
        ``rows_shown``: the UI sets it once those rows are on screen; the assessment waits for
        it (briefly) so it does not compete with the first paint for the interpreter."""
        with self.open_inventory() as inv:
            creds = inv.credentials()
            stats = inv.stats()
            if ctx is not None:
                ctx.partial([Snapshot(creds, {}, stats, assessed=False)], force=True)
                if rows_shown is not None:
                    rows_shown.wait(ROWS_SHOWN_WAIT_S)
                ctx.check()
            risks = assess_all(inv)
            reminders = due_reminders(inv)
        return Snapshot(creds, risks, stats, reminders)

    def credential_details(
        self, credential_id: int
    ) -> tuple[Credential | None, list[Exposure], Any]:
        with self.open_inventory() as inv:
            cred = inv.credential(credential_id)
            exposures = inv.exposures(credential_id) if cred else []
            risk = assess_one(inv, credential_id) if cred else None
        return cred, exposures, risk

    # -- scanning ------------------------------------------------------------------------------
    def scan(self, ctx: JobContext, roots: list[Path] | None = None) -> ScanSummary:
        """A full scan of ``roots`` (default: personal locations + watched folders) recorded into
        the inventory; changed ``Credential`` rows stream out through ``ctx.partial``."""
        from scanner import recording

        engine = self.engine()
        scan_roots = list(roots) if roots else recording.default_roots()
        with self.open_inventory() as inv:

            def on_event(event: InventoryEvent) -> None:
                if event.credential_id is not None:
                    cred = inv.credential(event.credential_id)
                    if cred is not None:
                        ctx.partial([cred])

            result, events = recording.record_scan(
                engine,
                inv,
                scan_roots,
                on_progress=ctx.progress,
                on_event=on_event,
                cancel=ctx.cancel_event,
            )
        return ScanSummary(
            files_scanned=result.files_scanned,
            bytes_scanned=result.bytes_scanned,
            findings=len(result.findings),
            new_credentials=sum(1 for e in events if e.kind == "new_credential"),
            duration_s=result.duration_s,
            cancelled=result.cancelled,
            issues=len(result.issues),
        )

    def recover_migrations(self, _ctx: JobContext | None = None) -> list[str]:
        """Finish or roll back a migration a crash interrupted (as the CLI does at start);
        returns what was done, in plain words (no secrets)."""
        from scanner.migrate.recovery import pending, recover

        return recover() if pending() else []

    def due_reminders(self) -> list[Any]:
        with self.open_inventory() as inv:
            return due_reminders(inv)

    # -- secrets, on explicit request only -----------------------------------------------------
    def live_finding(self, credential: Credential, exposure: Exposure) -> Finding | None:
        """Re-scan the copy's file now and return the finding for this credential there."""
        scan = self.engine().scan_file(Path(exposure.path))
        matches = [f for f in scan.findings if f.fingerprint == credential.fingerprint]
        if not matches:
            return None
        return min(matches, key=lambda f: abs(f.line - exposure.line))

    def read_secret(self, credential: Credential, exposure: Exposure) -> str | None:
        """The live plaintext (for reveal/copy, when the user asks); never stored anywhere."""
        finding = self.live_finding(credential, exposure)
        return self.engine().read_secret(finding) if finding is not None else None

    def snippet_finder(self, path: str, file_kind: str) -> Any:
        """Spans of every secret the engine finds in a block of text (for redacted context)."""
        from desktop.snippet import Span

        engine = self.engine()

        def find(text: str, first_line: int) -> list[Span]:
            return [
                Span(
                    first_line + f.line - 1,
                    f.column,
                    first_line + f.end_line - 1,
                    f.end_column,
                    f.preview,
                )
                for f in engine.scan_text(text, path=path, file_kind=file_kind)
            ]

        return find


def assess_all(inv: Inventory) -> dict[int, Any]:
    from scanner import risk

    return dict(risk.assess_all(inv))


def assess_one(inv: Inventory, credential_id: int) -> Any:
    from scanner import risk

    return risk.assess(inv, credential_id)


def due_reminders(inv: Inventory) -> list[Any]:
    from scanner import reminders

    lead = load_settings().notification_lead_days
    return list(reminders.due_reminders(inv, lead_days=lead))


def load_settings() -> Settings:
    """The core's settings (a broken file gives the defaults; the UI reports the reason)."""
    return settings_mod.load_or_default()[0]
