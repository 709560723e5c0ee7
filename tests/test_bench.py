"""The detection benchmark's own parts: the labelled home generator and the scorer."""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run as bench_run
from bench import score as scoring
from bench import token_kinds as tk
from bench.gen_home import generate
from scanner.validators.checksums import github_checksum


@pytest.fixture(scope="module")
def tiny_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    base = tmp_path_factory.mktemp("benchhome")
    doc = generate(base / "home", 1 << 20, seed=11)
    return base / "home", doc


def test_generator_writes_the_places_people_paste_tokens(tiny_home: tuple[Path, dict]) -> None:
    home, doc = tiny_home
    for rel in (
        ".bash_history", ".zsh_history", ".local/share/fish/fish_history",
        ".local/share/powershell/PSReadLine/ConsoleHost_history.txt", ".aws/credentials",
        ".config/gh/hosts.yml", ".git-credentials", ".netrc", ".docker/config.json",
        ".kube/config", ".npmrc", ".pypirc", ".cargo/credentials.toml", ".m2/settings.xml",
        ".gradle/gradle.properties", ".config/Code/User/settings.json",
        "notebooks/embeddings.ipynb", "Documents/Notes/api-keys.md",
    ):  # fmt: skip
        assert (home / rel).is_file(), rel
    assert any(home.glob("src/*/node_modules/*/index.js"))
    assert any(home.glob("src/*/.git/objects/*/*"))
    assert any(home.glob("src/*/.env*"))
    assert any(home.glob("Documents/Obsidian/Work/**/*.md"))
    bash = (home / ".bash_history").read_text().splitlines()
    assert len(bash) > 5000  # thousands of ordinary commands around the secrets
    zsh = (home / ".zsh_history").read_bytes()
    assert zsh.startswith(b": 17") and b" \\\n" in zsh  # extended format, continued lines
    assert doc["bytes"] >= 1 << 20 and doc["files"] > 300


def test_labels_point_at_the_planted_lines(tiny_home: tuple[Path, dict]) -> None:
    home, doc = tiny_home
    labels = doc["labels"]
    kinds = {lab["label"] for lab in labels}
    assert kinds == {"positive", "negative", "informational"}
    assert len({lab["kind"] for lab in labels if lab["label"] == "positive"}) >= 30
    for lab in labels:
        assert not Path(lab["path"]).is_absolute() and ".." not in lab["path"]
        lines = (home / lab["path"]).read_text(errors="surrogateescape").split("\n")
        line = lines[lab["line"] - 1]
        parts = re.split(r"<[a-z0-9_]+>", lab["shape"])  # <kind> stands for a planted value
        assert f"<{lab['kind']}>" in lab["shape"] or lab["line"] != lab["end_line"]
        assert re.match(".+?".join(map(re.escape, parts[:-1])), line), (lab["path"], lab["line"])
        assert lab["end_line"] >= lab["line"] and len(lab["sha256"]) == 64
    # a value is never in the labels, only its hash
    text = json.dumps(doc)
    planted = re.findall(
        r"(?:ghp|gho|npm)_[A-Za-z0-9]{36}|sk-proj-[\w-]{100,}|xox[bp]-[\w-]+",
        (home / ".bash_history").read_text(),
    )
    assert len(planted) > 10
    assert not [value for value in planted if value in text]


def test_generation_is_deterministic(tmp_path: Path, tiny_home: tuple[Path, dict]) -> None:
    _, doc = tiny_home
    again = generate(tmp_path / "home", 1 << 20, seed=11)
    assert again["labels"] == doc["labels"] and again["bytes"] == doc["bytes"]


def test_token_checksums_agree_with_an_independent_implementation() -> None:
    rng = random.Random(5)
    for _ in range(50):
        token = tk.github_classic(rng)
        assert github_checksum(token[4:34]) == token[34:]
        bad = tk.github_bad_checksum(rng)
        assert github_checksum(bad[4:34]) != bad[34:]
    grafana = tk.grafana_sa(rng)
    assert tk.crc32(grafana[:37]).to_bytes(4, "little").hex() == grafana[-8:]


def test_private_keys_are_structurally_real() -> None:
    from scanner.validators import validate

    rng = random.Random(2)
    for kind in ("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"):
        result = validate("pem_private_key", "\n".join(tk.private_key_pem(rng, kind)))
        assert result.valid is True and not result.informational, kind


def _lab(
    path: str, line: int, label: str, kind: str = "k", end: int | None = None, value: str = "v"
) -> dict:
    return {
        "path": path,
        "line": line,
        "end_line": end or line,
        "kind": kind,
        "label": label,
        "sha256": hashlib.sha256(value.encode()).hexdigest(),
        "file_kind": "x",
        "shape": "",
    }


def test_scorer_on_a_hand_made_case() -> None:
    labels = [
        _lab("a.env", 1, "positive", "github_pat"),
        _lab("a.env", 2, "positive", "password"),
        _lab("key.pem", 1, "positive", "private_key", end=5),
        _lab("a.env", 3, "negative", "placeholder"),
        _lab("old.pem", 1, "informational", "encrypted_private_key", end=4),
        _lab("b.txt", 7, "positive", "openai_key", value="sk-proj-abc"),
    ]
    F = scoring.ToolFinding
    findings = [
        F("a.env", 1, "r1"),
        F("a.env", 1, "r2"),  # a second rule on the same line counts once
        F("key.pem", 3, "pem"),  # inside the multi-line span
        F("a.env", 3, "generic"),  # a hard negative
        F("src/x.py", 10, "generic"),  # an unlabelled line
        F("src/x.py", 10, "other"),  # same false line, counted once
        F("old.pem", 2, "pem"),  # informational: neither hit nor false alarm
        F("b.txt", 9, "openai", scoring._shas('OPENAI_API_KEY="sk-proj-abc"')),  # by value
    ]
    s = scoring.score("t", findings, labels)
    assert (s.tp, s.fp, s.fn) == (3, 2, 1)
    assert s.precision == pytest.approx(3 / 5)
    assert s.recall == pytest.approx(3 / 4)
    assert s.f1 == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert s.per_kind["password"] == (0, 1) and s.per_kind["github_pat"] == (1, 1)
    assert s.informational_found == 1 and s.informational_total == 1
    assert s.fp_by_category == {"negative:placeholder": 1, "unlabelled:py": 1}
    assert [m["kind"] for m in s.misses] == ["password"]
    # scoring a slice ignores labels and findings outside it
    sliced = scoring.score("t", findings, labels, only_paths={"a.env"})
    assert (sliced.tp, sliced.fp, sliced.fn) == (1, 1, 1)


def test_normalisers_read_each_tools_report(tmp_path: Path) -> None:
    home = tmp_path
    (home / "d").mkdir()
    (home / "d/f.env").write_text("x\n")
    gl = [{"File": str(home / "d/f.env"), "StartLine": 4, "RuleID": "github-pat", "Secret": "s"}]
    kf = {
        "findings": [
            {
                "rule": {"id": "kf.gh"},
                "finding": {"path": str(home / "d/f.env"), "line": 4, "snippet": "s"},
            }
        ]
    }
    ds = {"results": {"d/f.env": [{"type": "Secret Keyword", "line_number": 4}]}}
    st = {"findings": [{"path": str(home / "d/f.env"), "line": 4, "rule_id": "github-pat"}]}
    for tool, doc in (
        ("gitleaks", gl),
        ("kingfisher", kf),
        ("detect-secrets", ds),
        ("stowaway", st),
    ):
        (found,) = scoring.NORMALISERS[tool](doc, home)
        assert (found.path, found.line) == ("d/f.env", 4), tool


def test_readme_section_is_replaced_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Benchmarks\n\nintro\n\n## Inventory and watcher\n\nkeep me\n")
    monkeypatch.setattr(bench_run, "README", readme)
    bench_run.write_readme("| table v1 |\n")
    bench_run.write_readme("| table v2 |\n")
    text = readme.read_text()
    assert "| table v2 |" in text and "v1" not in text and "keep me" in text
    assert text.count(bench_run.START) == 1
