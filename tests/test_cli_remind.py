"""`stowaway remind` over a real inventory built by a real scan."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import tokens

from scanner.cli import main as cli_main
from scanner.inventory import Inventory


def test_remind_lists_token_expiry_and_overdue_rotation(
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    icalendar = pytest.importorskip("icalendar")
    expires = int(time.time()) + 2 * 86400 + 3600
    jwt = tokens.jwt({"sub": "deploy-bot", "iss": "https://auth.example.net", "exp": expires})
    pat = tokens.github("ghp")
    project = home / "src" / "api"
    project.mkdir(parents=True)
    (project / ".env").write_text(f"SERVICE_JWT={jwt}\nGITHUB_TOKEN={pat}\n")

    assert cli_main(["scan", str(home), "--no-progress"]) == 1
    capsys.readouterr()
    with Inventory.open() as inventory:
        by_rule = {c.rule_id: c for c in inventory.credentials()}
        jwt_cred = next(c for c in by_rule.values() if c.rule_id.startswith("jwt"))
        assert jwt_cred.expires_at == datetime.fromtimestamp(expires, UTC)
        github = next(c for c in by_rule.values() if c.provider == "GitHub")
        inventory.update_credential(
            github.id, last_rotated_at=datetime.now(UTC) - timedelta(days=120), owner="alice"
        )

    ics = tmp_path / "reminders.ics"
    assert cli_main(["remind", "--format", "json", "--ics", str(ics)]) == 1
    listed = json.loads(capsys.readouterr().out)
    kinds = {(r["kind"], r["status"]) for r in listed}
    assert ("rotation", "overdue") in kinds
    assert ("expiry", "upcoming") in kinds
    rotation = next(r for r in listed if r["kind"] == "rotation")
    assert "owner: alice" in rotation["message"]
    assert pat not in json.dumps(listed) and jwt not in json.dumps(listed)

    calendar = icalendar.Calendar.from_ical(ics.read_text())
    assert len(list(calendar.walk("VEVENT"))) == len(listed)
    text = ics.read_text()
    assert pat not in text and jwt not in text

    assert cli_main(["remind", "--lead", "1"]) == 1
    out = capsys.readouterr().out
    assert "overdue" in out and "expires" not in out  # 2 days away is outside a 1-day lead
