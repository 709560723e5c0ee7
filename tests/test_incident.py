"""The whole leak response on a fake home with the real keychain: find → revoke (local stub) →
replace → scrub → record, resuming an interrupted incident, and no plaintext left behind.

Run with ``bash tests/dev-session.sh python -m pytest -q tests/test_incident*.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from scanner import paths
from scanner.fingerprint import Fingerprinter
from scanner.incident import IncidentError, IncidentFlow, IncidentStep, StepStatus, open_incidents
from scanner.inventory import CredentialState, ExposureState, Inventory
from scanner.migrate.journal import Journal
from scanner.recording import record_scan
from scanner.scan import Engine
from tests import tokens
from tests.revoke_stub import revocation_stub


def plant(home: Path, token: str) -> dict[str, Path]:
    """One token in four kinds of file, the way people leak them."""
    files = {
        "history": home / ".zsh_history",
        "note": home / "Documents" / "Notes" / "github.md",
        "dotenv": home / "code" / "shop" / ".env",
        "git": home / ".git-credentials",
    }
    files["history"].write_text(
        ": 1700000000:0;ls -la\n"
        f': 1700000050:0;curl -H "Authorization: token {token}" https://api.github.com/user\n'
        ": 1700000090:0;git status\n"
    )
    files["note"].parent.mkdir(parents=True)
    files["note"].write_text(f"# GitHub\n\nCI token for the shop: {token}\nrotate in spring\n")
    files["dotenv"].parent.mkdir(parents=True)
    files["dotenv"].write_text(f"DEBUG=1\nGITHUB_TOKEN={token}\nPORT=8080\n")
    files["git"].write_text(f"https://octo-dev:{token}@github.com\n")
    for path in files.values():
        path.chmod(0o600)
    return files


def stowaway_files() -> list[Path]:
    roots = {paths.data_dir(), paths.config_dir(), paths.state_dir(), paths.cache_dir()}
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


def assert_no_plaintext(*secrets: str) -> None:
    found = stowaway_files()
    assert found, "expected Stowaway to have written its databases"
    for path in found:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, f"plaintext token in {path}"


def git_credential(home: Path) -> dict[str, str]:
    env = {**os.environ, "HOME": str(home), "GIT_TERMINAL_PROMPT": "0"}
    env.pop("GIT_CONFIG_GLOBAL", None)
    out = subprocess.run(
        ["git", "credential", "fill"],
        input="protocol=https\nhost=github.com\nusername=octo-dev\n\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    ).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


@pytest.fixture
def leaked(home: Path) -> dict[str, Any]:
    token = tokens.github("ghp")
    files = plant(home, token)
    originals = {k: p.read_bytes() for k, p in files.items()}
    return {"token": token, "files": files, "originals": originals, "new": tokens.github("ghp")}


def test_whole_incident_flow(home: Path, keychain: Any, leaked: dict[str, Any]) -> None:
    token, new, files = leaked["token"], leaked["new"], leaked["files"]
    engine = Engine()
    with Inventory.open() as inv:
        record_scan(engine, inv)
        cred = inv.credential_by_fingerprint(Fingerprinter()(token))
        assert cred is not None
        flow = IncidentFlow.start_from_credential(inv, cred.id, engine=engine)
        assert flow.incident.current_step is IncidentStep.FIND

        # 1. find: all four copies
        copies = flow.find_copies()
        assert sorted(e.path for e in copies) == sorted(str(p) for p in files.values())
        assert flow.incident.steps[IncidentStep.FIND].status == StepStatus.DONE
        assert flow.incident.current_step is IncidentStep.REVOKE

        # 2. revoke: the page and steps, and the API against the local stub
        info = flow.revocation_info()
        assert info.url.startswith("https://") and info.api_key == "github"
        asked: list[str] = []
        with revocation_stub(202) as stub:
            endpoint = stub.url + "/credentials/revoke"
            outcome = flow.revoke_via_api(
                confirm=lambda text: asked.append(text) or True, endpoint=endpoint
            )
        assert outcome.ok
        [request] = stub.requests
        assert request.method == "POST" and json.loads(request.body) == {"credentials": [token]}
        [text] = asked
        assert text.startswith(
            f'POST {endpoint} — body: {{"credentials": ["{cred.preview}"]}} '
            "(the full token is sent) — nothing else is sent"
        )
        assert inv.credential(cred.id).state is CredentialState.REVOKED

        # 3. replace: the new token goes into the keychain
        replaced = flow.replace(new)
        assert keychain.get_password("stowaway", replaced.account) == new
        assert replaced.pending  # nothing reads the keychain yet

        # 4. scrub: every old copy removed or redacted, through an undoable migration
        scrub = flow.scrub()
        assert scrub.remaining == 0 and scrub.migration_id
        for path in files.values():
            assert token not in path.read_text(), path
        assert "git status" in files["history"].read_text()  # only the leaking entry went
        assert {e.state for e in inv.exposures(cred.id, include_gone=True)} == {
            ExposureState.SCRUBBED
        }
        assert inv.credential(cred.id).state is CredentialState.REVOKED
        # the tools work with the new token: git asks Stowaway's helper, which reads the keychain
        assert git_credential(home)["password"] == new
        assert scrub.rotated
        for pair in scrub.rotated:
            service, _, account = pair.partition(":")
            value = keychain.get_password(service, account)
            assert value is not None and token not in value and new in value
        with Journal.open() as jr:
            migration = jr.migration(scrub.migration_id)
            assert migration is not None and migration.state == "done"  # undo available
            # history, note and .env copies share one entry; the index keeps every use
            [shared] = [e for e in jr.entries() if "history" in e.kinds]
            assert set(shared.kinds) == {"env", "history", "marker"} and shared.read_by_tools
            assert shared.kind == "env"  # the tool's use is the main one
            assert {Path(source).name for _, source in shared.uses} == {
                ".zsh_history",
                "github.md",
                ".env",
            }
            assert [e.account for e in jr.entries("marker")] == [shared.account]

        # 5. record: Markdown and JSON with previews, never a token
        flow.record()
        assert not flow.incident.is_open and open_incidents(inv) == []
        markdown = flow.report_markdown()
        data = flow.report_json()
        dumped = json.dumps(data)
        for secret in (token, new):
            assert secret not in markdown and secret not in dumped
        assert cred.preview in markdown and data["credential"]["preview"] == cred.preview
        assert [s["status"] for s in data["steps"]] == ["done"] * 5
        assert len(data["copies"]) == 4 and {c["state"] for c in data["copies"]} == {"scrubbed"}
        assert "credentials/revoke" in markdown

    # the no-plaintext check over every Stowaway file
    assert_no_plaintext(token, new)

    # undo of the scrub puts every file back byte for byte
    with Inventory.open() as inv:
        flow = IncidentFlow.resume(inv, flow.incident_id)
        result = flow.undo_scrub()
        assert result.state == "undone"
        for key, path in files.items():
            assert path.read_bytes() == leaked["originals"][key]
        assert keychain.get_password("stowaway", replaced.account) == new  # the new one stays


def test_interrupted_incident_resumes(home: Path, keychain: Any, leaked: dict[str, Any]) -> None:
    token, new, files = leaked["token"], leaked["new"], leaked["files"]
    # started from a pasted token the inventory has never seen
    with Inventory.open() as inv:
        flow = IncidentFlow.start_from_token(inv, f"  {token}\n")
        assert flow.incident.credential_id is None and flow.incident.origin == "pasted"
        assert flow.incident.rule_id == "github-pat-classic"
        assert len(flow.find_copies()) == 4
        assert flow.incident.credential_id is not None
        flow.mark_revoked("revoked on github.com → Settings → Tokens")
        incident_id = flow.incident_id
    # the process ends here; a new one picks the incident up
    with Inventory.open() as inv:
        [incident] = open_incidents(inv)
        assert incident.id == incident_id and incident.current_step is IncidentStep.REPLACE
        flow = IncidentFlow.resume(inv, incident_id)
        flow.replace(new)
        flow.scrub()
        flow.record("handled by the on-call engineer")
        assert flow.next_step() is None
        for path in files.values():
            assert token not in path.read_text()
        assert git_credential(home)["password"] == new
        report = flow.report_json()
        assert report["incident"]["origin"] == "pasted"
        assert report["steps"][1]["note"] == "revoked on github.com → Settings → Tokens"
        assert incident.credential_id is not None
        cred = inv.credential(incident.credential_id)
        assert cred is not None and cred.state is CredentialState.REVOKED
    assert_no_plaintext(token, new)


def test_skipping_needs_a_reason_and_is_recorded(home: Path, leaked: dict[str, Any]) -> None:
    with Inventory.open() as inv:
        flow = IncidentFlow.start_from_token(inv, leaked["token"])
        with pytest.raises(IncidentError):
            flow.skip(IncidentStep.REVOKE, "  ")
        flow.skip(IncidentStep.FIND, "only this laptop, already known")
        flow.skip("revoke", "the provider's admin revokes it")
        assert flow.incident.current_step is IncidentStep.REPLACE
        assert inv.credential_by_fingerprint(flow.incident.fingerprint) is None
        flow.skip(IncidentStep.REPLACE, "token no longer needed")
        flow.skip(IncidentStep.SCRUB, "machine is being wiped")
        flow.skip(IncidentStep.RECORD, "nothing to share")
        assert not flow.incident.is_open
        markdown = flow.report_markdown()
        assert "the provider's admin revokes it" in markdown and "skipped" in markdown
        with pytest.raises(IncidentError):
            flow.mark_revoked()


def test_the_same_token_opens_one_incident(home: Path, leaked: dict[str, Any]) -> None:
    with Inventory.open() as inv:
        first = IncidentFlow.start_from_token(inv, leaked["token"])
        again = IncidentFlow.start_from_token(inv, f"export GITHUB_TOKEN={leaked['token']}")
        assert again.incident_id == first.incident_id
        with pytest.raises(IncidentError):
            IncidentFlow.start_from_token(inv, "   ")
        with pytest.raises(IncidentError):
            first.replace(leaked["token"])  # the leaked token is not a replacement
        with pytest.raises(IncidentError):
            IncidentFlow.resume(inv, 999)


def test_replace_tells_tool_entries_from_history_references(home: Path, keychain: Any) -> None:
    """A token migrated only out of a shell history: its entry is switched to the new token
    (so `stowaway get` hands it out) but reported as a reference, not as a tool's entry."""
    from scanner.migrate import plan_findings, run_plan

    token, new = tokens.github("ghp"), tokens.github("ghp")
    hist = home / ".bash_history"
    hist.write_text(f"ls\ncurl -H 'Authorization: token {token}' https://api.github.com\n")
    engine = Engine()
    with Inventory.open() as inv:
        record_scan(engine, inv)
        cred = inv.credential_by_fingerprint(Fingerprinter()(token))
        assert cred is not None
        findings = engine.scan_file(hist, known_credential=True).findings
        run_plan(plan_findings(list(findings), home=home))
        with Journal.open() as jr:
            [entry] = jr.entries()
        assert entry.kinds == ("history",) and not entry.read_by_tools
        flow = IncidentFlow.start_from_credential(inv, cred.id, engine=engine)
        replaced = flow.replace(new)
        assert replaced.rotated == ()
        assert replaced.references == (f"stowaway:{entry.account}",)
        assert keychain.get_password("stowaway", entry.account) == new
        assert "history or notes" in flow.incident.steps[IncidentStep.REPLACE].note
