"""Helpers for the migration tests: findings located by hand, plan+run in one call, plaintext
search across a home and Stowaway's own folders."""

from __future__ import annotations

import os
from pathlib import Path

from scanner.fingerprint import Fingerprinter
from scanner.keychain import Keychain
from scanner.migrate import plan_findings, run_plan
from scanner.migrate.journal import Journal
from scanner.migrate.plan import MigrationPlan
from scanner.migrate.runner import MigrationResult
from scanner.model import Confidence, Finding, Persistence


def find(
    path: Path,
    secret: str,
    *,
    kind: str,
    provider: str = "github",
    occurrence: int | None = None,
    encoding: str | None = None,
    span_text: str | None = None,
) -> list[Finding]:
    """Findings for every copy of ``secret`` (or of ``span_text``, an encoded blob holding it)."""
    data = path.read_bytes()
    needle = (span_text or secret).encode()
    fp = Fingerprinter()(secret)
    out = []
    start = data.find(needle)
    while start >= 0:
        line = data.count(b"\n", 0, start) + 1
        col = start - (data.rfind(b"\n", 0, start) + 1) + 1
        out.append(
            Finding(
                rule_id=f"{provider}-token",
                rule_name=f"{provider} token",
                provider=provider,
                path=str(path),
                line=line,
                column=col,
                end_line=line,
                end_column=col + len(needle),
                byte_start=start,
                byte_end=start + len(needle),
                file_kind=kind,
                fingerprint=fp,
                preview="…",
                confidence=Confidence.HIGH,
                persistence=Persistence.PERSISTENT,
                encoding=encoding,
            )
        )
        start = data.find(needle, start + len(needle))
    assert out, f"{secret[:4]}… not in {path}"
    return out if occurrence is None else [out[occurrence]]


def migrate(
    findings: list[Finding], home: Path, keychain: Keychain | None = None, name: str | None = None
) -> tuple[MigrationPlan, MigrationResult]:
    plan = plan_findings(findings, home=home, name=name)
    assert plan.changes, plan.problems
    with Journal.open() as jr:
        result = run_plan(plan, journal=jr, keychain=keychain)
    return plan, result


def plaintext_hits(secret: str, *roots: Path) -> list[str]:
    """Files under ``roots`` holding ``secret`` (raw bytes)."""
    needle = secret.encode()
    hits = []
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                p = Path(folder) / name
                try:
                    if needle in p.read_bytes():
                        hits.append(str(p))
                except OSError:
                    pass
    return hits
