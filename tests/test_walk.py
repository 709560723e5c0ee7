"""The walker and scan_file on bad inputs: nothing blocks, nothing crashes, all is reported."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import scanner.scan as scan_module
from scanner.scan import Engine
from tests import tokens
from tests.test_engine_core import make_engine


def kinds(result) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    out: dict[str, set[str]] = {}
    for issue in result.issues:
        out.setdefault(issue.kind, set()).add(os.path.basename(issue.path))
    return out


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "notes").mkdir(parents=True)
    (root / "notes" / "todo.md").write_text(f"token: {tokens.github('ghp')}\n")
    return root


def test_bad_inputs_are_issues_not_errors(tree: Path, tmp_path: Path) -> None:
    (tree / "blob.dat2").write_bytes(b"\x00\x01binary" + tokens.github("ghp").encode())
    (tree / "huge.log").write_bytes(b"x" * 2048)
    os.mkfifo(tree / "pipe")
    (tree / "loop").symlink_to(tree)
    outside = tmp_path / "outside.txt"
    outside.write_text(f"{tokens.github('ghp')}\n")
    (tree / "out.txt").symlink_to(outside)
    (tree / "dangling").symlink_to(tmp_path / "nope")
    engine = make_engine(max_file_size=1024, workers=1)
    result = engine.scan([tree])
    found = kinds(result)
    assert found["binary"] == {"blob.dat2"}
    assert found["too_large"] == {"huge.log"}
    assert found["special_file"] == {"pipe"}
    assert found["symlink_loop"] == {"loop"}
    assert found["symlink_outside"] == {"out.txt"}
    assert [Path(f.path).name for f in result.findings] == ["todo.md"]
    assert result.files_scanned == 1


def test_known_credential_files_ignore_size_limit(tmp_path: Path) -> None:
    history = tmp_path / ".bash_history"
    token = tokens.github("ghp")
    history.write_text("ls\n" * 1000 + f"export T={token}\n")
    result = make_engine(max_file_size=100).scan([tmp_path])
    assert [f.line for f in result.findings] == [1001]


def test_unreadable_file(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret_file = tree / "private.txt"
    secret_file.write_text("x\n")
    if os.geteuid() != 0:
        secret_file.chmod(0)
    else:  # root reads anything: inject the fault the OS would raise
        real_open = os.open

        def deny(path, *args, **kwargs):  # type: ignore[no-untyped-def]
            if str(path) == str(secret_file):
                raise PermissionError(13, "Permission denied")
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(scan_module.os, "open", deny)
    result = make_engine().scan([tree])
    assert kinds(result)["permission"] == {"private.txt"}
    assert len(result.findings) == 1


def test_unreadable_folder_is_reported(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tree / "locked"
    locked.mkdir()
    real_scandir = os.scandir

    def deny(path):  # type: ignore[no-untyped-def]
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr("scanner.walk.os.scandir", deny)
    assert kinds(make_engine().scan([tree]))["permission"] == {"locked"}


def test_vanished_and_changed_files(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine()
    gone = tree / "gone.txt"
    gone.write_text("x")
    files = list(engine.iter_files([tree]))
    gone.unlink()
    assert engine.scan_file(files[0]).issue.kind == "vanished"  # type: ignore[union-attr]
    changing = tree / "notes" / "todo.md"
    real_read_all = scan_module._read_all

    def read_then_append(fd: int, size: int) -> bytes:
        data = real_read_all(fd, size)
        with changing.open("a") as handle:
            handle.write("more\n")
        return data

    monkeypatch.setattr(scan_module, "_read_all", read_then_append)
    file_scan = engine.scan_file(changing)
    assert file_scan.issue is not None and file_scan.issue.kind == "changed_during_scan"
    assert len(file_scan.findings) == 1  # still scanned


def test_default_excludes_and_kept_files(tmp_path: Path) -> None:
    repo = tmp_path / "proj"
    for sub in (
        "node_modules/pkg",
        ".venv/lib",
        ".git/objects",
        "build",
        "src",
        ".pyenv/versions/3.12/lib",
        ".nvm/versions/node",
    ):
        (repo / sub).mkdir(parents=True)
        (repo / sub / "leak.txt").write_text(f"{tokens.github('ghp')}\n")
    (repo / ".git" / "config").write_text(
        f'[remote "origin"]\n\turl = https://x:{tokens.github("ghp")}@github.com/o/r.git\n'
    )
    (repo / "photo.png").write_bytes(b"\x89PNG" + tokens.github("ghp").encode())
    files = {p.relative_to(repo).as_posix() for p in make_engine().iter_files([repo])}
    assert files == {"src/leak.txt", ".git/config"}


def test_stowawayignore_and_exclude_globs(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "tests" / "fixtures").mkdir(parents=True)
    (repo / "resources" / "rules").mkdir(parents=True)
    for rel in ("tests/fixtures/a.txt", "resources/rules/x.toml", "keep.md", "drop.log"):
        (repo / rel).write_text(f"{tokens.github('ghp')}\n")
    (repo / ".stowawayignore").write_text("# fixtures\nresources/rules/*.toml\ntests/fixtures/**\n")
    engine = make_engine(extra_excludes=("*.log",))
    names = sorted(Path(f.path).name for f in engine.scan([repo]).findings)
    assert names == ["keep.md"]


def test_parallel_scan_matches_serial(tmp_path: Path) -> None:
    for i in range(150):
        body = f"token: {tokens.github('ghp')}\n" if i % 7 == 0 else "nothing here\n"
        (tmp_path / f"f{i:03}.txt").write_text(body * 3)
    seen: list[str] = []
    serial = make_engine(workers=1).scan([tmp_path])
    parallel = make_engine(workers=2).scan([tmp_path], on_file=lambda fs: seen.append(fs.path))
    key = lambda f: (f.path, f.line)  # noqa: E731
    assert sorted(serial.findings, key=key) == sorted(parallel.findings, key=key)
    assert len(seen) == 150 and parallel.files_scanned == 150
    assert len(serial.findings) == 3 * 22


def test_cancel_stops_early(tmp_path: Path) -> None:
    import threading

    for i in range(200):
        (tmp_path / f"f{i}.txt").write_text("x\n")
    cancel = threading.Event()
    engine: Engine = make_engine(workers=1)

    def on_file(_: object) -> None:
        if not cancel.is_set():
            cancel.set()

    result = engine.scan([tmp_path], on_file=on_file, cancel=cancel)
    assert result.cancelled and result.files_scanned < 200


def test_binary_without_nul_is_skipped_but_legacy_text_is_scanned(tmp_path: Path) -> None:
    token = tokens.github("ghp")
    noise = os.urandom(8192).replace(b"\0", b"\x01")
    (tmp_path / "random.bin2").write_bytes(noise + token.encode())
    (tmp_path / "tool").write_bytes(b"\x7fELF\x02\x01\x01" + token.encode())
    (tmp_path / "notes-latin1.txt").write_bytes(f"café crème résumé {token}\n".encode("latin-1"))
    (tmp_path / "memo-sjis.txt").write_bytes(
        ("日本語のメモ " * 200 + token + "\n").encode("shift_jis")
    )
    (tmp_path / "build.log").write_bytes(b"\x1b[31mERROR\x1b[0m retry\n" * 500 + token.encode())
    result = make_engine(workers=1).scan([tmp_path])
    assert kinds(result)["binary"] == {"random.bin2", "tool"}
    assert {Path(f.path).name for f in result.findings} == {
        "notes-latin1.txt",
        "memo-sjis.txt",
        "build.log",
    }
