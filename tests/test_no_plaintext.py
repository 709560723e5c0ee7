"""Stowaway never becomes a new copy of a secret: plant tokens in a fake home, run every
inventory command (scan, inventory in all formats, show, ignore, watch), then grep the database,
its -wal and -shm, and every file Stowaway wrote under the XDG dirs for each token's full value
and for every 12-character substring of its random part."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.inventory import Inventory
from tests import tokens

ROOT = Path(__file__).resolve().parents[1]


def _plant(home: Path) -> dict[str, str]:
    gen = tokens.TokenFactory()
    secrets = {
        "github": gen.github("ghp"),
        "github_oauth": gen.github("gho"),
        "npm": gen.npm(),
        "gitlab": gen.gitlab_classic(),
        "slack": gen.slack("bot"),
        "aws_secret": gen.aws_secret_access_key(),
        "aws_id": gen.aws_access_key_id(),
        "openai": gen.openai(),
    }
    (home / "notes").mkdir()
    (home / "notes" / "todo.md").write_text(
        f"deploy: {secrets['github']}\nslack {secrets['slack']}\nopenai {secrets['openai']}\n"
    )
    (home / ".zsh_history").write_text(
        f": 1700000000:0;export NPM_TOKEN={secrets['npm']}\n"
        f": 1700000001:0;glab auth login --token {secrets['gitlab']}\n"
    )
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text(
        f"[default]\naws_access_key_id = {secrets['aws_id']}\n"
        f"aws_secret_access_key = {secrets['aws_secret']}\n"
    )
    gh = home / ".config" / "gh"
    gh.mkdir(parents=True)
    (gh / "hosts.yml").write_text(f"github.com:\n    oauth_token: {secrets['github_oauth']}\n")
    return secrets


def _random_part(secret: str) -> str:
    for sep in ("_", "-"):
        head, found, rest = secret.partition(sep)
        if found and len(head) <= 12 and len(rest) >= 12:
            return rest
    return secret[4:] if secret[:4].isupper() and secret[:4].isalpha() else secret


def _needles(secret: str) -> set[bytes]:
    body = _random_part(secret)
    subs = {body[i : i + 12] for i in range(len(body) - 11)}
    return {s.encode() for s in subs | {secret}}


def _stowaway_files(home: Path) -> list[Path]:
    found: list[Path] = []
    for base in (".local/share", ".config", ".local/state", ".cache"):
        root = home / base / "stowaway"
        if root.exists():
            found += [p for p in root.rglob("*") if p.is_file()]
    return found


def test_no_plaintext_anywhere(
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    secrets = _plant(home)
    outputs: list[str] = []

    def run(*argv: str) -> int:
        code = main(list(argv))
        out, err = capsys.readouterr()
        outputs.append(out + err)
        return code

    # hold a connection so the -wal and -shm files survive for the grep (SQLite removes them
    # when the last connection closes)
    holder = Inventory.open()
    assert run("scan", "--no-progress") == 1
    exports = tmp_path / "exports"
    exports.mkdir()
    for fmt in ("text", "json", "csv"):
        assert run("inventory", "--format", fmt) == 0
        assert run("inventory", "--all", "--format", fmt, "-o", str(exports / f"inv.{fmt}")) == 0
    assert "EXPOSED" in outputs[1]
    assert run("inventory", "show", "1") == 0
    assert run("inventory", "show", "1", "--format", "json") == 0
    assert run("ignore", str(home / "notes"), "--reason", "scratch notes") == 0
    assert run("ignore", "--list") == 0
    fp = next(line.split()[-1] for line in outputs[1].splitlines() if "fp_" in line)
    assert run("ignore", fp, "--reason", "rotated already") == 0
    assert run("ignore", "--remove", "1") == 0

    # stowaway watch, as a real process: it sees a new copy, then stops cleanly on SIGTERM
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "scanner", "watch", "--quiet-period", "0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=home, text=True,
    )  # fmt: skip
    try:
        assert proc.stderr is not None and proc.stdout is not None
        deadline = time.monotonic() + 60
        while "watching" not in (proc.stderr.readline() or ""):
            assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(1.0)  # the catch-up scan
        (home / "notes" / "new.md").write_text(f"fresh {secrets['github']}\n")
        (home / ".bash_history").write_text(f"export X={tokens.TokenFactory().npm()}\n")
        line = proc.stdout.readline()
        outputs.append(line)
        assert "new_" in line
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        outputs += [out, err]
        assert proc.returncode == 0, err
        assert "stopped" in err
    finally:
        if proc.poll() is None:
            proc.kill()

    assert run("scan", "--no-progress", str(home / "notes")) in (0, 1)
    assert run("inventory", "--all", "--format", "json") == 0

    written = _stowaway_files(home) + list(exports.iterdir())
    assert holder.stats().credentials >= len(secrets) - 1
    assert (holder.path.parent / "inventory.sqlite3-wal").stat().st_size > 0
    names = {p.name for p in written}
    assert {"inventory.sqlite3", "inventory.sqlite3-wal", "inventory.sqlite3-shm"} <= names
    blobs = {str(p): p.read_bytes() for p in written}
    blobs["<command output>"] = "\n".join(outputs).encode()
    for label, secret in secrets.items():
        needles = _needles(secret)
        for where, data in blobs.items():
            leaked = [n for n in needles if n in data]
            assert not leaked, f"{label}: {len(leaked)} fragment(s) of the secret in {where}"
    holder.close()
