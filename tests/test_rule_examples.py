"""Every rule's examples through the FULL engine: positives yield that rule, negatives don't."""

from __future__ import annotations

import pytest

from scanner.model import Rule
from scanner.rules import default_rules
from scanner.rules.lint import lint, lint_engine
from scanner.scan import Engine

RULES = default_rules()


@pytest.fixture(scope="module")
def engine() -> Engine:
    return lint_engine(RULES)


def test_pack_size() -> None:
    assert len(RULES) >= 150


def test_lint_is_clean(engine: Engine) -> None:
    assert lint(RULES, engine) == []


@pytest.mark.parametrize("rule", RULES.rules, ids=[r.id for r in RULES])
def test_examples(rule: Rule, engine: Engine) -> None:
    for i, example in enumerate(rule.examples, 1):
        found = {f.rule_id for f in engine.scan_text(example)}
        assert rule.id in found, f"example {i} not detected (got {sorted(found)})"
    for i, negative in enumerate(rule.negative_examples, 1):
        found = {f.rule_id for f in engine.scan_text(negative)}
        assert rule.id not in found, f"negative example {i} detected"


def _rule(pattern: str, keywords: tuple[str, ...], **kw: object) -> Rule:
    from scanner.model import Persistence, Revocation

    fields: dict[str, object] = {
        "id": "probe",
        "name": "probe",
        "provider": "Probe",
        "pattern": pattern,
        "keywords": keywords,
        "persistence": Persistence.PERSISTENT,
        "revoke": Revocation("https://example.invalid/revoke"),
        "examples": (),
        "negative_examples": (),
        "family": "probe",
        **kw,
    }
    return Rule(**fields)  # type: ignore[arg-type]


def _keyword_problems(rule: Rule) -> list[str]:
    from scanner.rules import RulePack

    return [p for p in lint(RulePack((rule,))) if "keyword" in p]


def test_lint_flags_short_keywords() -> None:
    (problem,) = _keyword_problems(_rule(r"(?P<secret>q~[a-z]{30})", ("q~",)))
    assert "too short" in problem


def test_lint_flags_common_keywords_of_wide_patterns_only() -> None:
    wide = _rule(r"path[\s\S]{0,2000}?(?P<secret>[a-f0-9]{40})", ("path",))
    (problem,) = _keyword_problems(wide)
    assert "ordinary words" in problem
    # the same keyword is fine when the engine only searches the keyword's own line
    assert _keyword_problems(_rule(r"(?P<secret>path[a-f0-9]{40})", ("path",))) == []
    # generic rules key on names such as 'password' by design
    generic = _rule(r"password[\s\S]{0,2000}?(?P<secret>\S+)", ("password",), tags=("generic",))
    assert _keyword_problems(generic) == []
    # distinctive keywords are fine whatever the pattern's reach
    assert _keyword_problems(_rule(r"zqxj_[\s\S]{0,2000}?(?P<secret>\S+)", ("zqxj_",))) == []


@pytest.mark.parametrize("keyword", ["pat", "pub", "ld_", "sl.", "meta", "default", "://", "-us"])
def test_common_word_sample_knows_everyday_substrings(keyword: str) -> None:
    from scanner.rules.common_words import common_sample

    assert keyword in common_sample()


@pytest.mark.parametrize("keyword", ["ghp_", "xoxb-", "akia", "sk-ant-", "hvs.", "eyj", "r8_"])
def test_common_word_sample_spares_token_prefixes(keyword: str) -> None:
    from scanner.rules.common_words import common_sample

    assert keyword not in common_sample()
