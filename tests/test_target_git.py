"""~/.git-credentials and remote-URL tokens → `stowaway credential git`, proven with real git."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from scanner.keychain import Keychain
from scanner.migrate import undo
from tests import tokens
from tests.test_migrate_support import find, migrate, plaintext_hits


def git(*args: str, cwd: Path | None = None, stdin: str | None = None) -> str:
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_ASKPASS": "/bin/false",
    }
    result = subprocess.run(
        ["git", *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def fill(host: str, username: str | None = None) -> dict[str, str]:
    query = f"protocol=https\nhost={host}\n" + (f"username={username}\n" if username else "") + "\n"
    out = git("credential", "fill", stdin=query)
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def test_git_credentials_file_to_helper(home: Path, keychain) -> None:
    token = tokens.github()
    store = home / ".git-credentials"
    original = f"https://alice:{token}@github.com\nhttps://bob:pw@example.org\n".encode()
    store.write_bytes(original)
    gitconfig = home / ".gitconfig"
    gitconfig_original = b"[user]\n\tname = Alice\n[credential]\n\thelper = store\n"
    gitconfig.write_bytes(gitconfig_original)
    _plan, result = migrate(find(store, token, kind="git_credentials"), home)
    assert store.read_bytes() == b"https://bob:pw@example.org\n"
    assert "helper = store" not in gitconfig.read_text()
    assert plaintext_hits(token, home) == []
    creds = fill("github.com")
    assert creds["username"] == "alice" and creds["password"] == token
    # git's own `approve` after a successful push must not put the token back in plain text
    git(
        "credential",
        "approve",
        stdin=f"protocol=https\nhost=github.com\nusername=alice\npassword={token}\n\n",
    )
    assert plaintext_hits(token, home) == []
    assert undo(result.migration_id).state == "undone"
    assert store.read_bytes() == original
    assert gitconfig.read_bytes() == gitconfig_original
    assert Keychain().get("git/github.com/alice") is None


def test_token_in_remote_url(home: Path, keychain) -> None:
    token = tokens.github()
    repo = home / "src" / "proj"
    repo.mkdir(parents=True)
    git("init", "-q", cwd=repo)
    git("remote", "add", "origin", f"https://alice:{token}@github.com/alice/proj.git", cwd=repo)
    git("remote", "add", "mirror", f"https://{token}@github.com/alice/mirror.git", cwd=repo)
    cfg = repo / ".git" / "config"
    original = cfg.read_bytes()
    _plan, result = migrate(find(cfg, token, kind="gitconfig"), home)
    assert (
        git("remote", "get-url", "origin", cwd=repo).strip()
        == "https://alice@github.com/alice/proj.git"
    )
    assert (
        git("remote", "get-url", "mirror", cwd=repo).strip()
        == "https://github.com/alice/mirror.git"
    )
    assert plaintext_hits(token, home) == []
    assert fill("github.com", "alice")["password"] == token
    mirror = fill("github.com", "x-access-token")
    assert mirror["password"] == token
    assert undo(result.migration_id).state == "undone"
    assert cfg.read_bytes() == original
    assert not (home / ".gitconfig").exists()
