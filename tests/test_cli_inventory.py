"""`stowaway scan` recording, `stowaway inventory` (text/json/csv/show) and `stowaway ignore`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.inventory import CredentialState, Inventory
from tests import tokens


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def planted(home: Path) -> dict[str, str]:
    (home / "notes").mkdir()
    a, b = tokens.github("ghp"), tokens.npm()
    (home / "notes" / "a.md").write_text(f"x\n{a}\n")
    (home / "notes" / "b.md").write_text(f"{a}\n{b}\n")
    return {"a": a, "b": b}


def test_scan_records_and_no_save_skips(home: Path, planted, capsys) -> None:
    code, _, err = _run(capsys, "scan", "--no-progress", "--no-save")
    assert code == 1 and not Path(home / ".local/share/stowaway/inventory.sqlite3").exists()
    code, _, err = _run(capsys, "scan", "--no-progress")
    assert code == 1 and "inventory: 2 new credentials, 1 more copy" in err
    with Inventory.open() as inv:
        assert inv.stats().exposed_credentials == 2 and inv.stats().present_copies == 3
        assert inv.stats().last_scan_at is not None
    (home / "notes" / "b.md").unlink()
    code, _, err = _run(capsys, "scan", "--no-progress")
    assert "2 copies gone" in err
    code, out, _ = _run(capsys, "inventory")
    assert code == 0 and "1 exposed of 2 known credentials, 1 plaintext copies" in out
    assert planted["a"] not in out


def test_inventory_formats_and_filters(home: Path, planted, capsys) -> None:
    _run(capsys, "scan", "--no-progress")
    code, out, _ = _run(capsys, "inventory", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["version"] == 1 and len(doc["credentials"]) == 2
    gh = next(c for c in doc["credentials"] if c["provider"] == "GitHub")
    assert gh["present_copies"] == 2 and gh["exposed"] and len(gh["exposures"]) == 2
    assert {e["path"] for e in gh["exposures"]} == {
        str(home / "notes/a.md"),
        str(home / "notes/b.md"),
    }
    _, out, _ = _run(capsys, "inventory", "--format", "csv", "--provider", "github")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 2 and {r["provider"] for r in rows} == {"GitHub"}
    assert rows[0]["fingerprint"].startswith("fp_") and "…" in rows[0]["preview"]
    _, out, _ = _run(capsys, "inventory", "--state", "ignored")
    assert "No credentials" in out
    _, out, _ = _run(capsys, "inventory", "show", str(gh["id"]))
    assert "present" in out and "~/notes/a.md:2:1" in out
    code, _, err = _run(capsys, "inventory", "show", "999")
    assert code == 2 and "no credential" in err
    out_file = home / "audit.csv"
    assert _run(capsys, "inventory", "--all", "--format", "csv", "-o", str(out_file))[0] == 0
    assert (out_file.stat().st_mode & 0o777) == 0o600


def test_ignore_fingerprint_and_path(home: Path, planted, capsys) -> None:
    _run(capsys, "scan", "--no-progress")
    with Inventory.open() as inv:
        gh = inv.credentials(provider="GitHub")[0]
    code, _, err = _run(capsys, "ignore", gh.fingerprint)
    assert code == 2 and "--reason" in err
    code, out, _ = _run(capsys, "ignore", gh.fingerprint, "--reason", "revoked already")
    assert code == 0 and "Ignoring GitHub" in out
    with Inventory.open() as inv:
        assert inv.credential(gh.id).state is CredentialState.IGNORED  # type: ignore[union-attr]
    # still ignored after another scan
    _run(capsys, "scan", "--no-progress")
    _, out, _ = _run(capsys, "inventory")
    assert gh.preview not in out
    code, out, _ = _run(capsys, "ignore", "~/notes/b.md", "--reason", "scratch")
    assert code == 0 and str(home / "notes/b.md") in out
    _, out, _ = _run(capsys, "ignore", "--list")
    assert "revoked already" in out and "scratch" in out
    _, out, _ = _run(capsys, "inventory")
    assert "No credentials with a plaintext copy" in out  # npm token lived only in b.md
    assert _run(capsys, "ignore", "--remove", "1")[0] == 0
    code, _, err = _run(capsys, "ignore", "--remove", "1")
    assert code == 2 and "no ignore rule" in err
    code, _, err = _run(capsys, "ignore")
    assert code == 2


def test_inventory_sorts_by_risk_and_says_why(home: Path, planted, capsys) -> None:
    synced = home / "Dropbox"
    synced.mkdir()
    (synced / "keys.txt").write_text(f"github: {planted['a']}\n")
    _run(capsys, "scan", "--no-progress")
    _, out, _ = _run(capsys, "inventory", "--format", "json")
    creds = json.loads(out)["credentials"]
    assert [c["provider"] for c in creds] == ["GitHub", "npm"]  # 3 copies, one synced, first
    assert creds[0]["risk_score"] > creds[1]["risk_score"]
    assert creds[0]["risk_explanation"].startswith("3 copies, one in a synced folder")
    _, text, _ = _run(capsys, "inventory")
    assert "risk " in text and "one in a synced folder" in text
    _, out, _ = _run(capsys, "inventory", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["risk_level"] in ("high", "critical") and rows[0]["risk_explanation"]
