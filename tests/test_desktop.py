"""The desktop app driven through its real widgets (offscreen): scan, table, detail, actions."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog

from desktop.controller import Controller
from desktop.models.credentials import Column, Roles
from desktop.services import Services
from desktop.views import detail as detail_mod
from desktop.views.detail import DetailPane
from scanner import settings as settings_mod
from scanner.inventory import CredentialState, Inventory
from tests.test_desktop_support import started_controller, wait_until, write_tokens


@pytest.fixture
def controller(home: Path, qtbot):
    ctl = started_controller(qtbot)
    assert wait_until(lambda: ctl.window.snapshot is not None)
    yield ctl
    ctl.shutdown()


def scan(ctl: Controller, roots: list[Path]) -> None:
    job = ctl.window.start_scan(roots)
    assert job is not None
    assert wait_until(lambda: not ctl.window.scanning, timeout=60)
    assert wait_until(
        lambda: (
            ctl.window.snapshot is not None and ctl.window.snapshot.stats.last_scan_at is not None
        )
    ), ctl.window.banner.text()


def github_copy_selected(ctl: Controller, home: Path) -> tuple[DetailPane, dict[str, str]]:
    """Scan the token home and show the GitHub token's first copy in the detail pane."""
    values = write_tokens(home)
    scan(ctl, [home])
    page = ctl.window.inventory
    ctl.window.tabs.setCurrentWidget(page)
    page.search.setText("github")
    page.table.selectRow(0)
    detail = page.detail
    assert wait_until(lambda: detail.current_exposure() is not None)
    return detail, values


def test_scan_fills_table_and_overview(controller: Controller, home: Path) -> None:
    values = write_tokens(home)
    window = controller.window
    assert window.model.rowCount() == 0
    assert window.overview.stack.currentWidget() is window.overview.empty
    scan(controller, [home])
    assert wait_until(lambda: window.model.rowCount() == 4)
    previews = {window.model.credential(r).preview for r in range(4)}
    for secret in values.values():
        assert all(secret not in p for p in previews)
    assert window.overview.stack.currentWidget() is window.overview.page
    assert window.overview.card_credentials.value.text() == "4"
    assert window.overview.card_exposed.value.text() == "4"
    assert window.overview.worst.count() == 4
    assert "Last scan: just now" in window.last_scan_label.text()


def test_filter_search_and_sort(controller: Controller, home: Path) -> None:
    write_tokens(home)
    scan(controller, [home])
    page = controller.window.inventory
    proxy = page.proxy
    assert proxy.rowCount() == 4
    page.search.setText("slack")
    assert proxy.rowCount() == 1
    assert proxy.credential_at(0).provider.lower() == "slack"
    page.search.clear()
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("Shell history"))
    assert proxy.rowCount() == 2
    assert all("bash_history" in proxy.credential_at(r).file_kinds for r in range(2))
    page.kind_filter.setCurrentIndex(0)
    page.refresh_providers()
    github = page.provider_filter.findData("GitHub")
    assert github > 0
    page.provider_filter.setCurrentIndex(github)
    assert proxy.rowCount() == 1
    page.provider_filter.setCurrentIndex(0)
    page.state_filter.setCurrentIndex(page.state_filter.findData(CredentialState.IGNORED))
    assert proxy.rowCount() == 0
    page.state_filter.setCurrentIndex(0)
    page.table.sortByColumn(Column.PROVIDER, Qt_Ascending())
    providers = [proxy.index(r, Column.PROVIDER).data(Roles.SORT) for r in range(4)]
    assert providers == sorted(providers)
    page.table.sortByColumn(Column.PROVIDER, Qt_Descending())
    assert [proxy.index(r, Column.PROVIDER).data(Roles.SORT) for r in range(4)] == sorted(
        providers, reverse=True
    )


def Qt_Ascending():
    from PySide6.QtCore import Qt

    return Qt.SortOrder.AscendingOrder


def Qt_Descending():
    from PySide6.QtCore import Qt

    return Qt.SortOrder.DescendingOrder


def test_select_shows_detail_with_redacted_context(controller: Controller, home: Path) -> None:
    values = write_tokens(home)
    scan(controller, [home])
    page = controller.window.inventory
    page.search.setText("github")
    page.table.selectRow(0)
    detail = page.detail
    assert wait_until(lambda: detail.credential is not None and "GitHub" in detail.title.text())
    assert detail.copies.topLevelItemCount() == 1
    assert ".env:2" in detail.copies.topLevelItem(0).text(0)
    assert wait_until(lambda: "GITHUB_TOKEN=" in detail.context.toPlainText())
    context = detail.context.toPlainText()
    assert detail.credential.preview in context
    # the neighbouring Slack token on the next line is redacted too
    assert "SLACK_BOT_TOKEN=⟦" in context
    for secret in values.values():
        assert secret not in context


@pytest.mark.parametrize("size", [(1024, 700), (1280, 800)], ids=["1024x700", "1280x800"])
def test_detail_buttons_wrap_instead_of_clipping(
    controller: Controller, home: Path, size: tuple[int, int]
) -> None:
    write_tokens(home)
    scan(controller, [home])
    window = controller.window
    window.show()
    window.resize(*size)
    window.tabs.setCurrentWidget(window.inventory)
    page = window.inventory
    page.splitter.setSizes([size[0] * 3 // 5, size[0] * 2 // 5])
    page.table.selectRow(0)
    detail = page.detail
    assert wait_until(lambda: detail.credential is not None and detail.body_scroll.isVisible())
    wait_until(lambda: False, timeout=0.2)
    viewport = detail.body_scroll.viewport()
    rows = (
        [detail.migrate_button, detail.leak_button, detail.ignore_button, detail.revoked_button],
        [
            detail.open_folder_button,
            detail.copy_path_button,
            detail.reveal_button,
            detail.copy_secret_button,
        ],
    )
    for buttons in rows:
        rects = []
        for button in buttons:
            assert button.isVisible()
            top_left = button.mapTo(viewport, QPoint(0, 0))
            rect = QRect(top_left, button.size())
            assert rect.left() >= 0 and rect.right() < viewport.width(), (
                f"{button.text()} clipped at {rect} in a {viewport.width()} px pane"
            )
            assert button.width() >= button.sizeHint().width()
            rects.append(rect)
        for i, a in enumerate(rects):
            assert not any(a.intersects(b) for b in rects[i + 1 :])


def test_reveal_hides_again_and_clipboard_is_cleared(
    controller: Controller, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(detail_mod, "REVEAL_SECONDS", 1)
    detail, values = github_copy_selected(controller, home)
    detail.reveal()
    assert wait_until(lambda: detail.revealed.isVisible())
    assert detail.revealed.text() == values["github"]
    assert wait_until(lambda: not detail.revealed.isVisible(), timeout=5)
    assert detail.revealed.text() == ""
    detail.clipboard.seconds = 1
    detail.copy_secret()
    clipboard = QGuiApplication.clipboard()
    assert wait_until(lambda: clipboard.text() == values["github"])
    assert wait_until(lambda: clipboard.text() == "", timeout=5)
    # a value the user copied afterwards is left alone
    detail.copy_secret()
    assert wait_until(lambda: clipboard.text() == values["github"])
    clipboard.setText("something else")
    time.sleep(1.2)
    assert wait_until(lambda: not detail.clipboard._timer.isActive(), timeout=5)
    assert clipboard.text() == "something else"


def test_copied_secret_is_concealed_and_cleared_on_quit(controller: Controller, home: Path) -> None:
    detail, values = github_copy_selected(controller, home)
    detail.copy_secret()
    clipboard = QGuiApplication.clipboard()
    assert wait_until(lambda: clipboard.text() == values["github"])
    data = clipboard.mimeData()
    assert data is not None
    for mime, hint in detail_mod.CONCEALED_FORMATS.items():
        assert bytes(data.data(mime).data()) == hint  # clipboard managers: do not keep it
    controller.quit()  # well before the 30 s
    assert clipboard.text() == ""
    assert not detail.clipboard._timer.isActive()


def test_ignore_with_reason_and_mark_revoked(controller: Controller, home: Path) -> None:
    write_tokens(home)
    scan(controller, [home])
    window = controller.window
    page = window.inventory
    page.search.setText("slack")
    page.table.selectRow(0)
    cred = page.proxy.credential_at(0)
    job = window.ignore_credential(cred.id, reason="test workspace bot")
    assert job is not None and wait_until(lambda: job.done.is_set())
    assert wait_until(
        lambda: (
            window.model.credential(window.model.row_of(cred.id)).state is CredentialState.IGNORED
        )
    )
    with Inventory.open() as inv:
        assert inv.credential(cred.id).state is CredentialState.IGNORED
        assert any(r.reason == "test workspace bot" for r in inv.ignore_rules())
    page.search.setText("npm")
    npm = page.proxy.credential_at(0)
    job = window.set_state(npm.id, CredentialState.REVOKED, "revoked")
    assert wait_until(lambda: job.done.is_set())
    assert wait_until(
        lambda: (
            window.model.credential(window.model.row_of(npm.id)).state is CredentialState.REVOKED
        )
    )


def test_edit_owner_notes_expiry(controller: Controller, home: Path) -> None:
    write_tokens(home)
    scan(controller, [home])
    page = controller.window.inventory
    page.search.setText("npm")
    page.table.selectRow(0)
    detail = page.detail
    assert wait_until(lambda: detail.credential is not None)
    detail.schedule.owner.setText("platform team")
    detail.notes.setPlainText("publishes @shop/ui")
    detail.schedule.rotation.setValue(30)
    detail.save()
    cid = detail.credential.id
    with Inventory.open() as inv:
        assert wait_until(lambda: inv.credential(cid).owner == "platform team")
        cred = inv.credential(cid)
        assert cred.notes == "publishes @shop/ui" and cred.rotation_days == 30


def test_event_loop_keeps_turning_during_a_large_scan(controller: Controller, home: Path) -> None:
    corpus = home / "corpus"
    values = write_tokens(home)
    for i in range(4000):
        folder = corpus / f"d{i // 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        body = "".join(
            f"line {n} of note {i}: nothing secret here, just words\n" for n in range(150)
        )
        if i % 500 == 0:
            body += f"token: {values['github']}\n"
        (folder / f"note{i}.md").write_text(body)
    gaps: list[float] = []
    last = [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(50)
    window = controller.window
    job = window.start_scan([corpus])
    assert job is not None
    started = time.monotonic()
    rows_during_scan = 0
    while window.scanning and time.monotonic() - started < 120:
        QGuiApplication.processEvents()
        rows_during_scan = (
            max(rows_during_scan, window.model.rowCount()) if window.scanning else rows_during_scan
        )
        time.sleep(0.005)
    timer.stop()
    assert not window.scanning
    assert len(gaps) >= 8, "the scan was too short to measure"
    assert max(gaps[1:]) < 0.3, f"UI stalled for {max(gaps[1:]):.2f} s"
    assert wait_until(lambda: window.model.rowCount() >= 1)


def test_layout_is_restored_and_settings_hold_no_secret(home: Path, qtbot) -> None:
    settings_mod.update(first_run_done=True, monitoring_enabled=False)
    values = write_tokens(home)
    ctl = Controller(Services(), tray_available=False, use_dbus=False)
    ctl.start()
    scan(ctl, [home])
    ctl.window.resize(760, 540)
    ctl.window.tabs.setCurrentIndex(1)
    ctl.window.save_layout()
    ctl.shutdown()
    ctl.window.deleteLater()
    again = Controller(Services(), tray_available=False, use_dbus=False)
    assert again.window.tabs.currentIndex() == 1
    assert (again.window.width(), again.window.height()) == (760, 540)
    again.shutdown()
    for path in (home / ".config").rglob("*"):
        if path.is_file():
            text = path.read_bytes()
            for secret in values.values():
                assert secret.encode() not in text, path


def test_first_run_then_settings_dialog(home: Path, qtbot) -> None:
    from desktop.views.settings_dialog import SettingsDialog
    from scanner import autostart

    write_tokens(home)
    ctl = Controller(Services(), tray_available=False, use_dbus=False)
    qtbot.addWidget(ctl.window)
    ctl.start()
    assert wait_until(lambda: ctl.started, timeout=10)  # settings are read on a worker
    wizard = ctl.first_run
    assert wizard.isVisible()
    texts = []
    while True:
        texts.append(wizard.currentPage().title())
        if wizard.currentId() == wizard.pageIds()[-1]:
            break
        wizard.next()
    assert len(texts) == 3 and "offline" in texts[1].lower()
    wizard.accept()  # "Scan"
    assert wait_until(lambda: settings_mod.load().first_run_done)  # saved on a worker
    assert ctl.window.scanning
    assert wait_until(lambda: not ctl.window.scanning, timeout=60)
    assert wait_until(lambda: ctl.window.model.rowCount() == 4)

    dialog = SettingsDialog(ctl.settings, ctl.window)
    qtbot.addWidget(dialog)
    notes = home / "notes"
    notes.mkdir()
    dialog.folders.add(str(notes))
    dialog.excludes.add("~/projects/vendor/**")
    dialog.lead_days.setText("7, 1")
    dialog.monitoring.setChecked(False)
    assert not dialog.start_at_login.isHidden()
    dialog.start_at_login.setChecked(True)
    dialog.accept()  # saves on a worker, then closes
    assert wait_until(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    saved = settings_mod.load()
    assert saved.watched_folders == (str(notes),)
    assert saved.excludes == ("~/projects/vendor/**",)
    assert saved.notification_lead_days == (7, 1)
    assert saved.monitoring_enabled is False
    assert autostart.status().enabled
    autostart.remove()
    ctl.shutdown()


def test_settings_are_read_and_saved_off_the_ui_thread(home: Path, qtbot, monkeypatch) -> None:
    import threading

    from desktop.settings_store import SettingsStore

    settings_mod.update(excludes=("~/vendor/**",))
    threads: list[str] = []
    real_load, real_update = settings_mod.load_or_default, settings_mod.update

    def load_or_default(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real_load(*args, **kwargs)

    def update(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real_update(*args, **kwargs)

    monkeypatch.setattr(settings_mod, "load_or_default", load_or_default)
    monkeypatch.setattr(settings_mod, "update", update)
    store = SettingsStore()
    changes: list[settings_mod.Settings] = []
    store.changed.connect(changes.append)
    store.reload()
    assert wait_until(lambda: store.loaded)
    assert store.current.excludes == ("~/vendor/**",) and store.problem is None
    store.update(monitoring_enabled=False)
    assert wait_until(lambda: len(changes) == 2)
    assert changes[-1] is store.current and store.current.monitoring_enabled is False
    assert settings_mod.load().monitoring_enabled is False
    assert len(threads) == 2 and threading.main_thread().name not in threads

    # a save that cannot be written is reported and leaves the in-memory copy as it was
    failures: list[str] = []
    store.save_failed.connect(failures.append)
    path = settings_mod.settings_path()
    path.unlink()
    path.mkdir()
    store.update(monitoring_enabled=True)
    assert wait_until(lambda: bool(failures))
    assert store.current.monitoring_enabled is False
    store.wait()
