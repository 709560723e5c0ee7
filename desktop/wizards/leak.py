"""The leak-response wizard: find, revoke, replace, scrub, record (:mod:`scanner.incident`).

State lives in the inventory, so closing the wizard and opening it again resumes at the first
unfinished step. Every step can be skipped with a reason (kept in the record). Nothing goes to the
network unless the user presses "Revoke through the API" and then confirms the exact request.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop.services import Services
from desktop.workers import Job, JobContext, JobRunner
from scanner.incident import STEP_ORDER, STEP_TITLES, IncidentFlow, IncidentStep, StepStatus
from scanner.inventory.store import Inventory

STEP_HELP = {
    IncidentStep.FIND: "Look for every copy of this token on this computer: the inventory's "
    "copies plus a fresh scan of your personal locations.",
    IncidentStep.REVOKE: "Make the leaked token useless at the provider. Do this first: "
    "cleaning files does not help once a copy is out.",
    IncidentStep.REPLACE: "Create a new token at the provider and paste it here; it goes straight "
    "into the keychain, where your tools will read it.",
    IncidentStep.SCRUB: "Remove or redact every old copy (a journaled migration you can undo).",
    IncidentStep.RECORD: "Close the incident and keep a short record for your notes or team.",
}


class UiAsker(QObject):
    """Lets a worker thread ask the user a yes/no question on the UI thread and wait for it."""

    _ask = Signal(str, object)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.answer_with: Callable[[str], bool] | None = None  # tests answer without a dialog
        self._ask.connect(self._on_ask, Qt.ConnectionType.QueuedConnection)

    def __call__(self, text: str) -> bool:
        box: dict[str, Any] = {"event": threading.Event(), "answer": False}
        self._ask.emit(text, box)
        box["event"].wait()
        return bool(box["answer"])

    @Slot(str, object)
    def _on_ask(self, text: str, box: dict[str, Any]) -> None:
        try:
            if self.answer_with is not None:
                box["answer"] = self.answer_with(text)
            else:
                reply = QMessageBox.question(
                    self.parent_widget,
                    "Send this request?",
                    f"Stowaway will send exactly this:\n\n{text}\n\nSend it now?",
                )
                box["answer"] = reply == QMessageBox.StandardButton.Yes
        finally:
            box["event"].set()


class StepPage(QWizardPage):
    def __init__(self, wizard: LeakWizard, step: IncidentStep) -> None:
        super().__init__()
        self.w = wizard
        self.step = step
        number = STEP_ORDER.index(step) + 1
        self.setTitle(f"{number}. {STEP_TITLES[step]}")
        self.setSubTitle(STEP_HELP[step])
        self.body = QVBoxLayout(self)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Step status")
        self.body.addWidget(self.status)
        self.content = QVBoxLayout()
        self.body.addLayout(self.content, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.skip_button = QPushButton("Skip this step…")
        self.skip_button.clicked.connect(lambda: self.skip())
        row.addWidget(self.skip_button)
        self.body.addLayout(row)

    def record(self) -> Any:
        return self.w.flow.incident.steps[self.step] if self.w.flow else None

    def initializePage(self) -> None:
        self.refresh_status()

    def refresh_status(self) -> None:
        rec = self.record()
        if rec is None:
            self.status.setText("Opening the incident…")
        elif rec.status == StepStatus.DONE:
            self.status.setText(f"✔ Done: {rec.note}")
        elif rec.status == StepStatus.SKIPPED:
            self.status.setText(f"Skipped: {rec.note}")
        else:
            self.status.setText("")
        self.skip_button.setEnabled(rec is not None and not rec.finished)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        rec = self.record()
        return rec is not None and rec.finished

    def skip(self, reason: str | None = None) -> Job | None:
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, "Skip step", "Why skip this step? (kept in the record)"
            )
            if not ok:
                return None
        if not reason.strip():
            return None
        return self.w.call(lambda flow: flow.skip(self.step, reason), self)


class FindPage(StepPage):
    def __init__(self, wizard: LeakWizard) -> None:
        super().__init__(wizard, IncidentStep.FIND)
        self.button = QPushButton("Find copies")
        self.button.clicked.connect(lambda: self.find_copies())
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        self.copies = QPlainTextEdit()
        self.copies.setReadOnly(True)
        self.copies.setAccessibleName("Copies found")
        self.content.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        self.content.addWidget(self.bar)
        self.content.addWidget(self.copies, 1)

    def refresh_status(self) -> None:
        super().refresh_status()
        if self.w.copies is not None:
            lines = [f"{c.location}  ({c.file_kind}, {c.state})" for c in self.w.copies]
            self.copies.setPlainText("\n".join(lines) or "No copy found.")

    def find_copies(self) -> Job:
        self.bar.setVisible(True)
        self.bar.setRange(0, 0)

        def run(flow: IncidentFlow, ctx: JobContext) -> Any:
            flow.find_copies(on_progress=ctx.progress, cancel=ctx.cancel_event)
            self.w.copies = flow.copies()
            return None

        job = self.w.call(run, self, with_ctx=True)
        job.signals.finished.connect(lambda: self.bar.setVisible(False))
        return job


class RevokePage(StepPage):
    def __init__(self, wizard: LeakWizard) -> None:
        super().__init__(wizard, IncidentStep.REVOKE)
        self.info = QTextBrowser()
        self.info.setOpenLinks(False)
        self.info.anchorClicked.connect(QDesktopServices.openUrl)
        self.info.setAccessibleName("How to revoke")
        self.content.addWidget(self.info, 1)
        row = QHBoxLayout()
        self.page_button = QPushButton("Open the provider's page")
        self.page_button.clicked.connect(self.open_page)
        self.api_button = QPushButton("Revoke through the API…")
        self.api_button.setToolTip(
            "Sends one request to the provider after you confirm exactly what"
        )
        self.api_button.clicked.connect(lambda: self.revoke_api())
        self.done_button = QPushButton("I revoked it")
        self.done_button.clicked.connect(lambda: self.mark_revoked())
        for b in (self.page_button, self.api_button, self.done_button):
            row.addWidget(b)
        row.addStretch(1)
        self.content.addLayout(row)
        self.revocation: Any = None
        self.outcome: Any = None

    def initializePage(self) -> None:
        super().initializePage()
        job = self.w.call(lambda flow: flow.revocation_info(), self)
        job.signals.succeeded.connect(self._show_info)

    def _show_info(self, info: Any) -> None:
        self.revocation = info
        html = [f"<p><b>{escape(info.provider)}</b> · {escape(info.rule_name)}</p>"]
        if info.url:
            url = escape(info.url)
            html.append(f"<p>Revoke it here: <a href='{url}'>{url}</a></p>")
        if info.steps:
            html.append(f"<p>{escape(info.steps)}</p>")
        if info.api_description:
            html.append(
                "<p><b>Or through the API</b> (only if you press the button): "
                f"{escape(info.api_description)}</p>"
            )
        elif info.api_text:
            html.append(f"<p>{escape(info.api_text)}</p>")
        self.info.setHtml("".join(html))
        self.page_button.setEnabled(bool(info.url))
        self.api_button.setVisible(info.api_key is not None)

    def open_page(self) -> None:
        if self.revocation is not None and self.revocation.url:
            QDesktopServices.openUrl(QUrl(self.revocation.url))

    def revoke_api(self, endpoint: str | None = None) -> Job:
        asker = self.w.asker

        def run(flow: IncidentFlow) -> Any:
            return flow.revoke_via_api(confirm=asker, endpoint=endpoint)

        job = self.w.call(run, self)
        job.signals.succeeded.connect(self._revoked)
        return job

    def _revoked(self, outcome: Any) -> None:
        self.outcome = outcome
        self.status.setText(outcome.message if not outcome.ok else f"✔ {outcome.message}")
        if outcome.ok:
            self.refresh_status()

    def mark_revoked(self, note: str = "revoked on the provider's page") -> Job:
        return self.w.call(lambda flow: flow.mark_revoked(note), self)


class ReplacePage(StepPage):
    def __init__(self, wizard: LeakWizard) -> None:
        super().__init__(wizard, IncidentStep.REPLACE)
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("paste the new token")
        self.token.setAccessibleName("New token")
        self.button = QPushButton("Store in the keychain")
        self.button.clicked.connect(lambda: self.replace())
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.content.addWidget(self.token)
        self.content.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        self.content.addWidget(self.result_label)
        self.content.addStretch(1)

    def replace(self) -> Job | None:
        new_token = self.token.text().strip()
        self.token.clear()  # the field never keeps it
        if not new_token:
            return None

        def run(flow: IncidentFlow) -> Any:
            return flow.replace(new_token)

        job = self.w.call(run, self)
        job.signals.succeeded.connect(self._replaced)
        return job

    def _replaced(self, result: Any) -> None:
        lines = [f"Stored as {result.account} ({result.new_preview})."]
        if result.rotated:
            lines.append("Now read by your tools: " + ", ".join(result.rotated))
        lines += list(result.messages)
        self.result_label.setText("\n".join(lines))


class ScrubPage(StepPage):
    def __init__(self, wizard: LeakWizard) -> None:
        super().__init__(wizard, IncidentStep.SCRUB)
        row = QHBoxLayout()
        self.button = QPushButton("Remove the old copies")
        self.button.clicked.connect(lambda: self.scrub())
        self.undo_button = QPushButton("Undo")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(lambda: self.undo())
        row.addWidget(self.button)
        row.addWidget(self.undo_button)
        row.addStretch(1)
        self.content.addLayout(row)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.content.addWidget(self.result_label)
        self.content.addStretch(1)

    def scrub(self) -> Job:
        job = self.w.call(
            lambda flow, ctx: flow.scrub(on_progress=ctx.progress), self, with_ctx=True
        )
        job.signals.succeeded.connect(self._scrubbed)
        return job

    def _scrubbed(self, result: Any) -> None:
        lines = []
        if result.files:
            lines.append("Rewritten: " + ", ".join(result.files))
        lines += [f"⚠ {p}" for p in (*result.problems, *result.warnings)]
        lines.append(f"{result.remaining} cop{'y' if result.remaining == 1 else 'ies'} left.")
        self.result_label.setText("\n".join(lines))
        self.undo_button.setEnabled(result.migration_id is not None)

    def undo(self) -> Job:
        job = self.w.call(lambda flow: flow.undo_scrub(), self)
        job.signals.succeeded.connect(
            lambda _r: self.result_label.setText("The old copies are back.")
        )
        return job


class RecordPage(StepPage):
    def __init__(self, wizard: LeakWizard) -> None:
        super().__init__(wizard, IncidentStep.RECORD)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("What happened, who was told… (optional)")
        self.note.setAccessibleName("Incident note")
        self.note.setMaximumHeight(90)
        self.content.addWidget(self.note)
        row = QHBoxLayout()
        self.record_button = QPushButton("Record and close")
        self.record_button.clicked.connect(lambda: self.record_incident())
        self.md_button = QPushButton("Export Markdown…")
        self.md_button.clicked.connect(lambda: self.export("md"))
        self.json_button = QPushButton("Export JSON…")
        self.json_button.clicked.connect(lambda: self.export("json"))
        for b in (self.record_button, self.md_button, self.json_button):
            row.addWidget(b)
        row.addStretch(1)
        self.content.addLayout(row)
        self.preview = QTextBrowser()
        self.preview.setAccessibleName("Incident report")
        self.content.addWidget(self.preview, 1)

    def initializePage(self) -> None:
        super().initializePage()
        self.update_preview()

    def update_preview(self) -> None:
        job = self.w.call(lambda flow: flow.report_markdown(), self)
        job.signals.succeeded.connect(self.preview.setMarkdown)

    def record_incident(self) -> Job:
        note = self.note.toPlainText().strip()
        job = self.w.call(lambda flow: flow.record(note), self)
        job.signals.succeeded.connect(lambda _r: self.update_preview())
        return job

    def export(self, kind: str, target: Path | None = None) -> Job | None:
        if target is None:
            name, _ = QFileDialog.getSaveFileName(
                self, "Export incident report", f"incident-{self.w.flow.incident_id}.{kind}"
            )
            if not name:
                return None
            target = Path(name)

        def run(flow: IncidentFlow) -> str:
            text = (
                flow.report_markdown()
                if kind == "md"
                else json.dumps(flow.report_json(), indent=2, default=str, ensure_ascii=False)
            )
            target.write_text(text, encoding="utf-8")
            return str(target)

        return self.w.call(run, self)


class LeakWizard(QWizard):
    def __init__(
        self,
        services: Services,
        runner: JobRunner,
        *,
        credential_id: int | None = None,
        incident_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.flow: Any = None
        self.copies: list[Any] | None = None
        # opened by the first job (never on the UI thread: it may wait on a scan's write lock),
        # then shared by this wizard's jobs, one at a time; closed when the wizard finishes
        self.inventory: Inventory | None = None
        self._finished = False
        self.asker = UiAsker(self)
        self.setWindowTitle("Leak response")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.pages = [
            FindPage(self),
            RevokePage(self),
            ReplacePage(self),
            ScrubPage(self),
            RecordPage(self),
        ]
        for page in self.pages:
            self.addPage(page)
        self.resize(760, 560)
        self.finished.connect(self._close_inventory)
        self.opened = self._open(credential_id, incident_id)

    def _open(self, credential_id: int | None, incident_id: int | None) -> Job:
        services = self.services

        def run(_ctx: JobContext) -> Any:
            inv = services.open_inventory()
            try:
                if incident_id is not None:
                    flow = IncidentFlow.resume(inv, incident_id, engine=services.engine())
                else:
                    assert credential_id is not None
                    flow = IncidentFlow.start_from_credential(
                        inv, credential_id, engine=services.engine()
                    )
                copies = flow.copies()
            except BaseException:
                inv.close()
                raise
            return inv, flow, copies

        job = self.runner.submit(run, name="incident-open")
        job.signals.succeeded.connect(self._opened)
        job.signals.failed.connect(lambda m: QMessageBox.warning(self, "Leak response", m))
        return job

    def _close_inventory(self, _result: int = 0) -> None:
        self._finished = True
        if self.inventory is not None:
            self.inventory.close()

    def _opened(self, result: Any) -> None:
        inv, flow, copies = result
        if self._finished:  # closed before the incident was open
            inv.close()
            return
        self.inventory, self.flow = inv, flow
        self.copies = copies or None
        self.setWindowTitle(f"Leak response: {self.flow.incident.label}")
        # resume at the first unfinished step
        target = STEP_ORDER.index(self.flow.incident.current_step)
        while self.currentId() < target and self.currentId() >= 0:
            self.next()
        page = self.currentPage()
        if isinstance(page, StepPage):
            page.refresh_status()

    def call(self, fn: Callable[..., Any], page: StepPage, *, with_ctx: bool = False) -> Job:
        """Run ``fn(flow)`` (or ``fn(flow, ctx)``) on a worker; refresh the page afterwards."""
        flow = self.flow

        def run(ctx: JobContext) -> Any:
            result = fn(flow, ctx) if with_ctx else fn(flow)
            flow.refresh()
            return result

        job = self.runner.submit(run, name=f"incident-{page.step.value}")
        job.signals.succeeded.connect(lambda _r: page.refresh_status())
        job.signals.failed.connect(lambda m: page.status.setText(f"⚠ {m}"))
        return job
