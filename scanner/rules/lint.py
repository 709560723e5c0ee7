"""Rule pack checks, run by ``stowaway rules check`` and the test suite.

Every example must come out of the FULL engine pipeline (prefilter, regex, entropy, validator,
false-positive filters) as a finding of its own rule, and no negative example may.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

from scanner import validators
from scanner.fingerprint import Fingerprinter
from scanner.match.reach import char_reach, line_reach
from scanner.model import Rule
from scanner.rules import RulePack, compiled
from scanner.rules.common_words import common_sample

if TYPE_CHECKING:
    from scanner.scan import Engine

MIN_EXAMPLES = 2
MIN_NEGATIVES = 1
MIN_KEYWORD_LENGTH = 3
# A rule whose match reaches at most this many lines (or characters) past its keyword is searched
# only there, so a common keyword costs one short regex call per occurrence; wider rules need
# keywords that ordinary text doesn't contain.
CHEAP_LINE_REACH = 8
CHEAP_CHAR_REACH = 256
LINT_KEY = bytes(32)  # fingerprints are irrelevant here; never touch the user's key file


def _cheap_or_generic(rule: Rule) -> bool:
    """Generic rules key on names (``password``, ``token``) by design; narrow rules are cheap."""
    if rule.family in {"generic", "urls"} or {"generic", "url"}.intersection(rule.tags):
        return True
    lines = line_reach(rule.pattern)
    if lines is not None and lines <= CHEAP_LINE_REACH:
        return True
    chars = char_reach(rule.pattern)
    return chars is not None and chars <= CHEAP_CHAR_REACH


def lint_engine(pack: RulePack) -> Engine:
    from scanner.scan import Engine, ScanOptions

    options = ScanOptions(workers=1, include_informational=True, use_ignore_file=False)
    return Engine(pack, Fingerprinter(LINT_KEY), options)


def lint(pack: RulePack, engine: Engine | None = None) -> list[str]:
    """Problems in ``pack``, one line each (empty = clean)."""
    problems: list[str] = []
    seen: set[str] = set()
    for rule in pack:
        where = f"{rule.family or '?'}:{rule.id}"
        if rule.id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(rule.id)
        if not regex.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", rule.id):
            problems.append(f"{where}: id must be lower-case, dash-separated")
        try:
            pattern = compiled(rule.pattern)
        except regex.error as exc:
            problems.append(f"{where}: pattern does not compile: {exc}")
            continue
        if "secret" not in pattern.groupindex:
            problems.append(f"{where}: pattern has no (?P<secret>…) group")
        if not rule.keywords:
            problems.append(f"{where}: no keywords (the rule would run on every file)")
        for kw in rule.keywords:
            if kw != kw.lower():
                problems.append(f"{where}: keyword {kw!r} must be lower-case")
            if len(kw) < MIN_KEYWORD_LENGTH:
                problems.append(f"{where}: keyword {kw!r} is too short to prefilter")
            elif kw in common_sample() and not _cheap_or_generic(rule):
                problems.append(
                    f"{where}: keyword {kw!r} occurs in ordinary words and the pattern reaches far "
                    "from it: use a keyword every match contains that ordinary text doesn't"
                )
        if len(rule.examples) < MIN_EXAMPLES:
            problems.append(f"{where}: needs at least {MIN_EXAMPLES} examples")
        if len(rule.negative_examples) < MIN_NEGATIVES:
            problems.append(f"{where}: needs at least {MIN_NEGATIVES} negative example")
        for i, example in enumerate(rule.examples, 1):
            lowered = example.lower()
            if rule.keywords and not any(kw in lowered for kw in rule.keywords):
                problems.append(f"{where}: example {i} contains none of the keywords")
        if rule.validator and rule.validator not in validators.REGISTRY:
            problems.append(f"{where}: unknown validator {rule.validator!r}")
        if rule.min_entropy is not None and not 0 <= rule.min_entropy <= 8:
            problems.append(f"{where}: min_entropy must be between 0 and 8 bits/char")
    if problems:
        return problems
    engine = engine or lint_engine(pack)
    for rule in pack:
        where = f"{rule.family or '?'}:{rule.id}"
        for i, example in enumerate(rule.examples, 1):
            if not any(f.rule_id == rule.id for f in engine.scan_text(example)):
                problems.append(f"{where}: example {i} yields no finding of this rule")
        for i, negative in enumerate(rule.negative_examples, 1):
            if any(f.rule_id == rule.id for f in engine.scan_text(negative)):
                problems.append(f"{where}: negative example {i} yields a finding of this rule")
    return problems
