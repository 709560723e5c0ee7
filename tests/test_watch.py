"""The watcher on real inotify, a real SQLite inventory and the real engine."""

from __future__ import annotations

import errno
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scanner.inventory import EventKind, Inventory, InventoryEvent
from scanner.scan import Engine
from scanner.watch import Watcher
from tests import tokens

QUIET = 0.15


class Collector:
    def __init__(self) -> None:
        self.events: list[InventoryEvent] = []
        self.status: list[str] = []
        self._cv = threading.Condition()

    def __call__(self, event: InventoryEvent) -> None:
        with self._cv:
            self.events.append(event)
            self._cv.notify_all()

    def wait_for(self, pred: Callable[[list[InventoryEvent]], bool], timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        with self._cv:
            while not pred(self.events):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out; events so far: {self.kinds()}")
                self._cv.wait(left)

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]

    def settle(self, watcher: Watcher) -> None:
        """Let inotify deliver, then wait for the worker to drain."""
        time.sleep(QUIET * 3)
        assert watcher.wait_idle(15)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


@pytest.fixture
def run_watcher(home: Path, engine: Engine) -> Iterator[Callable[..., tuple[Watcher, Collector]]]:
    started: list[Watcher] = []

    def start(**kw: object) -> tuple[Watcher, Collector]:
        got = Collector()
        watcher = Watcher(
            None, engine, got, home=home, quiet_period=QUIET, on_status=got.status.append, **kw
        )  # type: ignore[arg-type]
        watcher.start()
        started.append(watcher)
        assert watcher.wait_ready(30)
        return watcher, got

    yield start
    for w in started:
        w.stop()


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, path)


def test_new_token_in_note_then_line_deleted_then_file_deleted(home: Path, run_watcher) -> None:
    notes = home / "notes"
    notes.mkdir()
    note = notes / "todo.md"
    note.write_text("groceries\n")
    watcher, got = run_watcher()
    assert got.events == []
    secret = tokens.github("ghp")
    with note.open("a") as handle:  # an in-place append, several writes
        handle.write("deploy with ")
        handle.flush()
        handle.write(secret + "\n")
    got.wait_for(lambda ev: len(ev) >= 1)
    got.settle(watcher)
    assert got.kinds() == [EventKind.NEW_CREDENTIAL]
    assert got.events[0].path == str(note) and secret not in got.events[0].message

    note.write_text("groceries\n")  # the line is deleted
    got.wait_for(lambda ev: len(ev) >= 2)
    got.settle(watcher)
    assert got.kinds()[1:] == [EventKind.EXPOSURE_GONE]

    env = notes / "app.env"
    env.write_text(f"TOKEN={secret}\n")
    got.wait_for(lambda ev: len(ev) >= 3)
    assert got.kinds()[2] == EventKind.NEW_EXPOSURE
    env.unlink()  # the file is deleted
    got.wait_for(lambda ev: len(ev) >= 4)
    got.settle(watcher)
    assert got.kinds()[3:] == [EventKind.EXPOSURE_GONE]
    with Inventory.open() as inv:
        assert inv.stats().exposed_credentials == 0


def test_atomic_save_by_rename_gives_exactly_one_event(home: Path, run_watcher) -> None:
    notes = home / "Documents"
    notes.mkdir()
    note = notes / "keys.md"
    note.write_text("nothing yet\n")
    watcher, got = run_watcher()
    secret = tokens.github("ghp")
    _atomic_write(note, f"nothing yet\nmy key: {secret}\n")
    got.wait_for(lambda ev: len(ev) >= 1)
    got.settle(watcher)
    assert got.kinds() == [EventKind.NEW_CREDENTIAL]
    # saving again (same content, new inode) changes nothing
    _atomic_write(note, f"nothing yet\nmy key: {secret}\n")
    got.settle(watcher)
    assert got.kinds() == [EventKind.NEW_CREDENTIAL]


def test_zsh_history_rewritten_by_rename_in_watched_home(home: Path, run_watcher) -> None:
    hist = home / ".zsh_history"
    hist.write_text(": 1700000000:0;ls\n")
    (home / "unrelated.txt").write_text("x")
    watcher, got = run_watcher()
    secret = tokens.github("ghp")
    new = home / ".zsh_history.new"  # HIST_SAVE_BY_COPY
    new.write_text(f": 1700000000:0;ls\n: 1700000001:0;export GH_TOKEN={secret}\n")
    os.replace(new, hist)
    (home / "unrelated.txt").write_text(f"not watched {tokens.github('ghp')}")
    got.wait_for(lambda ev: len(ev) >= 1)
    got.settle(watcher)
    assert [(e.kind, e.path) for e in got.events] == [(EventKind.NEW_CREDENTIAL, str(hist))]


def test_folder_created_after_start_and_removed(home: Path, run_watcher) -> None:
    watcher, got = run_watcher()
    notes = home / "notes"  # does not exist at start: ~ is watched for it
    notes.mkdir()
    deep = notes / "work" / "2024"
    deep.mkdir(parents=True)
    secret = tokens.github("ghp")
    (deep / "meeting.md").write_text(f"token {secret}\n")
    got.wait_for(lambda ev: len(ev) >= 1)
    got.settle(watcher)
    assert got.kinds() == [EventKind.NEW_CREDENTIAL]
    # files written after the watch is armed are seen too
    (notes / "later.txt").write_text(f"again {secret}\n")
    got.wait_for(lambda ev: len(ev) >= 2)
    assert got.kinds()[1] == EventKind.NEW_EXPOSURE
    # the whole folder goes away
    for f in (deep / "meeting.md", notes / "later.txt"):
        f.unlink()
    deep.rmdir()
    (notes / "work").rmdir()
    notes.rmdir()
    got.wait_for(lambda ev: len(ev) >= 4)
    got.settle(watcher)
    assert sorted(got.kinds()[2:]) == [EventKind.EXPOSURE_GONE] * 2
    # and comes back
    notes.mkdir()
    (notes / "again.md").write_text(f"{secret}\n")
    got.wait_for(lambda ev: len(ev) >= 5)
    assert got.kinds()[4] == EventKind.NEW_EXPOSURE


def test_credential_file_in_missing_folder(home: Path, run_watcher) -> None:
    watcher, got = run_watcher()
    aws = home / ".config" / "gh"
    aws.mkdir(parents=True, exist_ok=True)
    secret = tokens.github("gho")
    (aws / "hosts.yml").write_text(f"github.com:\n    oauth_token: {secret}\n    user: me\n")
    got.wait_for(lambda ev: len(ev) >= 1)
    got.settle(watcher)
    assert [(e.kind, e.path) for e in got.events] == [
        (EventKind.NEW_CREDENTIAL, str(aws / "hosts.yml"))
    ]


def test_restart_catches_up_on_changes_made_while_off(home: Path, run_watcher) -> None:
    notes = home / "notes"
    notes.mkdir()
    keep, drop = notes / "keep.md", notes / "drop.md"
    s1, s2, s3 = (tokens.github("ghp") for _ in range(3))
    keep.write_text(f"{s1}\n")
    drop.write_text(f"{s2}\n")
    watcher, got = run_watcher()
    got.wait_for(lambda ev: len(ev) >= 2)  # the first start catches up on what's there
    assert sorted(got.kinds()) == [EventKind.NEW_CREDENTIAL] * 2
    watcher.stop()
    drop.unlink()
    (notes / "new.md").write_text(f"{s3}\n")
    watcher2, got2 = run_watcher()
    got2.settle(watcher2)
    assert sorted(got2.kinds()) == [EventKind.EXPOSURE_GONE, EventKind.NEW_CREDENTIAL]
    # nothing changed: a third start reports nothing
    watcher2.stop()
    watcher3, got3 = run_watcher()
    got3.settle(watcher3)
    assert got3.events == []


def test_extra_folder_excludes_and_pause(home: Path, run_watcher) -> None:
    vault = home / "vault"
    (vault / "fixtures").mkdir(parents=True)
    watcher, got = run_watcher(extra_folders=[vault], excludes=[str(vault / "fixtures")])
    secret = tokens.github("ghp")
    (vault / "fixtures" / "t.txt").write_text(f"{secret}\n")
    (vault / "deep" / "er").mkdir(parents=True)
    (vault / "deep" / "er" / "x.cfg").write_text(f"key={secret}\n")
    got.wait_for(lambda ev: len(ev) >= 1)
    got.settle(watcher)
    assert [e.path for e in got.events] == [str(vault / "deep" / "er" / "x.cfg")]
    watcher.pause()
    (vault / "paused.txt").write_text(f"{secret}\n")
    got.settle(watcher)
    assert len(got.events) == 1
    watcher.resume()
    got.wait_for(lambda ev: len(ev) >= 2)
    assert got.events[1].path == str(vault / "paused.txt")


def test_inotify_limit_falls_back_to_polling(
    home: Path, run_watcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = home / "notes"
    notes.mkdir()
    real = Watcher._schedule_on

    def limited(self: Watcher, observer, path: str, recursive: bool):  # type: ignore[no-untyped-def]
        if path == str(notes) and observer is self._native:
            raise OSError(errno.ENOSPC, "inotify watch limit reached")
        return real(self, observer, path, recursive)

    monkeypatch.setattr(Watcher, "_schedule_on", limited)
    watcher, got = run_watcher(poll_interval=0.3)
    assert watcher.fallback_paths == [str(notes)]
    assert any("inotify watch limit" in s and "max_user_watches" in s for s in got.status)
    (notes / "n.md").write_text(f"{tokens.github('ghp')}\n")
    got.wait_for(lambda ev: len(ev) >= 1)
    assert got.kinds() == [EventKind.NEW_CREDENTIAL]


def test_hot_file_is_rate_limited(home: Path, run_watcher, engine: Engine) -> None:
    notes = home / "notes"
    notes.mkdir()
    big = notes / "log.txt"
    big.write_text("x" * 10)
    watcher, got = run_watcher()
    scans: list[float] = []
    original = engine.scan_file

    def counting(path, known_credential=False):  # type: ignore[no-untyped-def]
        if str(path) == str(big):
            scans.append(time.monotonic())
            time.sleep(0.1)  # pretend it is a slow, large file
        return original(path, known_credential)

    engine.scan_file = counting  # type: ignore[method-assign]
    try:
        end = time.monotonic() + 2.5
        i = 0
        while time.monotonic() < end:
            big.write_text(f"line {i}\n" * 100)
            i += 1
            time.sleep(0.02)
        got.settle(watcher)
    finally:
        del engine.scan_file
    # ~100 writes, but the file is read at most every ~1 s (10x its 0.1 s scan time)
    assert 1 <= len(scans) <= 4
    gaps = [b - a for a, b in itertools.pairwise(scans)]
    assert all(g >= 0.9 for g in gaps)
