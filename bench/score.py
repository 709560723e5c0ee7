"""Score a secret scanner's findings against the labels of a generated home.

    python bench/score.py --labels LABELS.json --tool gitleaks --report REPORT.json --home HOME

Matching is by line, the unit every tool reports:

* A **positive unit** is a (file, line) holding at least one labelled secret (a multi-line value
  such as a PEM key spans ``line..end_line``). A finding anywhere in that span is a true positive
  for every positive label of the unit; several findings on one unit count once. A finding whose
  line matches no label but whose reported value hashes (sha256) to a positive label of the same
  file also counts for that label (tolerates tools that number a decoded blob differently).
* A **false positive** is a distinct (file, line) with one or more findings and no positive or
  informational label: a labelled hard negative (placeholder, reference, example key, hash...) or
  an unlabelled line of filler.
* **Informational** labels (encrypted private keys) are left out of precision and recall in both
  directions: reporting one is neither a hit nor a false alarm; how many each tool listed is shown
  separately.

precision = TP / (TP + FP), recall = found positive units / all positive units, F1 their harmonic
mean. Per-kind recall counts labels of that kind whose unit was found.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ToolFinding:
    path: str  # relative to the scanned home, POSIX separators
    line: int  # 1-based
    rule: str
    value_shas: frozenset[str] = frozenset()  # sha256 of the reported value and its pieces


@dataclass
class Score:
    tool: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    informational_found: int = 0
    informational_total: int = 0
    per_kind: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (found, total)
    fp_by_category: Counter[str] = field(default_factory=Counter)
    fp_by_rule: Counter[str] = field(default_factory=Counter)
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "informational": f"{self.informational_found}/{self.informational_total}",
            "per_kind": {k: list(v) for k, v in sorted(self.per_kind.items())},
            "fp_by_category": dict(self.fp_by_category.most_common()),
            "fp_by_rule": dict(self.fp_by_rule.most_common()),
            "misses": self.misses,
            "false_positives": self.false_positives,
        }


def _shas(value: str | None) -> frozenset[str]:
    """Hashes of a reported value and of the token-like pieces in it, so a tool that reports a
    whole snippet (a JSON object, a ``key=value``) still matches the labelled value it holds."""
    if not value:
        return frozenset()
    pieces = {value, *re.split(r"[\s\"',;{}()<>\[\]]+|\\n", value)}
    pieces |= {p.split("=", 1)[1] for p in list(pieces) if "=" in p.rstrip("=")}
    pieces |= {p.split(":", 1)[1] for p in list(pieces) if ":" in p and "://" not in p}
    return frozenset(hashlib.sha256(p.encode()).hexdigest() for p in pieces if p)


def _rel(path: str, home: Path) -> str:
    p = Path(path)
    if not p.is_absolute():
        if (home / p).exists():  # relative to the scanned home (detect-secrets run inside it)
            return p.as_posix().removeprefix("./")
        p = p.resolve()  # relative to the working directory
    try:
        return p.resolve().relative_to(home.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


# --- normalisers: each tool's report -> ToolFinding list ---------------------------------------


def from_stowaway(doc: Any, home: Path) -> list[ToolFinding]:
    items = doc.get("findings", []) if isinstance(doc, dict) else doc
    return [
        ToolFinding(_rel(f["path"], home), int(f["line"]), str(f.get("rule_id", ""))) for f in items
    ]


def from_gitleaks(doc: Any, home: Path) -> list[ToolFinding]:
    return [
        ToolFinding(
            _rel(f["File"], home), int(f["StartLine"]), f.get("RuleID", ""), _shas(f.get("Secret"))
        )
        for f in doc or []
    ]


def from_kingfisher(doc: Any, home: Path) -> list[ToolFinding]:
    items = doc.get("findings", []) if isinstance(doc, dict) else doc
    out = []
    for item in items:
        f = item.get("finding", item)
        rule = item.get("rule", {}).get("id", "")
        path = f.get("path") or f.get("file") or ""
        out.append(ToolFinding(_rel(path, home), int(f["line"]), rule, _shas(f.get("snippet"))))
    return out


def from_detect_secrets(doc: Any, home: Path) -> list[ToolFinding]:
    return [
        ToolFinding(_rel(path, home), int(r["line_number"]), r.get("type", ""))
        for path, results in doc.get("results", {}).items()
        for r in results
    ]


NORMALISERS = {
    "stowaway": from_stowaway,
    "gitleaks": from_gitleaks,
    "kingfisher": from_kingfisher,
    "detect-secrets": from_detect_secrets,
}


def load_kingfisher_report(path: Path) -> Any:
    """Kingfisher writes one JSON document, or JSON Lines with ``--format jsonl``."""
    text = path.read_text()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


# --- scoring -------------------------------------------------------------------------------------


def score(
    tool: str,
    findings: Iterable[ToolFinding],
    labels: list[dict[str, Any]],
    only_paths: set[str] | None = None,
) -> Score:
    """Score ``findings`` against ``labels``; ``only_paths`` restricts both to a file subset
    (used when a slow tool scanned a slice of the corpus)."""
    if only_paths is not None:
        labels = [lab for lab in labels if lab["path"] in only_paths]
        findings = [f for f in findings if f.path in only_paths]
    by_path: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for lab in labels:
        by_path[lab["path"]].append(lab)
    units: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    info_units: set[tuple[str, int]] = set()
    for lab in labels:
        if lab["label"] == "positive":
            units[(lab["path"], lab["line"])].append(lab)
        elif lab["label"] == "informational":
            info_units.add((lab["path"], lab["line"]))

    found_units: set[tuple[str, int]] = set()
    found_info: set[tuple[str, int]] = set()
    fp_lines: dict[tuple[str, int], tuple[str, str, str]] = {}
    for f in findings:
        here = [lab for lab in by_path.get(f.path, ()) if lab["line"] <= f.line <= lab["end_line"]]
        pos = [lab for lab in here if lab["label"] == "positive"]
        info = [lab for lab in here if lab["label"] == "informational"]
        if not pos and not info and f.value_shas:
            pos = [
                lab
                for lab in by_path.get(f.path, ())
                if lab["label"] == "positive" and lab["sha256"] in f.value_shas
            ]
        if pos:
            found_units.update((lab["path"], lab["line"]) for lab in pos)
        elif info:
            found_info.update((lab["path"], lab["line"]) for lab in info)
        else:
            neg = [lab for lab in here if lab["label"] == "negative"]
            category = f"negative:{neg[0]['kind']}" if neg else f"unlabelled:{_category(f.path)}"
            shape = neg[0]["shape"] if neg else ""
            fp_lines.setdefault((f.path, f.line), (category, f.rule, shape))

    s = Score(tool)
    s.tp = len(found_units)
    s.fn = len(units) - s.tp
    s.fp = len(fp_lines)
    s.informational_total = len(info_units)
    s.informational_found = len(found_info)
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, labs in units.items():
        for lab in labs:
            per_kind[lab["kind"]][1] += 1
            if key in found_units:
                per_kind[lab["kind"]][0] += 1
            else:
                s.misses.append({k: lab[k] for k in ("path", "line", "kind", "file_kind", "shape")})
    s.per_kind = {k: (v[0], v[1]) for k, v in per_kind.items()}
    for (path, line), (category, rule, shape) in sorted(fp_lines.items()):
        s.fp_by_category[category] += 1
        s.fp_by_rule[rule] += 1
        s.false_positives.append(
            {"path": path, "line": line, "category": category, "rule": rule, "shape": shape}
        )
    return s


def _category(path: str) -> str:
    parts = path.split("/")
    for marker in ("node_modules", ".git", ".venv", "dist"):
        if marker in parts:
            return marker
    name = parts[-1]
    return name.rsplit(".", 1)[-1] if "." in name.lstrip(".") else name


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Score one tool's report against corpus labels.")
    ap.add_argument("--labels", type=Path, required=True)
    ap.add_argument("--tool", choices=sorted(NORMALISERS), required=True)
    ap.add_argument("--report", type=Path, required=True)
    ap.add_argument("--home", type=Path, required=True)
    args = ap.parse_args(argv)
    labels = json.loads(args.labels.read_text())["labels"]
    raw = (
        load_kingfisher_report(args.report)
        if args.tool == "kingfisher"
        else json.loads(args.report.read_text() or "[]")
    )
    result = score(args.tool, NORMALISERS[args.tool](raw, args.home), labels)
    json.dump(result.summary(), sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
