"""SIGKILL at every step boundary of a several-file migration, then recovery on the next start
(`stowaway undo --list` runs it from cli main): no secret lost, each file original or fully
migrated, no plaintext copy outside the original files and the keychain."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.keychain import Keychain
from scanner.migrate.undo_data import UNDO_SERVICE
from tests import tokens
from tests.test_migrate_support import plaintext_hits

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import json, os, sys
from pathlib import Path
from scanner.migrate import plan_findings, run_plan
from tests.test_migrate_support import find
home = Path(os.environ["HOME"])
t = json.loads(os.environ["CRASH_TOKENS"])
findings = (
    find(home / "proj" / ".env", t["env"], kind="dotenv")
    + find(home / ".bash_history", t["hist"], kind="bash_history")
    + find(home / "Notes" / "todo.md", t["note"], kind="notes")
    + find(home / ".aws" / "credentials", t["aws_secret"], kind="aws_credentials", provider="aws")
)
plan = plan_findings(findings, home=home)
assert not plan.problems, plan.problems
run_plan(plan)
print("completed")
"""


def make_home(root: Path) -> tuple[Path, dict[str, str], dict[Path, bytes]]:
    home = root / "home"
    for rel in (".config", ".local/share", ".local/state", ".cache", "proj", "Notes", ".aws"):
        (home / rel).mkdir(parents=True, exist_ok=True)
    t = {
        "env": tokens.github(),
        "hist": tokens.npm(),
        "note": tokens.openai(),
        "aws_id": tokens.aws_access_key_id(),
        "aws_secret": tokens.aws_secret_access_key(),
        "unknown": tokens.random_secret(24),  # no rule knows it: only the undo data holds it
    }
    files = {
        home / "proj" / ".env": f"A=1\nGITHUB_TOKEN={t['env']}\n".encode(),
        home / ".bash_history": (
            f"ls\ncurl -u me:{t['unknown']} -H 'Authorization: Bearer {t['hist']}' x\npwd\n"
        ).encode(),
        home / "Notes" / "todo.md": f"- rotate {t['note']} soon\n".encode(),
        home / ".aws" / "credentials": (
            f"[default]\naws_access_key_id = {t['aws_id']}\n"
            f"aws_secret_access_key = {t['aws_secret']}\n"
        ).encode(),
    }
    for path, data in files.items():
        path.write_bytes(data)
    return home, t, files


def env_for(home: Path, t: dict[str, str], **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STOWAWAY_FAULT", "AWS_"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_STATE_HOME=str(home / ".local/state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        PYTHONPATH=str(ROOT),
        CRASH_TOKENS=json.dumps(t),
        **extra,
    )
    return env


BOUNDARIES = (
    [("begin", 1)]
    + [("store", n) for n in range(1, 5)]
    + [("verify", n) for n in range(1, 5)]
    + [("store-undo", 1), ("verify-undo", 1)]
    + [("commit", 1)]
    + [("write", n) for n in range(1, 6)]
    + [("mark", 1)]
)


@pytest.mark.parametrize(("step", "n"), BOUNDARIES, ids=[f"{s}:{n}" for s, n in BOUNDARIES])
def test_kill_at_step_then_recover(tmp_path: Path, keychain, step: str, n: int) -> None:
    home, t, originals = make_home(tmp_path)
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env=env_for(home, t, STOWAWAY_FAULT_KILL_AT=f"{step}:{n}"),
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == -signal.SIGKILL, run.stdout + run.stderr
    # next start: any stowaway command recovers first
    listing = subprocess.run(
        [sys.executable, "-m", "scanner", "undo", "--list"],
        capture_output=True,
        text=True,
        env=env_for(home, t),
        cwd=ROOT,
        timeout=120,
    )
    assert listing.returncode == 0, listing.stderr
    lines = [x for x in listing.stdout.splitlines() if x.startswith("m-")]
    assert len(lines) == 1
    state = lines[0].split("\t")[1]
    assert state in ("done", "rolled_back"), listing.stdout + listing.stderr
    migrated = {path: path.read_bytes() != data for path, data in originals.items()}
    assert all(migrated.values()) if state == "done" else not any(migrated.values())
    secrets = {
        home / "proj" / ".env": [t["env"]],
        home / ".bash_history": [t["hist"], t["unknown"]],
        home / "Notes" / "todo.md": [t["note"]],
        home / ".aws" / "credentials": [t["aws_id"], t["aws_secret"]],
    }
    for path, values in secrets.items():
        data = path.read_bytes()
        if migrated[path]:
            assert not any(v.encode() in data for v in values)
        else:
            assert data == originals[path]
    # no secret lost: each is in its original file or in the keychain
    from scanner.migrate.journal import Journal

    db = home / ".local/share/stowaway/migrations.sqlite3"
    with Journal.open(db) as jr:
        record = jr.migrations()[0]
        assert not jr.migrations(("begun", "committed"))
        items = [(i.service, i.account) for c in record.plan.changes for i in c.items]
    items.append((UNDO_SERVICE, record.id))
    kc = Keychain()
    stored = {svc_acct: kc.get(svc_acct[1], service=svc_acct[0]) for svc_acct in items}
    if state == "done":
        joined = " ".join(v or "" for v in stored.values())
        for values in secrets.values():
            for v in values:
                assert v in joined
    else:
        assert all(v is None for v in stored.values())
    # no plaintext copy anywhere else: not in the data dirs, not in temp files, not in the journal
    for path, values in secrets.items():
        for v in values:
            hits = plaintext_hits(v, home)
            assert hits == ([] if migrated[path] else [str(path)])
    assert not list(home.rglob("*.stowaway.tmp"))
    if state == "done":  # the recovered migration still undoes byte for byte
        undo_env = env_for(home, t)
        undone = subprocess.run(
            [sys.executable, "-m", "scanner", "undo", record.id],
            capture_output=True,
            text=True,
            env=undo_env,
            cwd=ROOT,
            timeout=120,
        )
        assert undone.returncode == 0, undone.stdout + undone.stderr
        assert all(path.read_bytes() == data for path, data in originals.items())
        assert kc.get(record.id, service=UNDO_SERVICE) is None


def test_uninterrupted_run_completes(tmp_path: Path, keychain) -> None:
    home, t, originals = make_home(tmp_path)
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env=env_for(home, t),
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 0 and "completed" in run.stdout, run.stderr
    assert all(path.read_bytes() != data for path, data in originals.items())
