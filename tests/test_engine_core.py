"""The matcher pipeline: prefilter, confirmation, entropy, validator, dedupe, ignores, secrecy."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from scanner.fingerprint import Fingerprinter
from scanner.match import FallbackLiterals, HyperscanLiterals, hyperscan_available
from scanner.model import Confidence, Persistence, Revocation, Rule
from scanner.rules import RulePack, default_rules
from scanner.scan import Engine, ScanOptions
from tests import tokens

KEY = b"k" * 32


def rule(rule_id: str, pattern: str, keywords: tuple[str, ...], **kw: object) -> Rule:
    defaults: dict[str, object] = {
        "name": rule_id.replace("-", " "),
        "provider": "Test",
        "persistence": Persistence.PERSISTENT,
        "revoke": Revocation("https://example.invalid/revoke"),
        "examples": (),
        "negative_examples": (),
    }
    defaults.update(kw)
    return Rule(id=rule_id, pattern=pattern, keywords=keywords, **defaults)  # type: ignore[arg-type]


GITHUB = rule(
    "gh-pat",
    r"(?<![A-Za-z0-9_])(?P<secret>ghp_[A-Za-z0-9]{36})(?![A-Za-z0-9_])",
    ("ghp_",),
    confidence=Confidence.HIGH,
    validator="github_crc32",
)
GENERIC = rule(
    "generic-secret",
    r"""(?i)(?:token|password|secret)["']?(?:\s*[:=]\s*|\s+)["']?"""
    r"""(?P<secret>[A-Za-z0-9_+/=-]{12,})""",
    ("token", "password", "secret"),
    confidence=Confidence.LOW,
    min_entropy=3.0,
)
PEM = rule(
    "pem-key",
    r"(?P<secret>-----BEGIN (?:RSA |EC |OPENSSH )?PRIVATE KEY-----[\s\S]+?-----END "
    r"(?:RSA |EC |OPENSSH )?PRIVATE KEY-----)",
    ("-----begin",),
    confidence=Confidence.HIGH,
)
PACK = RulePack((GITHUB, GENERIC, PEM))


def make_engine(pack: RulePack = PACK, **options: object) -> Engine:
    opts = {"workers": 1, "use_ignore_file": False, **options}
    return Engine(pack, Fingerprinter(KEY), ScanOptions(**opts))  # type: ignore[arg-type]


@pytest.fixture
def engine() -> Engine:
    return make_engine()


def test_finding_has_exact_place_and_no_secret(engine: Engine) -> None:
    token = tokens.github("ghp")
    text = f"# notes\nexport GH_TOKEN={token}\n"
    (finding,) = engine.scan_text(text)
    assert finding.rule_id == "gh-pat"
    assert (finding.line, finding.column) == (2, 17)
    assert (finding.end_line, finding.end_column) == (2, 17 + len(token))
    assert text.encode()[finding.byte_start : finding.byte_end] == token.encode()
    assert finding.context_key == "GH_TOKEN"
    assert finding.preview.startswith("ghp_") and token not in finding.preview
    assert token not in repr(finding)
    assert finding.fingerprint == Fingerprinter(KEY)(token)


def test_bad_checksum_is_dropped_by_validator(engine: Engine) -> None:
    token = tokens.github("ghp")
    broken = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert [f.rule_id for f in engine.scan_text(f"t {broken}\n")] == []


def test_min_entropy_and_inline_ignore(engine: Engine) -> None:
    assert engine.scan_text("password = aaaaaaaaaaaaaaaa\n") == []
    secret = tokens.random_secret(24)
    assert len(engine.scan_text(f"password = {secret}\n")) == 1
    assert engine.scan_text(f"password = {secret}  # stowaway:ignore\n") == []


def test_overlapping_rules_keep_most_specific(engine: Engine) -> None:
    token = tokens.github("ghp")
    findings = engine.scan_text(f'token = "{token}"\n')
    assert [f.rule_id for f in findings] == ["gh-pat"]


def test_multiline_pem_block(engine: Engine) -> None:
    body = "\n".join(tokens.random_secret(64) for _ in range(5))
    text = f"x\n-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n"
    (finding,) = engine.scan_text(text)
    assert (finding.line, finding.column, finding.end_line) == (2, 1, 8)
    assert finding.end_column == len("-----END RSA PRIVATE KEY-----") + 1


def test_informational_hidden_when_asked() -> None:
    info_rule = rule("info", r"(?P<secret>zzinfo_[a-z]{12})", ("zzinfo_",), informational=True)
    pack = RulePack((info_rule,))
    text = f"zzinfo_{tokens.random_secret(12, 'qwrtzpsdfghkmnbvx')}\n"
    assert make_engine(pack).scan_text(text)[0].informational
    assert make_engine(pack, include_informational=False).scan_text(text) == []


def test_unknown_validator_does_not_crash() -> None:
    odd = rule("odd", r"(?P<secret>qqq_[a-z]{10})", ("qqq_",), validator="no-such-validator")
    text = f"qqq_{tokens.random_secret(10, 'qwrtzpsdfghkmnbvx')}"
    assert len(make_engine(RulePack((odd,))).scan_text(text)) == 1


def test_ignore_file_hides_fingerprint(tmp_path: Path) -> None:
    from scanner.ignore import add_to_ignore_file, load_ignore_file

    token = tokens.github("ghp")
    ignore = tmp_path / "ignore.toml"
    add_to_ignore_file(Fingerprinter(KEY)(token), 'revoked "test" token', ignore)
    assert load_ignore_file(ignore)[Fingerprinter(KEY)(token)].reason == 'revoked "test" token'
    assert token not in ignore.read_text()
    target = tmp_path / "notes.md"
    target.write_text(f"{token}\n")
    eng = make_engine(use_ignore_file=True, ignore_file=str(ignore))
    file_scan = eng.scan_file(target)
    assert file_scan.findings == () and file_scan.ignored == 1


def test_read_secret_returns_live_value_only_while_it_matches(
    engine: Engine, tmp_path: Path
) -> None:
    token = tokens.github("ghp")
    target = tmp_path / ".env"
    target.write_text(f"A=1\nGH={token}\n")
    (finding,) = engine.scan_file(target).findings
    assert engine.read_secret(finding) == token
    target.write_text(f"A=1\nGH={tokens.github('ghp')}\n")
    assert engine.read_secret(finding) is None
    target.unlink()
    assert engine.read_secret(finding) is None


def _corpus(seed: int) -> list[str]:
    rng = random.Random(seed)
    tokens.seed(seed)
    words = [
        "the",
        "password",
        "token",
        "secret",
        "key",
        "export",
        "curl",
        "ghp_",
        "aws",
        "docker",
        "auth",
    ]
    docs = []
    for _ in range(60):
        lines = []
        for _ in range(rng.randint(1, 30)):
            choice = rng.random()
            if choice < 0.1:
                lines.append(f"export GITHUB_TOKEN={tokens.github('ghp')}")
            elif choice < 0.15:
                lines.append(f"aws_access_key_id = {tokens.aws_access_key_id()}")
            elif choice < 0.2:
                lines.append(f"password: {tokens.random_secret(20)}")
            elif choice < 0.25:
                lines.append(f"SLACK={tokens.slack('bot')}")
            else:
                lines.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))))
        docs.append("\n".join(lines))
    return docs


@pytest.mark.skipif(not hyperscan_available(), reason="hyperscan wheel not installed")
def test_hyperscan_and_fallback_give_identical_findings(tmp_path: Path) -> None:
    pack = default_rules()
    fast = make_engine(pack, use_hyperscan=True)
    slow = make_engine(pack, use_hyperscan=False)
    assert (fast.backend, slow.backend) == ("hyperscan", "regex")
    total = 0
    for i, doc in enumerate(_corpus(7)):
        path = tmp_path / f"doc{i}.txt"
        path.write_text(doc)
        a, b = fast.scan_file(path).findings, slow.scan_file(path).findings
        assert a == b
        total += len(a)
    assert total > 20


@pytest.mark.skipif(not hyperscan_available(), reason="hyperscan wheel not installed")
def test_literal_sets_agree_including_case_and_overlaps() -> None:
    literals = [b"ghp_", b"hp_", b"password", b"pass", b"\xc3\xa9t\xc3\xa9", b"auth"]
    fast, slow = HyperscanLiterals(literals), FallbackLiterals(literals)
    rng = random.Random(3)
    alphabet = [b"G", b"H", b"p", b"P", b"_", b"a", b"S", b"s", b"w", b"o", b"r", b"d", b" "]
    alphabet += [b"\xc3\xa9", b"t", b"u", b"A", b"\x00"]
    for _ in range(300):
        data = b"".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert fast.present(data) == slow.present(data), data
        assert fast.occurrences(data) == slow.occurrences(data), data


@pytest.mark.parametrize(
    "line",
    [
        "export GITHUB_TOKEN={t}",
        "git remote set-url origin https://alex:{t}@github.com/alex/tools.git",
        "password = {t}",
        'headers = {{"Authorization": "Bearer {t}"}}',
    ],
)
def test_bad_checksum_span_is_not_reported_by_generic_rules(line: str) -> None:
    engine = make_engine(default_rules())
    for make in (lambda: tokens.github("ghp"), tokens.npm):
        token = make()
        broken = token[:-1] + ("A" if token[-1] != "A" else "B")
        assert engine.scan_text(line.format(t=broken) + "\n") == []
        (finding,) = engine.scan_text(line.format(t=token) + "\n")
        assert not finding.rule_id.startswith(("generic", "urls"))


def test_equal_matches_resolve_by_rule_id_not_rule_order() -> None:
    def twin(rule_id: str) -> Rule:
        return rule(rule_id, r"(?P<secret>zqx_[a-z0-9]{20})", ("zqx_",), confidence=Confidence.HIGH)

    text = f"zqx_{tokens.random_secret(20, 'abcdefghij0123456789')}\n"
    a, b = twin("zz-provider"), twin("aa-provider")
    first = make_engine(RulePack((a, b))).scan_text(text)
    second = make_engine(RulePack((b, a))).scan_text(text)
    assert [f.rule_id for f in first] == [f.rule_id for f in second] == ["aa-provider"]
