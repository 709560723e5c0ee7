"""Scan reports: human text (grouped by credential, worst first), JSON, SARIF 2.1.0 and CSV.

No report ever contains a secret: findings carry only fingerprints and redacted previews.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner import __version__
from scanner.model import Confidence, Finding, Persistence, Rule
from scanner.paths import display_path
from scanner.scan import ScanResult

FORMATS = ("text", "json", "sarif", "csv")
CONFIDENCE_ORDER = {Confidence.HIGH: 0, Confidence.MEDIUM: 1, Confidence.LOW: 2}
PERSISTENCE_ORDER = {Persistence.PERSISTENT: 0, Persistence.DEPENDS: 1, Persistence.EXPIRING: 2}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/stowaway-app/stowaway"


@dataclass(frozen=True)
class Credential:
    """One secret (one fingerprint) and all its copies."""

    fingerprint: str
    findings: tuple[Finding, ...]

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def informational(self) -> bool:
        return all(f.informational for f in self.findings)

    def sort_key(self) -> tuple[int, int, int, int, str]:
        f = self.first
        return (
            1 if self.informational else 0,
            CONFIDENCE_ORDER.get(f.confidence, 3),
            PERSISTENCE_ORDER.get(f.persistence, 3),
            -len(self.findings),
            f.rule_name,
        )


def group_by_credential(findings: Sequence[Finding]) -> list[Credential]:
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.fingerprint, []).append(finding)
    creds = []
    for fp, items in groups.items():
        items.sort(key=lambda f: (CONFIDENCE_ORDER.get(f.confidence, 3), f.path, f.line))
        creds.append(Credential(fp, tuple(items)))
    return sorted(creds, key=Credential.sort_key)


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "provider": finding.provider,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "byte_start": finding.byte_start,
        "byte_end": finding.byte_end,
        "file_kind": finding.file_kind,
        "fingerprint": finding.fingerprint,
        "preview": finding.preview,
        "confidence": str(finding.confidence),
        "persistence": str(finding.persistence),
        "informational": finding.informational,
        "encoding": finding.encoding,
        "validation": finding.validation,
        "expires_at": finding.expires_at.isoformat() if finding.expires_at else None,
        "details": dict(finding.details),
        "context_key": finding.context_key,
    }


def summary_dict(result: ScanResult) -> dict[str, Any]:
    return {
        "roots": result.roots,
        "files_scanned": result.files_scanned,
        "files_skipped": result.files_skipped,
        "bytes_scanned": result.bytes_scanned,
        "duration_s": round(result.duration_s, 3),
        "cancelled": result.cancelled,
        "credentials": len({f.fingerprint for f in result.findings}),
        "findings": len(result.findings),
        "ignored": result.ignored,
        "backend": result.backend,
        "issues": dict(Counter(i.kind for i in result.issues)),
    }


# --- JSON / CSV --------------------------------------------------------------------------------


def to_json(result: ScanResult, rules: Mapping[str, Rule] | None = None) -> str:
    credentials = []
    for cred in group_by_credential(result.findings):
        first = cred.first
        rule = (rules or {}).get(first.rule_id)
        credentials.append(
            {
                "fingerprint": cred.fingerprint,
                "rule_id": first.rule_id,
                "rule_name": first.rule_name,
                "provider": first.provider,
                "preview": first.preview,
                "confidence": str(first.confidence),
                "persistence": str(first.persistence),
                "informational": cred.informational,
                "copies": len(cred.findings),
                "revoke_url": rule.revoke.url if rule else None,
                "locations": [f.location for f in cred.findings],
            }
        )
    doc = {
        "tool": "stowaway",
        "version": __version__,
        "summary": summary_dict(result),
        "credentials": credentials,
        "findings": [finding_dict(f) for f in result.findings],
        "issues": [{"path": i.path, "kind": i.kind, "message": i.message} for i in result.issues],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


CSV_FIELDS = (
    "fingerprint", "rule_id", "rule_name", "provider", "path", "line", "column", "end_line",
    "end_column", "byte_start", "byte_end", "file_kind", "preview", "confidence", "persistence",
    "informational", "encoding", "validation", "expires_at", "context_key",
)  # fmt: skip


def to_csv(result: ScanResult) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for finding in result.findings:
        row = finding_dict(finding)
        row["informational"] = "true" if finding.informational else "false"
        writer.writerow(row)
    return out.getvalue()


# --- SARIF -------------------------------------------------------------------------------------


def _sarif_level(finding: Finding) -> str:
    if finding.informational:
        return "note"
    return "error" if finding.confidence == Confidence.HIGH else "warning"


def _pascal(text: str) -> str:
    return "".join(part.capitalize() for part in text.replace("_", "-").split("-") if part)


def _sarif_rule(rule_id: str, rule: Rule | None, sample: Finding) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": rule_id,
        "name": _pascal(rule_id),
        "shortDescription": {"text": rule.name if rule else sample.rule_name},
        "properties": {
            "provider": sample.provider,
            "confidence": str(sample.confidence),
            "persistence": str(sample.persistence),
            "tags": ["security", "secret", *(rule.tags if rule else ())],
        },
        "defaultConfiguration": {"level": _sarif_level(sample)},
    }
    if rule is not None:
        if rule.description:
            entry["fullDescription"] = {"text": rule.description}
        entry["helpUri"] = rule.revoke.url
        help_text = f"Revoke it at {rule.revoke.url}."
        if rule.revoke.steps:
            help_text += f" {rule.revoke.steps}"
        entry["help"] = {"text": help_text}
    return entry


def to_sarif(result: ScanResult, rules: Mapping[str, Rule] | None = None) -> str:
    rules = rules or {}
    rule_ids: list[str] = []
    samples: dict[str, Finding] = {}
    for finding in result.findings:
        if finding.rule_id not in samples:
            samples[finding.rule_id] = finding
            rule_ids.append(finding.rule_id)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    results = []
    for finding in result.findings:
        region: dict[str, Any] = {
            "startLine": finding.line,
            "startColumn": finding.column,
            "endLine": finding.end_line,
            "endColumn": finding.end_column,
            "byteOffset": finding.byte_start,
            "byteLength": max(0, finding.byte_end - finding.byte_start),
        }
        where = f" ({finding.context_key})" if finding.context_key else ""
        encoded = f", {finding.encoding}-encoded" if finding.encoding else ""
        results.append(
            {
                "ruleId": finding.rule_id,
                "ruleIndex": index[finding.rule_id],
                "level": _sarif_level(finding),
                "message": {
                    "text": f"{finding.rule_name} {finding.preview}{where} in a "
                    f"{finding.file_kind.replace('_', ' ')} file{encoded}"
                },
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": Path(finding.path).absolute().as_uri()}
                            if os.path.isabs(finding.path)
                            else {"uri": finding.path.replace(os.sep, "/")},
                            "region": region,
                        }
                    }
                ],
                "partialFingerprints": {"stowaway/keyedFingerprint/v1": finding.fingerprint},
                "properties": {
                    "preview": finding.preview,
                    "confidence": str(finding.confidence),
                    "persistence": str(finding.persistence),
                    "fileKind": finding.file_kind,
                    "informational": finding.informational,
                },
            }
        )
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "Stowaway",
                        "version": __version__,
                        "informationUri": INFO_URI,
                        "rules": [_sarif_rule(r, rules.get(r), samples[r]) for r in rule_ids],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": not result.cancelled,
                        "toolExecutionNotifications": [
                            {
                                "level": "note",
                                "message": {"text": f"{issue.kind}: {issue.message}"},
                                "locations": [
                                    {
                                        "physicalLocation": {
                                            "artifactLocation": {
                                                "uri": Path(issue.path).absolute().as_uri()
                                            }
                                        }
                                    }
                                ],
                            }
                            for issue in result.issues[:1000]
                        ],
                    }
                ],
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# --- text --------------------------------------------------------------------------------------


class _Style:
    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def __call__(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.colour else text


def human_size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def to_text(
    result: ScanResult,
    rules: Mapping[str, Rule] | None = None,
    *,
    colour: bool = False,
    max_copies: int = 10,
) -> str:
    style = _Style(colour)
    rules = rules or {}
    creds = group_by_credential(result.findings)
    lines: list[str] = []
    leaks = [c for c in creds if not c.informational]
    info = [c for c in creds if c.informational]
    if not creds:
        lines.append(style("No credentials found.", "1;32"))
    else:
        head = f"{len(leaks)} credential{'s' if len(leaks) != 1 else ''} found"
        copies = sum(len(c.findings) for c in leaks)
        head += f" in {copies} place{'s' if copies != 1 else ''}"
        if info:
            head += f", plus {len(info)} informational"
        lines += [style(head, "1;31" if leaks else "1"), ""]
    conf_colour = {"high": "1;31", "medium": "1;33", "low": "1;36"}
    for cred in creds:
        f = cred.first
        label = "INFO" if cred.informational else str(f.confidence).upper()
        tag = style(f"{label:<6}", "2" if cred.informational else conf_colour[str(f.confidence)])
        n = len(cred.findings)
        extra = f"{n} copies" if n > 1 else "1 copy"
        expiry = f", expires {f.expires_at:%Y-%m-%d}" if f.expires_at else ""
        lines.append(
            f"{tag} {style(f.rule_name, '1')}  {f.preview}  ({f.persistence}{expiry}, {extra})"
        )
        for copy in cred.findings[:max_copies]:
            bits = [copy.file_kind.replace("_", " ")]
            if copy.context_key:
                bits.append(copy.context_key)
            if copy.encoding:
                bits.append(copy.encoding)
            lines.append(f"       {display_path(copy.location)}  [{', '.join(bits)}]")
        if n > max_copies:
            lines.append(f"       … and {n - max_copies} more")
        rule = rules.get(f.rule_id)
        if rule is not None and not cred.informational:
            lines.append(style(f"       revoke: {rule.revoke.url}", "2"))
        lines.append(f"       {style(f.fingerprint, '2')}")
        lines.append("")
    summary = (
        f"Scanned {result.files_scanned:,} files ({human_size(result.bytes_scanned)}) "
        f"in {result.duration_s:.1f} s"
        if result.duration_s >= 1
        else f"Scanned {result.files_scanned:,} files ({human_size(result.bytes_scanned)}) "
        f"in {result.duration_s:.2f} s"
    )
    if result.backend:
        summary += f" with {result.backend}"
    if result.ignored:
        summary += f"; {result.ignored} finding{'s' if result.ignored != 1 else ''} ignored"
    if result.cancelled:
        summary += style(" (cancelled: results are partial)", "1;33")
    lines.append(summary)
    if result.issues:
        counts = Counter(i.kind for i in result.issues)
        text = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.most_common())
        lines.append(style(f"Skipped or noted: {text}", "2"))
    return "\n".join(lines) + "\n"


def render(
    result: ScanResult, fmt: str, rules: Mapping[str, Rule] | None = None, *, colour: bool = False
) -> str:
    if fmt == "json":
        return to_json(result, rules)
    if fmt == "sarif":
        return to_sarif(result, rules)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "text":
        return to_text(result, rules, colour=colour)
    raise ValueError(f"unknown report format {fmt!r} (choose from {', '.join(FORMATS)})")
