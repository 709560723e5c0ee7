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
