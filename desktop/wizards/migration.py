"""The migration wizard: the plan in plain words per copy, confirm, progress, result, undo.

It drives the same core as ``stowaway migrate`` (:mod:`scanner.migrate`): plan from the inventory,
run the journaled migration (store → verify → atomic rewrite), undo byte-exact.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop.services import Services
from desktop.workers import Job, JobContext, JobRunner
from scanner.paths import display_path


def plan_html(plan: Any) -> str:
    """Each planned change as before → after, and how the tool keeps working."""
    parts = []
    for change in plan.changes:
        warn = "".join(f"<p style='color:#a3520b'>⚠ {escape(w)}</p>" for w in change.warnings)
        parts.append(
            f"<h3 style='margin-bottom:2px'>{escape(change.title)}</h3>"
            f"<p style='margin:2px 0'><b>File:</b> {escape(display_path(change.path))}</p>"
            f"<p style='margin:2px 0'><b>Before:</b> {escape(change.before)}</p>"
            f"<p style='margin:2px 0'><b>After:</b> {escape(change.after)}</p>"
            f"<p style='margin:2px 0'><b>Your tools:</b> {escape(change.consumer)}</p>{warn}"
        )
    if plan.problems:
        items = "".join(f"<li>{escape(p)}</li>" for p in plan.problems)
        parts.append(f"<h3>Not included</h3><ul>{items}</ul>")
    return "".join(parts) or "<p>Nothing to move.</p>"


class PlanPage(QWizardPage):
    def __init__(self, wizard: MigrationWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("What will change")
        self.setSubTitle("Each copy moves into the system keychain; the file keeps a reference.")
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setAccessibleName("Migration plan")
        self.text.setOpenLinks(False)
        self.text.setHtml("<p>Working out the plan…</p>")
        layout.addWidget(self.text, 1)
        self.confirm = QCheckBox(
            "Rewrite these files. (Undo rebuilds them byte for byte from the keychain.)"
        )
        self.confirm.setAccessibleName("Confirm the migration")
        self.confirm.setEnabled(False)
        self.confirm.toggled.connect(self.completeChanged)
        layout.addWidget(self.confirm)

    def initializePage(self) -> None:
        if self.w.plan is None:
            job = self.w.runner.submit(self.w.make_plan, name="migration-plan")
            job.signals.succeeded.connect(self._planned)
            job.signals.failed.connect(
                lambda msg: self.text.setHtml(f"<p>Could not plan: {escape(msg)}</p>")
            )

    def _planned(self, plan: Any) -> None:
        self.w.plan = plan
        self.text.setHtml(plan_html(plan))
        self.confirm.setEnabled(bool(plan.changes))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.w.plan is not None and bool(self.w.plan.changes) and self.confirm.isChecked()


class RunPage(QWizardPage):
    def __init__(self, wizard: MigrationWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Moving into the keychain")
        self.setCommitPage(True)
        layout = QVBoxLayout(self)
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Migration progress")
        self.label = QLabel("Starting…")
        self.label.setWordWrap(True)
        layout.addWidget(self.bar)
        layout.addWidget(self.label)
        layout.addStretch(1)
        self.job: Job | None = None

    def initializePage(self) -> None:
        self.w.result = None
        self.w.error = None
        self.bar.setRange(0, 0)
        job = self.w.runner.submit(self.w.run_migration, name="migration-run")
        job.signals.progress.connect(self._progress)
        job.signals.succeeded.connect(self._done)
        job.signals.failed.connect(self._failed)
        self.job = job

    def _progress(self, progress: Any) -> None:
        if progress.total:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(progress.done)
        self.label.setText(progress.message)

    def _done(self, result: Any) -> None:
        self.w.result = result
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.label.setText("Done.")
        self.completeChanged.emit()
        self.w.next()

    def _failed(self, message: str) -> None:
        self.w.error = message
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.label.setText(message)
        self.completeChanged.emit()
        self.w.next()

    def isComplete(self) -> bool:
        return self.w.result is not None or self.w.error is not None


class ResultPage(QWizardPage):
    def __init__(self, wizard: MigrationWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Result")
        layout = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        scroll.setWidget(body)
        inner = QVBoxLayout(body)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        inner.addWidget(self.summary)
        inner.addStretch(1)
        layout.addWidget(scroll, 1)
        self.undo_button = QPushButton("Undo this migration")
        self.undo_button.setAccessibleName("Undo this migration")
        self.undo_button.clicked.connect(self.undo)
        layout.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.undo_result: Any = None

    def initializePage(self) -> None:
        if self.w.error is not None:
            self.summary.setText(f"Nothing was changed: {self.w.error}")
            self.undo_button.setVisible(False)
            return
        result = self.w.result
        lines = [f"Migration {result.migration_id}: {result.state}."]
        if result.files_written:
            lines.append("Files rewritten:\n  " + "\n  ".join(result.files_written))
        if result.accounts:
            lines.append("Keychain entries:\n  " + "\n  ".join(result.accounts))
        lines += result.messages
        self.summary.setText("\n\n".join(lines))
        self.undo_button.setVisible(True)

    def undo(self) -> Job:
        self.undo_button.setEnabled(False)
        job = self.w.runner.submit(self.w.run_undo, name="migration-undo")
        job.signals.succeeded.connect(self._undone)
        job.signals.failed.connect(lambda m: self.summary.setText(f"Undo failed: {m}"))
        return job

    def _undone(self, result: Any) -> None:
        self.undo_result = result
        restored = "\n  ".join(result.restored) or "nothing"
        extra = "\n".join(result.messages)
        self.summary.setText(f"Undone ({result.state}). Restored:\n  {restored}\n{extra}".strip())


class MigrationWizard(QWizard):
    def __init__(
        self,
        services: Services,
        runner: JobRunner,
        credential_ids: list[int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.credential_ids = list(credential_ids)
        self.plan: Any = None
        self.result: Any = None
        self.error: str | None = None
        self.setWindowTitle("Move to keychain")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.plan_page = PlanPage(self)
        self.run_page = RunPage(self)
        self.result_page = ResultPage(self)
        for page in (self.plan_page, self.run_page, self.result_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Move")
        self.resize(720, 560)

    # core calls, on worker threads
    def make_plan(self, _ctx: JobContext) -> Any:
        from scanner.migrate import plan_migration

        with self.services.open_inventory() as inv:
            return plan_migration(inv, self.credential_ids, engine=self.services.engine())

    def run_migration(self, ctx: JobContext) -> Any:
        from scanner.migrate import run_plan

        with self.services.open_inventory() as inv:
            return run_plan(
                self.plan, on_progress=lambda p: ctx.progress(p, force=True), inventory=inv
            )

    def run_undo(self, _ctx: JobContext) -> Any:
        from scanner.migrate import undo

        with self.services.open_inventory() as inv:
            return undo(self.result.migration_id, inventory=inv)
