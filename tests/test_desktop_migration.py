"""The migration wizard against the real Secret Service: plan → confirm → run → undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard

from desktop.wizards.migration import MigrationWizard
from scanner.inventory import CredentialState, Inventory
from scanner.paths import display_path
from tests.test_desktop_support import scan_and_pick, started_controller, wait_until, write_tokens

pytestmark = pytest.mark.keychain


def test_migrate_through_the_wizard_then_undo(home: Path, keychain, qtbot) -> None:
    values = write_tokens(home)
    env_file = home / "projects" / "shop" / ".env"
    original = env_file.read_bytes()
    ctl = started_controller(qtbot)
    cred = scan_and_pick(ctl, home, "github")

    wizard = MigrationWizard(ctl.services, ctl.runner, [cred.id], ctl.window)
    qtbot.addWidget(wizard)
    wizard.show()
    plan_page = wizard.plan_page
    assert wait_until(lambda: wizard.plan is not None, timeout=30), plan_page.text.toPlainText()
    text = plan_page.text.toPlainText()
    assert "Before:" in text and "After:" in text and "Your tools:" in text
    assert values["github"] not in text
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # confirm first
    plan_page.confirm.setChecked(True)
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    assert wait_until(lambda: wizard.currentPage() is wizard.result_page, timeout=60)
    assert wizard.error is None, wizard.error
    assert values["github"].encode() not in env_file.read_bytes()
    assert keychain.get_password(*_first_entry(wizard)) == values["github"]
    with Inventory.open() as inv:
        assert inv.credential(cred.id).state is CredentialState.MIGRATED
    summary = wizard.result_page.summary.text()
    assert display_path(str(env_file)) in summary and values["github"] not in summary

    undo_job = wizard.result_page.undo()
    assert wait_until(lambda: undo_job.done.is_set(), timeout=60)
    assert wait_until(lambda: wizard.result_page.undo_result is not None), (
        wizard.result_page.summary.text()
    )
    assert env_file.read_bytes() == original
    assert "Undone" in wizard.result_page.summary.text()
    ctl.shutdown()


def _first_entry(wizard: MigrationWizard) -> tuple[str, str]:
    item = wizard.plan.changes[0].items[0]
    return item.service, item.account
