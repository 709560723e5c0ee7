"""Builders for inventory tests: findings and file scans without the engine.

``FakeScan`` has the shape of the engine's ``FileScan`` (the inventory takes it structurally).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from scanner.fingerprint import Fingerprinter
from scanner.model import Confidence, Finding, Persistence
from scanner.redact import known_prefix, preview


@dataclass(frozen=True)
class Stat:
    size: int
    mtime_ns: int
    inode: int
    device: int


@dataclass(frozen=True)
class Issue:
    path: str
    kind: str
    message: str = ""


@dataclass(frozen=True)
class FakeScan:
    path: str
    file_kind: str
    stat: Stat | None
    content_hash: str | None
    findings: tuple[Finding, ...] = field(default=())
    issue: Issue | None = None


FP = Fingerprinter(key=b"k" * 32)


def finding(secret: str, path: str, line: int, column: int = 1, **kw: object) -> Finding:
    values: dict[str, object] = dict(
        rule_id="github-pat",
        rule_name="GitHub token",
        provider="GitHub",
        path=path,
        line=line,
        column=column,
        end_line=line,
        end_column=column + len(secret),
        byte_start=0,
        byte_end=len(secret),
        file_kind="notes",
        fingerprint=FP(secret),
        preview=preview(secret, known_prefix(secret, ("ghp_", "gho_", "xoxb-"))),
        confidence=Confidence.HIGH,
        persistence=Persistence.PERSISTENT,
    )
    values.update(kw)
    return Finding(**values)  # type: ignore[arg-type]


def stat_of(path: Path) -> Stat:
    st = os.stat(path)
    return Stat(st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)


def scan_of(path: Path, *findings: Finding, kind: str = "notes") -> FakeScan:
    return FakeScan(str(path), kind, stat_of(path), "h", tuple(findings))
