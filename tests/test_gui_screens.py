"""Screenshots of the real app on the Xvfb display (with trayer as the tray host).

Saved to tests/artifacts/; the reviewed ones are copied to docs/screenshots/.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from desktop.controller import Controller
from desktop.services import Services
from desktop.wizards.leak import LeakWizard
from desktop.wizards.migration import MigrationWizard
from scanner import settings as settings_mod
from scanner.inventory import Inventory
from tests.test_desktop_support import wait_until, write_tokens
from tests.tokens import TokenFactory

pytestmark = pytest.mark.display


def settle(seconds: float = 0.6) -> None:
    wait_until(lambda: False, timeout=seconds)


def crop_top_right(path: Path, width: int = 520, height: int = 240) -> None:
    image = QImage(str(path))
    image.copy(image.width() - width, 0, width, height).save(str(path))


def populate(home: Path) -> None:
    write_tokens(home)
    gen = TokenFactory(seed=21)
    aws = home / ".aws"
    aws.mkdir()
    (aws / "credentials").write_text(
        f"[default]\naws_access_key_id = {gen.aws_access_key_id()}\n"
        f"aws_secret_access_key = {gen.aws_secret_access_key()}\n"
    )
    (home / ".npmrc").write_text(f"//registry.npmjs.org/:_authToken={gen.npm()}\n")
    notes = home / "Documents" / "notes"
    notes.mkdir(parents=True)
    (notes / "deploy.md").write_text(
        f"# Deploy\n\nstaging key: {gen.stripe('sk_live')}\nhf: {gen.huggingface()}\n"
    )
    (home / ".zsh_history").write_text(
        f": 1700000000:0;curl -H 'Authorization: Bearer {gen.github('ghp')}' https://api.github.com/user\n"
    )


@pytest.fixture
def app_with_data(home: Path, qtbot, require_display):
    populate(home)
    settings_mod.update(
        first_run_done=True, monitoring_enabled=True, watched_folders=(str(home / "Documents"),)
    )
    ctl = Controller(Services(), use_dbus=False)
    qtbot.addWidget(ctl.window)
    ctl.start()
    assert wait_until(lambda: ctl.started, timeout=10)  # settings are read on a worker
    ctl.window.resize(1240, 760)
    ctl.window.move(20, 40)
    job = ctl.window.start_scan([home])
    assert job is not None and wait_until(lambda: not ctl.window.scanning, timeout=60)
    assert wait_until(lambda: ctl.window.model.rowCount() >= 8)
    with Inventory.open() as inv:
        creds = inv.credentials()
        npm = next(c for c in creds if c.provider == "npm")
        inv.update_credential(
            npm.id, owner="web team", expires_at=datetime.now(UTC) + timedelta(days=2)
        )
        stripe = next(c for c in creds if "Stripe" in c.provider)
        inv.update_credential(
            stripe.id, rotation_days=30, last_rotated_at=datetime.now(UTC) - timedelta(days=45)
        )
    ctl.window.refresh()
    settle(1.0)
    yield ctl
    ctl.shutdown()


def test_screenshot_overview(app_with_data: Controller, screenshot) -> None:
    window = app_with_data.window
    window.tabs.setCurrentWidget(window.overview)
    settle()
    screenshot("overview", window)


def test_screenshot_table_with_detail(app_with_data: Controller, screenshot) -> None:
    window = app_with_data.window
    window.tabs.setCurrentWidget(window.inventory)
    page = window.inventory
    page.splitter.setSizes([660, 560])
    page.search.setText("github")
    page.table.selectRow(0)
    assert wait_until(
        lambda: (
            "GITHUB_TOKEN" in page.detail.context.toPlainText()
            or "Bearer" in page.detail.context.toPlainText()
        )
    )
    page.search.clear()
    settle()
    screenshot("inventory-detail", window)


def test_screenshot_migration_wizard(app_with_data: Controller, screenshot, keychain) -> None:
    ctl = app_with_data
    page = ctl.window.inventory
    page.search.setText("npm")
    cred = page.proxy.credential_at(0)
    wizard = MigrationWizard(ctl.services, ctl.runner, [cred.id], ctl.window)
    wizard.show()
    assert wait_until(lambda: wizard.plan is not None, timeout=30)
    wizard.plan_page.confirm.setChecked(True)
    settle()
    screenshot("migration-wizard", wizard)
    wizard.close()


def test_screenshot_leak_wizard(app_with_data: Controller, screenshot) -> None:
    ctl = app_with_data
    page = ctl.window.inventory
    page.search.setText("github")
    cred = page.proxy.credential_at(0)
    wizard = LeakWizard(ctl.services, ctl.runner, credential_id=cred.id, parent=ctl.window)
    wizard.show()
    assert wait_until(lambda: wizard.opened.done.is_set(), timeout=30)
    settle(0.3)
    job = wizard.pages[0].find_copies()
    assert wait_until(lambda: job.done.is_set(), timeout=60)
    settle(0.3)
    wizard.next()
    assert wait_until(lambda: wizard.pages[1].revocation is not None)
    settle()
    screenshot("leak-wizard", wizard)
    wizard.close()


def test_screenshot_tray_menu_and_notification(app_with_data: Controller, screenshot) -> None:
    ctl = app_with_data
    assert ctl.tray is not None, "trayer should provide a system tray"
    assert QSystemTrayIcon.isSystemTrayAvailable()
    ctl.window.hide()
    settle(1.0)
    geometry = ctl.tray.icon.geometry()
    ctl.tray.menu.aboutToShow.emit()
    anchor = geometry.bottomLeft() if geometry.isValid() else QPoint(1000, 30)
    ctl.tray.menu.popup(anchor)
    settle(0.8)
    crop_top_right(screenshot("tray-menu"))
    ctl.tray.menu.hide()
    settle(0.3)
    # a live notification: a token saved into the watched notes folder
    assert wait_until(
        lambda: ctl.monitor is not None and ctl.monitor.watcher is not None, timeout=30
    )
    assert ctl.monitor.watcher.wait_ready(30)
    # the start-up reminder check (the npm token expires in 2 days) shows its balloon first;
    # once it has, the live exposure's balloon is the one on screen
    ctl.check_reminders()
    assert wait_until(lambda: bool(ctl._reminded), timeout=30)
    settle(0.3)
    shown: list[str] = []
    ctl.notifier.shown.connect(lambda channel, _a: shown.append(channel))
    token = TokenFactory(seed=77).openai()
    (Path.home() / "Documents" / "notes" / "scratch.md").write_text(f"OPENAI_API_KEY={token}\n")
    assert wait_until(lambda: bool(shown), timeout=10)
    assert shown[0] == "tray"
    time.sleep(0.2)
    settle(1.2)
    QApplication.processEvents()
    crop_top_right(screenshot("notification"), 520, 160)
