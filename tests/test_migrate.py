"""Migrations of .env, shell rc, notes and histories with the real keychain: the file loses the
token, the keychain has it, the consumer gets it, undo restores the exact bytes; and bad input."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from scanner import paths
from scanner.keychain import Keychain
from scanner.migrate import (
    MigrationError,
    RotateError,
    plan_findings,
    restore_previous,
    rotate,
    run_plan,
    undo,
)
from scanner.migrate.journal import Journal
from scanner.migrate.plan import content_hash
from scanner.migrate.undo import UndoError
from scanner.migrate.undo_data import UNDO_SERVICE
from tests import tokens
from tests.test_migrate_support import find, migrate, plaintext_hits

ROOT = Path(__file__).resolve().parent.parent


def cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scanner", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        input=stdin,
        timeout=120,
    )


def test_dotenv_to_keychain_exec_and_undo(home: Path, keychain) -> None:
    token = tokens.github()
    project = home / "proj"
    project.mkdir()
    env = project / ".env"
    original = f"DEBUG=1\r\nGITHUB_TOKEN={token}\r\nOTHER='x'".encode()  # CRLF, no final EOL
    env.write_bytes(original)
    os.chmod(env, 0o640)
    plan, result = migrate(find(env, token, kind="dotenv"), home)
    text = env.read_bytes().decode()
    assert token not in text
    assert "# GITHUB_TOKEN=[stowaway:keychain:github/" in text
    assert text.endswith("\r\nOTHER='x'") and "\r\n# GITHUB_TOKEN=" in text
    assert stat.S_IMODE(env.stat().st_mode) == 0o640
    account = plan.changes[0].items[0].account
    assert Keychain().get(account) == token
    # the consumer: a child started by `stowaway exec` gets the variable; so does `get`
    run = cli(
        "exec",
        "--",
        sys.executable,
        "-c",
        "import os;print(os.environ['GITHUB_TOKEN'])",
        cwd=project,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == token
    run = cli(
        "exec",
        "--env",
        f"T={account}",
        "--",
        sys.executable,
        "-c",
        "import os;print(os.environ['T'])",
    )
    assert run.stdout.strip() == token
    assert cli("get", account).stdout.strip() == token
    assert plaintext_hits(token, home) == []
    undone = undo(result.migration_id)
    assert undone.state == "undone"
    assert env.read_bytes() == original
    assert Keychain().get(account) is None


def test_shell_rc_export_becomes_keychain_lookup(home: Path, keychain) -> None:
    token = tokens.openai()
    rc = home / ".bashrc"
    original = f"alias ll='ls -l'\nexport OPENAI_API_KEY=\"{token}\"\n".encode()
    rc.write_bytes(original)
    _plan, result = migrate(find(rc, token, kind="shell_rc", provider="openai"), home)
    data = rc.read_bytes()
    assert token.encode() not in data
    assert b'\nexport OPENAI_API_KEY="$(' in data and data.endswith(b')"\n')
    # a real bash sourcing the file gets the value from the keychain
    run = subprocess.run(
        ["bash", "-c", f'source {rc}; printf %s "$OPENAI_API_KEY"'],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.stdout == token, run.stderr
    assert undo(result.migration_id).state == "undone"
    assert rc.read_bytes() == original


def test_notes_marker_token_twice_symlink(home: Path, keychain) -> None:
    token = tokens.github()
    notes = home / "Notes"
    notes.mkdir()
    target = notes / "real.md"
    original = f"# creds\nmy token: {token}\nagain {token} here\n".encode()
    target.write_bytes(original)
    link = home / "notes.md"
    link.symlink_to(target)
    plan, result = migrate(find(link, token, kind="notes"), home)
    assert link.is_symlink()
    text = target.read_text()
    assert token not in text
    account = plan.changes[0].items[0].account
    assert text.count(f"[stowaway:keychain:{account}]") == 2
    assert Keychain().get(account) == token
    assert undo(result.migration_id).state == "undone"
    assert link.is_symlink() and target.read_bytes() == original


@pytest.mark.parametrize(
    ("shell", "name", "build"),
    [
        (
            "bash",
            ".bash_history",
            lambda t: f"ls\n#1700000000\ncurl -H 'Authorization: token {t}' x\n#1700000001\npwd\n",
        ),
        (
            "zsh",
            ".zsh_history",
            lambda t: (
                f": 1700000000:0;ls\n: 1700000001:0;export A=1 \\\nGH={t} \\\nB=2\n"
                ": 1700000002:0;caf\xe9\n"
            ),
        ),
        (
            "fish",
            "fish_history",
            lambda t: (
                f"- cmd: ls\n  when: 1700000000\n- cmd: gh auth login --with-token {t}\n"
                "  when: 1700000001\n  paths:\n    - /tmp\n- cmd: pwd\n  when: 1700000002\n"
            ),
        ),
        (
            "powershell",
            "ConsoleHost_history.txt",
            lambda t: f"dir\r\n$env:GH = `\r\n'{t}'\r\nGet-Date\r\n",
        ),
    ],
)
def test_history_entries_removed_format_kept(
    home: Path, keychain, shell: str, name: str, build
) -> None:
    token = tokens.github()
    hist = home / name
    original = build(token).encode("utf-8")
    if shell == "zsh":  # a metafied byte sequence elsewhere in the file stays untouched
        original = original.replace("caf\xe9".encode(), b"caf\x83\xa9")
    hist.write_bytes(original)
    plan, result = migrate(find(hist, token, kind=f"{shell}_history"), home)
    data = hist.read_bytes()
    assert token.encode() not in data
    expected = {
        "bash": b"ls\npwd\n" if False else b"ls\n#1700000001\npwd\n",
        "zsh": b": 1700000000:0;ls\n: 1700000002:0;caf\x83\xa9\n",
        "fish": b"- cmd: ls\n  when: 1700000000\n- cmd: pwd\n  when: 1700000002\n",
        "powershell": b"dir\r\nGet-Date\r\n",
    }[shell]
    assert data == expected
    assert any("open" in w for w in plan.changes[0].warnings)
    # the shell appends more history after the migration; undo still restores our entry
    hist.write_bytes(data + b"echo later\n")
    assert undo(result.migration_id).state == "undone"
    assert hist.read_bytes() == original + b"echo later\n"


def test_file_changed_between_plan_and_run(home: Path, keychain) -> None:
    token = tokens.github()
    env = home / ".env"
    env.write_text(f"T={token}\n")
    plan = plan_findings(find(env, token, kind="dotenv"), home=home)
    env.write_text(f"T={token}\nMORE=1\n")
    with pytest.raises(MigrationError, match="changed since the plan"):
        run_plan(plan)
    assert env.read_text() == f"T={token}\nMORE=1\n"
    assert Keychain().get(plan.changes[0].items[0].account) is None


def test_unwritable_folder_refused(home: Path, keychain) -> None:
    token = tokens.github()
    folder = home / "ro"
    folder.mkdir()
    env = folder / ".env"
    env.write_text(f"T={token}\n")
    plan = plan_findings(find(env, token, kind="dotenv"), home=home)
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: permissions are not enforced")
        with pytest.raises(MigrationError, match="not writable"):
            run_plan(plan)
    finally:
        folder.chmod(0o700)
    assert env.read_text() == f"T={token}\n"
    assert Keychain().get(plan.changes[0].items[0].account) is None


def test_disk_full_on_second_file_rolls_everything_back(home: Path, keychain, monkeypatch) -> None:
    token, other = tokens.github(), tokens.npm()
    a, b = home / "a.env", home / "b.env"
    a.write_text(f"A={token}\n")
    b.write_text(f"B={other}\n")
    findings = find(a, token, kind="dotenv") + find(b, other, kind="dotenv", provider="npm")
    plan = plan_findings(findings, home=home)
    monkeypatch.setenv("STOWAWAY_FAULT_FAIL_AT", "write:2")
    from scanner.migrate import faults

    faults.reset()
    with pytest.raises(MigrationError, match=r"disk is full.*put back"):
        run_plan(plan)
    assert a.read_text() == f"A={token}\n" and b.read_text() == f"B={other}\n"
    for change in plan.changes:
        for item in change.items:
            assert Keychain().get(item.account) is None
    assert not list(home.glob(".*.stowaway.tmp"))
    with Journal.open() as jr:
        assert jr.migration(plan.id).state == "rolled_back"


def test_name_collision_with_a_different_secret_is_refused(home: Path, keychain) -> None:
    token = tokens.github()
    Keychain().set("mine", "something else")
    env = home / ".env"
    env.write_text(f"T={token}\n")
    plan = plan_findings(find(env, token, kind="dotenv"), home=home, name="mine")
    with pytest.raises(MigrationError, match="different secret"):
        run_plan(plan)
    assert Keychain().get("mine") == "something else"
    assert env.read_text() == f"T={token}\n"


def test_journal_has_no_plaintext_and_is_private(home: Path, keychain) -> None:
    """A second secret no rule knows sits on the history line with the token: the rest of the
    removed command goes to the keychain's undo data, never to Stowaway's files; undo still
    restores the exact bytes, then drops the undo data."""
    token = tokens.github()
    password = tokens.random_secret(24)
    hist = home / ".bash_history"
    original = (
        f'ls\ncurl -u me:{password} -H "Authorization: token {token}" https://api.github.com\npwd\n'
    ).encode()
    hist.write_bytes(original)
    _plan, result = migrate(find(hist, token, kind="bash_history"), home)
    assert hist.read_bytes() == b"ls\npwd\n"
    db = paths.data_dir() / "migrations.sqlite3"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert plaintext_hits(token, home) == []
    assert plaintext_hits(password, home) == []
    assert plaintext_hits("api.github.com", home) == []  # no text of the line at all
    with Journal.open() as jr:
        record = jr.migrations()[0]
        assert content_hash(hist.read_bytes()) == jr.files(record.id)[0].after_hash
        undo_items = [i for i in jr.items(record.id) if i.service == UNDO_SERVICE]
        assert [(i.account, i.stored) for i in undo_items] == [(record.id, True)]
    assert password in (Keychain().get(record.id, service=UNDO_SERVICE) or "")
    assert undo(result.migration_id).state == "undone"
    assert hist.read_bytes() == original
    assert Keychain().get(record.id, service=UNDO_SERVICE) is None


def test_undo_data_split_for_windows_sized_entries(home: Path, keychain) -> None:
    """Long removed text (many history entries) splits like any long keychain value."""
    token = tokens.github()
    lines = [f"curl -u me:{tokens.random_secret(24)} -H 'token {token}' x/{n}" for n in range(40)]
    hist = home / ".bash_history"
    original = ("\n".join(["ls", *lines, "pwd"]) + "\n").encode()
    hist.write_bytes(original)
    small = Keychain(blob_limit=2560, blob_encoding="utf-16-le")
    _plan, result = migrate(find(hist, token, kind="bash_history"), home, keychain=small)
    assert hist.read_bytes() == b"ls\npwd\n"
    raw = Keychain().backend.get_password(UNDO_SERVICE, result.migration_id)
    assert raw.startswith("stowaway-parts:v1:")
    assert int(raw.split(":")[2]) > 1
    assert undo(result.migration_id, keychain=small).state == "undone"
    assert hist.read_bytes() == original
    assert Keychain().backend.get_password(UNDO_SERVICE, f"{result.migration_id}#part1") is None


def test_undo_forget_keeps_the_migration_and_drops_its_undo_data(home: Path, keychain) -> None:
    token, password = tokens.github(), tokens.random_secret(24)
    hist = home / ".bash_history"
    hist.write_text(f"curl -u me:{password} -H 'Authorization: token {token}' x\nls\n")
    _plan, result = migrate(find(hist, token, kind="bash_history"), home)
    mid = result.migration_id
    assert cli("undo", "--forget", "m-nope").returncode == 2
    run = cli("undo", "--forget", mid)
    assert run.returncode == 0, run.stderr
    assert "can no longer be undone" in run.stdout
    assert Keychain().get(mid, service=UNDO_SERVICE) is None
    assert password not in str(Keychain().backend.get_password(UNDO_SERVICE, mid))
    listing = cli("undo", "--list")
    assert f"{mid}\tdone\t" in listing.stdout and "undo data dropped" in listing.stdout
    again = cli("undo", mid)
    assert again.returncode == 2 and "undo data" in again.stderr
    assert hist.read_text() == "ls\n"
    assert Keychain().get(result.accounts[0]) == token  # the token itself stays migrated
    assert "already dropped" in cli("undo", "--forget", mid).stdout


def test_undo_refuses_undo_data_that_does_not_match(home: Path, keychain) -> None:
    token = tokens.github()
    hist = home / ".bash_history"
    hist.write_text(f"export GH={token}\nls\n")
    _plan, result = migrate(find(hist, token, kind="bash_history"), home)
    Keychain().set(result.migration_id, '{"0":"export GX="}', service=UNDO_SERVICE)
    with pytest.raises(UndoError, match="does not match"):
        undo(result.migration_id)
    assert hist.read_text() == "ls\n"


def test_undo_list_and_cli_migrate_dry_run(home: Path, keychain) -> None:
    token = tokens.github()
    env = home / "proj.env"
    env.write_text(f"GITHUB_TOKEN={token}\n")
    run = cli("migrate", "--file", str(env), "--dry-run")
    assert run.returncode == 0, run.stderr
    assert "keychain: github/" in run.stdout and "then:" in run.stdout
    assert token not in run.stdout
    assert env.read_text() == f"GITHUB_TOKEN={token}\n"
    run = cli("migrate", "--file", str(env), "--yes")
    assert run.returncode == 0, run.stderr
    assert token not in env.read_text()
    listing = cli("undo", "--list")
    mid = listing.stdout.split("\t")[0]
    assert "\tdone\t" in listing.stdout
    assert cli("undo", mid).returncode == 0
    assert env.read_text() == f"GITHUB_TOKEN={token}\n"


def test_rotate_then_undo_restores_the_current_or_the_previous_value(home: Path, keychain) -> None:
    """``rotate`` puts a new value under the migrated entry and keeps the previous one: undo
    right away writes the current value back (and says so); after ``restore_previous`` it
    writes the original bytes."""
    token, new = tokens.github(), tokens.github()
    env = home / ".env"
    env.write_text(f"A=1\nGITHUB_TOKEN={token}\n")
    plan, result = migrate(find(env, token, kind="dotenv"), home)
    account = plan.changes[0].items[0].account
    with pytest.raises(RotateError, match="not a keychain entry a migration created"):
        rotate("github/nothing", new)
    rotation = rotate(account, new, fingerprints=("fp_new",))
    assert rotation.changed and rotation.previous_account == f"rotation/previous/{account}"
    assert Keychain().get(account) == new
    assert Keychain().get(rotation.previous_account) == token
    with Journal.open() as jr:
        indexed = jr.entry(account)
        kept = jr.entry(rotation.previous_account)
    assert indexed is not None and indexed.fingerprints == ("fp_new",)
    assert kept is not None and kept.kind == "previous"
    assert not rotate(account, new).changed
    assert cli("get", account).stdout.strip() == new  # what the consumers now get

    # the user wants the original bytes back: previous value first, then undo
    assert restore_previous(account)
    assert Keychain().get(account) == token
    assert Keychain().get(rotation.previous_account) is None
    assert not restore_previous(account)
    undone = undo(result.migration_id)
    assert undone.state == "undone"
    assert not any("changed since the migration" in m for m in undone.messages)
    assert env.read_text() == f"A=1\nGITHUB_TOKEN={token}\n"


def test_undo_after_a_rotation_restores_the_current_value_and_says_so(home: Path, keychain) -> None:
    token, rotated = tokens.github(), tokens.github()
    env = home / ".env"
    env.write_text(f"GITHUB_TOKEN={token}\n")
    plan, result = migrate(find(env, token, kind="dotenv"), home)
    account = plan.changes[0].items[0].account
    rotate(account, rotated)
    undone = undo(result.migration_id)
    assert undone.state == "undone"
    assert env.read_text() == f"GITHUB_TOKEN={rotated}\n"
    assert any("changed since the migration" in m for m in undone.messages)


def test_index_keeps_every_use_of_a_shared_entry_across_migrations(home: Path, keychain) -> None:
    """A .env copy and a history copy of one token, migrated separately, share one entry:
    undoing the history migration keeps the entry indexed for the .env one."""
    token = tokens.github()
    env, hist = home / ".env", home / ".bash_history"
    env.write_text(f"GITHUB_TOKEN={token}\n")
    hist.write_text(f"export GH={token}\nls\n")
    _p, first = migrate(find(env, token, kind="dotenv"), home)
    _p, second = migrate(find(hist, token, kind="bash_history"), home)
    with Journal.open() as jr:
        [entry] = jr.entries()
        assert entry.kinds == ("env", "history") and entry.kind == "env"
        assert entry.read_by_tools
        assert [e.account for e in jr.entries("history")] == [entry.account]
    assert f"{entry.account}\tgithub\tenv,history\t" in cli("get", "--list").stdout
    assert undo(second.migration_id).state == "undone"
    assert Keychain().get(entry.account) == token  # the .env migration still needs it
    with Journal.open() as jr:
        [kept] = jr.entries()
        assert kept.kinds == ("env",) and kept.migration_id == first.migration_id
    assert undo(first.migration_id).state == "undone"
    with Journal.open() as jr:
        assert jr.entries() == []
