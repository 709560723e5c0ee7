"""``stowaway incident`` end to end: tokens only from stdin, stop/resume, skip, reports."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from scanner.cli import build_parser, main
from scanner.fingerprint import Fingerprinter
from scanner.inventory import CredentialState, Inventory
from scanner.recording import record_scan
from scanner.scan import Engine
from tests import tokens
from tests.revoke_stub import revocation_stub
from tests.test_incident import assert_no_plaintext, git_credential, plant


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str, *argv: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["incident", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_paste_revoke_stop_resume_report(
    home: Path,
    keychain: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    token, new = tokens.github("ghp"), tokens.github("ghp")
    files = plant(home, token)
    with revocation_stub(202) as stub:
        code, out, err = run(
            monkeypatch,
            capsys,
            token + "\n",
            "start",
            "--paste",
            "--revoke-api",
            "--endpoint",
            stub.url + "/credentials/revoke",
            "--yes",
            "--stop-after",
            "revoke",
        )
    assert code == 0, err
    assert [json.loads(r.body) for r in stub.requests] == [{"credentials": [token]}]
    assert "About to send: POST " in out and "(the full token is sent)" in out
    assert "4 copies in 4 files" in out
    assert token not in out + err

    code, out, _ = run(monkeypatch, capsys, "", "list")
    assert code == 0 and "#1" in out and "open, at replace" in out

    code, out, err = run(
        monkeypatch, capsys, new + "\n", "resume", "1", "--new-token-stdin", "--yes"
    )
    assert code == 0, err
    assert "is closed" in out and token not in out and new not in out
    for path in files.values():
        assert token not in path.read_text()
    assert git_credential(home)["password"] == new
    with Inventory.open() as inv:
        cred = inv.credential_by_fingerprint(Fingerprinter()(token))
        assert cred is not None and cred.state is CredentialState.REVOKED

    target = tmp_path / "incident.json"
    code, out, _ = run(
        monkeypatch, capsys, "", "report", "1", "--format", "json", "-o", str(target)
    )
    assert code == 0
    data = json.loads(target.read_text())
    assert data["incident"]["status"] == "closed" and len(data["copies"]) == 4
    code, markdown, _ = run(monkeypatch, capsys, "", "report", "1")
    assert markdown.startswith("# Incident #1: GitHub")
    for secret in (token, new):
        assert secret not in markdown and secret not in target.read_text()
    assert_no_plaintext(token, new)


def test_start_from_id_with_skips_and_stops_where_input_is_needed(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = tokens.github("ghp")
    plant(home, token)
    with Inventory.open() as inv:
        record_scan(Engine(), inv)
        cred = inv.credential_by_fingerprint(Fingerprinter()(token))
        assert cred is not None
    code, out, _ = run(
        monkeypatch, capsys, "", "start", str(cred.id), "--skip", "find", "--reason", "known"
    )
    # without --revoked/--revoke-api it stops at revoke and says how to go on
    assert code == 0 and "Skipped: known" in out and "resume with --revoked" in out
    code, out, _ = run(
        monkeypatch,
        capsys,
        "",
        "resume",
        "1",
        "--revoked",
        "done in the web UI",
        "--skip",
        "replace",
        "--reason",
        "not needed anymore",
        "--skip",
        "scrub",
        "--reason",
        "laptop is wiped tomorrow",
        "--yes",
    )
    assert code == 0 and "is closed" in out
    code, out, _ = run(monkeypatch, capsys, "", "list", "--json")
    [row] = json.loads(out)
    assert row["steps"] == {
        "find": "skipped",
        "revoke": "done",
        "replace": "skipped",
        "scrub": "skipped",
        "record": "done",
    }
    code, markdown, _ = run(monkeypatch, capsys, "", "report", "1")
    assert "laptop is wiped tomorrow" in markdown and "done in the web UI" in markdown


def test_bad_invocations(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = tokens.github("ghp")
    code, _, err = run(monkeypatch, capsys, "", "start")
    assert code == 2 and "--paste" in err
    code, _, err = run(monkeypatch, capsys, token + "\n", "start", "--paste", "--skip", "find")
    assert code == 2 and "--reason" in err
    code, _, err = run(monkeypatch, capsys, "", "resume", "7")
    assert code == 2 and "no incident #7" in err
    code, _, err = run(monkeypatch, capsys, "\n", "start", "--paste")
    assert code == 2 and "No token" in err
    # a token is never accepted as an argument (it would land in the shell history)
    code, out, err = run(monkeypatch, capsys, "", "start", token)
    assert code == 2 and "--paste" in err and "shell history" in err
    assert token not in out + err


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_interactive_steps_with_skip_and_reason(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from scanner.commands.incident import Runner, SecretInput
    from scanner.incident import IncidentFlow, IncidentStep

    token = tokens.github("ghp")
    plant(home, token)
    answers = iter(
        [
            "y",  # search now
            "d",  # revoke: done by hand
            "y",  # replace: no token pasted → skip it?
            "",  # a reason is required …
            "will create one next week",  # … and given
            "q",  # scrub: quit for now
        ]
    )
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "")
    args = build_parser().parse_args(["incident", "resume", "1"])
    with Inventory.open() as inv:
        flow = IncidentFlow.start_from_token(inv, token)
        runner = Runner(
            flow, args, SecretInput(_Tty()), io.StringIO(), ask=lambda _q: next(answers)
        )
        assert runner.interactive
        assert runner.run() == 0
        steps = flow.refresh().steps
        assert steps[IncidentStep.FIND].status == "done"
        assert steps[IncidentStep.REVOKE].status == "done"
        assert steps[IncidentStep.REPLACE].status == "skipped"
        assert steps[IncidentStep.REPLACE].note == "will create one next week"
        assert flow.incident.current_step is IncidentStep.SCRUB and flow.incident.is_open
