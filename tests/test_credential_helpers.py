"""The helpers' own protocols (as the consuming tools call them) and the inventory round trip:
plan from inventory credential ids (real Engine + SQLite inventory), mark migrated, undo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from scanner.keychain import Keychain
from tests import tokens


def stowaway(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scanner", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_aws_process_output_shape(home: Path, keychain) -> None:
    key_id, secret = tokens.aws_access_key_id(), tokens.aws_secret_access_key()
    Keychain().set(
        "aws/ci", json.dumps({"Version": 1, "AccessKeyId": key_id, "SecretAccessKey": secret})
    )
    run = stowaway("credential", "aws", "ci")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {
        "Version": 1,
        "AccessKeyId": key_id,
        "SecretAccessKey": secret,
    }
    missing = stowaway("credential", "aws", "nope")
    assert missing.returncode == 1 and "no keychain entry 'aws/nope'" in missing.stderr


def test_kube_exec_credential_follows_exec_info(home: Path, keychain) -> None:
    Keychain().set("kube/ci", "tok-value-123")
    info = json.dumps(
        {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "kind": "ExecCredential",
            "spec": {"interactive": False},
        }
    )
    run = stowaway("credential", "kube", "kube/ci", env={"KUBERNETES_EXEC_INFO": info})
    doc = json.loads(run.stdout)
    assert doc == {
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "kind": "ExecCredential",
        "status": {"token": "tok-value-123"},
    }


def test_git_helper_store_get_erase(home: Path, keychain) -> None:
    token = tokens.gitlab_classic()
    query = "protocol=https\nhost=gitlab.example.org\nusername=dev\n"
    assert stowaway("credential", "git", "get", stdin=query + "\n").stdout == ""
    stored = stowaway("credential", "git", "store", stdin=query + f"password={token}\n\n")
    assert stored.returncode == 0, stored.stderr
    got = stowaway("credential", "git", "get", stdin=query + "\n").stdout
    assert got == f"username=dev\npassword={token}\n"
    stowaway("credential", "git", "erase", stdin=query + f"password={token}\n\n")
    assert stowaway("credential", "git", "get", stdin=query + "\n").stdout == ""


def test_get_exports_for_shell_integration(home: Path, keychain) -> None:
    from scanner.migrate.journal import Journal

    Keychain().set("npm/npm-token", "npm_value 'quoted'")
    with Journal.open() as jr:
        jr.commit("m-x", [], [], [("NPM_TOKEN", "stowaway", "npm/npm-token")])
    bash = stowaway("get", "--exports", "--shell", "bash").stdout
    assert bash == "export NPM_TOKEN='npm_value '\"'\"'quoted'\"'\"''\n"
    run = subprocess.run(
        ["bash", "-c", f'{bash}\nprintf %s "$NPM_TOKEN"'],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.stdout == "npm_value 'quoted'"
    assert "set -gx NPM_TOKEN" in stowaway("get", "--exports", "--shell", "fish").stdout


def test_plan_from_inventory_ids_marks_migrated_and_undo_restores(home: Path, keychain) -> None:
    from scanner.inventory import Inventory
    from scanner.inventory.models import CredentialState, ExposureState
    from scanner.migrate import plan_migration, run_plan, undo
    from scanner.scan import Engine

    token = tokens.github()
    env = home / "app" / ".env"
    env.parent.mkdir()
    env.write_text(f"GITHUB_TOKEN={token}\n")
    engine = Engine()
    with Inventory.open() as inv:
        inv.apply_file_scan(engine.scan_file(env))
        creds = [c for c in inv.credentials() if c.provider.lower() == "github"]
        assert len(creds) == 1
        plan = plan_migration(inv, [creds[0].id], engine=engine, home=home)
        assert plan.changes and not plan.problems
        result = run_plan(plan, inventory=inv)
        assert token not in env.read_text()
        cred = inv.credential(creds[0].id)
        assert cred is not None and cred.state == CredentialState.MIGRATED
        states = {e.state for e in inv.exposures(cred.id, include_gone=True)}
        assert states == {ExposureState.SCRUBBED}
        assert undo(result.migration_id, inventory=inv).state == "undone"
        assert env.read_text() == f"GITHUB_TOKEN={token}\n"
        cred = inv.credential(creds[0].id)
        assert cred is not None and cred.state == CredentialState.ACTIVE
