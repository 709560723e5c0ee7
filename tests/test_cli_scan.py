"""``stowaway scan`` and ``stowaway rules`` end to end: exit codes, formats, output files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.cli import main
from tests import tokens


@pytest.fixture
def leaky(home: Path) -> Path:
    folder = home / "proj"
    folder.mkdir()
    (folder / ".env").write_text(f"GITHUB_TOKEN={tokens.github('ghp')}\n")
    return folder


def test_exit_codes(home: Path, leaky: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = home / "clean"
    clean.mkdir()
    (clean / "a.txt").write_text("hello\n")
    assert main(["scan", "--no-save", str(clean)]) == 0
    assert "No credentials found" in capsys.readouterr().out
    assert main(["scan", "--no-save", str(leaky)]) == 1
    assert "GitHub personal access token" in capsys.readouterr().out
    assert main(["scan", "--no-save", str(home / "missing")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["scan", "--no-save", "--ignore-file", str(home / "nope.toml"), str(leaky)]) == 2


def test_json_to_output_file(home: Path, leaky: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = home / "report.json"
    code = main(["scan", "--no-save", "--format", "json", "--output", str(out), str(leaky)])
    assert code == 1 and capsys.readouterr().out == ""
    doc = json.loads(out.read_text())
    assert doc["findings"][0]["rule_id"] == "github-pat-classic"
    assert doc["findings"][0]["file_kind"] == "dotenv"


def test_no_hyperscan_gives_same_report(
    home: Path, leaky: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["scan", "--no-save", "--format", "json", str(leaky)])
    fast = json.loads(capsys.readouterr().out)
    main(["scan", "--no-save", "--format", "json", "--no-hyperscan", str(leaky)])
    slow = json.loads(capsys.readouterr().out)
    assert fast["findings"] == slow["findings"] and slow["summary"]["backend"] == "regex"


def test_rules_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "list"]) == 0
    assert "github-pat-classic" in capsys.readouterr().out
    assert main(["rules", "explain", "github-pat-classic"]) == 0
    out = capsys.readouterr().out
    assert "persistence:" in out and "keywords:     ghp_" in out and "revoke:" in out
    assert main(["rules", "explain", "no-such-rule"]) == 2
