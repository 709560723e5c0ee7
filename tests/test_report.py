"""Reports: SARIF validates against the official 2.1.0 schema; no format leaks the secret."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest

from scanner.report import group_by_credential, render, to_text
from scanner.scan import ScanResult
from tests import tokens
from tests.test_engine_core import PACK, make_engine

SCHEMA = Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json"


@pytest.fixture
def scanned(tmp_path: Path) -> tuple[ScanResult, list[str]]:
    token = tokens.github("ghp")
    other = tokens.random_secret(30)
    (tmp_path / ".bash_history").write_text(f"export GH={token}\n")
    (tmp_path / "notes.md").write_text(f"github: {token}\npassword = {other}\n")
    result = make_engine().scan([tmp_path])
    return result, [token, other]


def test_every_format_keeps_secrets_out(scanned: tuple[ScanResult, list[str]]) -> None:
    result, secrets = scanned
    rules = {r.id: r for r in PACK}
    outputs = [render(result, fmt, rules) for fmt in ("text", "json", "sarif", "csv")]
    outputs.append(to_text(result, rules, colour=True))
    outputs.append(repr(result))
    for output in outputs:
        for secret in secrets:
            assert secret not in output
            assert secret[4:-4] not in output


def test_sarif_is_valid_2_1_0(scanned: tuple[ScanResult, list[str]]) -> None:
    result, _ = scanned
    doc = json.loads(render(result, "sarif", {r.id: r for r in PACK}))
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(doc, schema, cls=jsonschema.Draft4Validator)
    run = doc["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == {"gh-pat", "generic-secret"}
    first = run["results"][0]
    assert first["partialFingerprints"]["stowaway/keyedFingerprint/v1"].startswith("fp_")
    assert first["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_json_csv_and_grouping(scanned: tuple[ScanResult, list[str]]) -> None:
    result, _ = scanned
    doc = json.loads(render(result, "json"))
    assert doc["summary"]["credentials"] == 2 and doc["summary"]["findings"] == 3
    creds = doc["credentials"]
    assert creds[0]["rule_id"] == "gh-pat" and creds[0]["copies"] == 2
    rows = list(csv.DictReader(io.StringIO(render(result, "csv"))))
    assert len(rows) == 3 and rows[0]["fingerprint"].startswith("fp_")
    groups = group_by_credential(result.findings)
    assert [len(g.findings) for g in groups] == [2, 1]


def test_text_report_is_grouped_worst_first(scanned: tuple[ScanResult, list[str]]) -> None:
    result, _ = scanned
    text = to_text(result, {r.id: r for r in PACK})
    assert text.startswith("2 credentials found in 3 places")
    assert text.index("gh pat") < text.index("generic secret")
    assert "2 copies" in text and "revoke: https://example.invalid/revoke" in text
    assert "\033[" not in text
    assert "Scanned 2 files" in text


def test_clean_text_report() -> None:
    empty = ScanResult([], [], 0, 0, 0.01, False, ["/x"])
    assert to_text(empty).startswith("No credentials found.")
