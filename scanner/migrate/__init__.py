"""Move secrets from files into the OS keychain while keeping the consuming tools working.

Qt-free API used by the CLI and the desktop wizard::

    plan = plan_migration(inventory, credential_ids)      # or plan_findings(findings)
    result = run_plan(plan, on_progress=print)            # journaled, atomic, verified
    undo(result.migration_id)                             # byte-exact restore
    forget_undo(result.migration_id)                      # keep it: drop its undo data
    rotate(account, new_value)                            # new value; the previous one kept
    recover()                                             # finish/roll back after a crash

Order of one migration (each boundary is a journal state; see :mod:`scanner.migrate.runner`):
read the live value from the file (verify fingerprint) → store in the keychain → read back and
compare → journal commit → atomic rewrite of each file (refused if it changed since the plan) →
mark the inventory.
"""

from __future__ import annotations

from scanner.migrate.plan import MigrationPlan, PlannedChange
from scanner.migrate.planner import plan_findings, plan_migration
from scanner.migrate.recovery import recover
from scanner.migrate.rotate import RotateError, Rotation, restore_previous, rotate
from scanner.migrate.runner import MigrationError, MigrationResult, run_plan
from scanner.migrate.undo import UndoResult, forget_undo, list_migrations, undo

__all__ = [
    "MigrationError",
    "MigrationPlan",
    "MigrationResult",
    "PlannedChange",
    "RotateError",
    "Rotation",
    "UndoResult",
    "forget_undo",
    "list_migrations",
    "plan_findings",
    "plan_migration",
    "recover",
    "restore_previous",
    "rotate",
    "run_plan",
    "undo",
]
