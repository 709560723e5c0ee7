"""The leak-response wizard over the real incident flow and Secret Service: every step, resume."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.wizards.leak import LeakWizard
from scanner.incident import IncidentStep, StepStatus
from tests.test_desktop_support import scan_and_pick, started_controller, wait_until, write_tokens
from tests.tokens import TokenFactory

pytestmark = pytest.mark.keychain


def _done(job) -> None:
    assert job is not None
    assert wait_until(lambda: job.done.is_set(), timeout=60)
    assert job.error is None, job.error
    wait_until(lambda: False, timeout=0.1)  # deliver the job's signals


def test_leak_response_every_step_then_resume(home: Path, keychain, qtbot) -> None:
    values = write_tokens(home)
    ctl = started_controller(qtbot)
    cred = scan_and_pick(ctl, home, "github")

    wizard = LeakWizard(ctl.services, ctl.runner, credential_id=cred.id, parent=ctl.window)
    qtbot.addWidget(wizard)
    wizard.show()
    _done(wizard.opened)
    find, revoke, replace, scrub, record = wizard.pages
    assert wizard.currentPage() is find
    _done(find.find_copies())
    assert ".env" in find.copies.toPlainText()
    assert wizard.flow.incident.steps[IncidentStep.FIND].status == StepStatus.DONE
    assert find.isComplete()
    wizard.next()
    assert wizard.currentPage() is revoke
    assert wait_until(lambda: revoke.revocation is not None)
    assert "github.com" in revoke.info.toPlainText()
    incident_id = wizard.flow.incident_id
    wizard.close()

    # resumable: a new wizard opens at the first unfinished step
    again = LeakWizard(ctl.services, ctl.runner, incident_id=incident_id, parent=ctl.window)
    qtbot.addWidget(again)
    again.show()
    _done(again.opened)
    assert wait_until(lambda: again.currentPage() is again.pages[1])
    find, revoke, replace, scrub, record = again.pages
    _done(revoke.skip("revoked from the phone app while travelling"))
    assert revoke.isComplete()
    assert "Skipped: revoked from the phone app" in revoke.status.text()
    again.next()
    new_token = TokenFactory(seed=99).github("ghp")
    replace.token.setText(new_token)
    _done(replace.replace())
    assert replace.token.text() == ""
    assert "Stored as" in replace.result_label.text()
    again.next()
    env_file = home / "projects" / "shop" / ".env"
    _done(scrub.scrub())
    assert values["github"].encode() not in env_file.read_bytes()
    assert scrub.isComplete()
    again.next()
    assert again.currentPage() is record
    record.note.setPlainText("token pasted in a public gist")
    _done(record.record_incident())
    md, js = home / "incident.md", home / "incident.json"
    _done(record.export("md", md))
    _done(record.export("json", js))
    for path in (md, js):
        text = path.read_text()
        assert cred.preview in text
        assert values["github"] not in text and new_token not in text
    assert "revoked from the phone app" in md.read_text()
    assert not wizard.flow.incident.is_open or again.flow.incident.closed_at is not None
    ctl.shutdown()
