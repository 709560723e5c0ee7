"""~/.docker/config.json auths → docker-credential-stowaway (the installed helper, its
protocol over stdin/stdout)."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.migrate import undo
from tests import tokens
from tests.test_migrate_support import find, migrate, plaintext_hits


def helper(action: str, stdin: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("docker-credential-stowaway") or str(
        Path(sys.executable).parent / "docker-credential-stowaway"
    )
    return subprocess.run([exe, action], input=stdin, capture_output=True, text=True, timeout=60)


def test_docker_auth_to_cred_helper(home: Path, keychain) -> None:
    token = tokens.github()
    blob = base64.b64encode(f"alice:{token}".encode()).decode()
    other = base64.b64encode(b"bob:hunter2").decode()
    cfg_dir = home / ".docker"
    cfg_dir.mkdir()
    cfg = cfg_dir / "config.json"
    original = (
        '{\n\t"auths": {\n\t\t"ghcr.io": {\n\t\t\t"auth": "' + blob + '"\n\t\t},\n'
        '\t\t"registry.example.org": {\n\t\t\t"auth": "' + other + '"\n\t\t}\n\t},\n'
        '\t"currentContext": "default"\n}'
    ).encode()
    cfg.write_bytes(original)
    findings = find(cfg, token, kind="docker_config", span_text=blob, encoding="base64")
    _plan, result = migrate(findings, home)
    doc = json.loads(cfg.read_text())
    assert doc["auths"]["ghcr.io"] == {}
    assert doc["auths"]["registry.example.org"] == {"auth": other}
    assert doc["credHelpers"] == {"ghcr.io": "stowaway"}
    assert doc["currentContext"] == "default"
    assert plaintext_hits(token, home) == [] and plaintext_hits(blob, home) == []
    got = helper("get", "ghcr.io\n")
    assert got.returncode == 0, got.stdout + got.stderr
    assert json.loads(got.stdout) == {"ServerURL": "ghcr.io", "Username": "alice", "Secret": token}
    listed = json.loads(helper("list", "").stdout)
    assert listed == {"ghcr.io": "alice"}
    missing = helper("get", "nowhere.example\n")
    assert missing.returncode == 1 and "credentials not found" in missing.stdout
    assert undo(result.migration_id).state == "undone"
    assert cfg.read_bytes() == original


def test_docker_helper_store_get_erase(home: Path, keychain) -> None:
    secret = tokens.random_secret(40)
    stored = helper(
        "store",
        json.dumps(
            {"ServerURL": "https://index.docker.io/v1/", "Username": "carol", "Secret": secret}
        ),
    )
    assert stored.returncode == 0, stored.stdout + stored.stderr
    got = json.loads(helper("get", "https://index.docker.io/v1/").stdout)
    assert got["Secret"] == secret and got["Username"] == "carol"
    assert helper("erase", "https://index.docker.io/v1/").returncode == 0
    assert helper("get", "https://index.docker.io/v1/").returncode == 1


@pytest.mark.skipif(shutil.which("docker") is None, reason="docker CLI not installed")
def test_docker_cli_accepts_the_migrated_config(home: Path, keychain) -> None:
    """The real docker CLI parses the edited config (it refuses malformed JSON)."""
    token = tokens.github()
    blob = base64.b64encode(f"alice:{token}".encode()).decode()
    cfg = home / ".docker" / "config.json"
    cfg.parent.mkdir()
    cfg.write_text(json.dumps({"auths": {"ghcr.io": {"auth": blob}}}, indent="\t"))
    migrate(find(cfg, token, kind="docker_config", span_text=blob, encoding="base64"), home)
    run = subprocess.run(
        ["docker", "--config", str(cfg.parent), "context", "ls"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "error" not in run.stderr.lower() or "daemon" in run.stderr.lower(), run.stderr
