"""The rule pack: token kinds described as data in ``resources/rules/*.toml``.

File schema (one file per provider family; the file name is the family)::

    [[rule]]
    id = "github-pat-classic"            # unique, lower-case, dash-separated
    name = "GitHub personal access token (classic)"
    provider = "GitHub"
    pattern = '''(?<![A-Za-z0-9_])(?P<secret>ghp_[A-Za-z0-9]{36})(?![A-Za-z0-9_])'''
    keywords = ["ghp_"]                  # lower-case literals, at least one appears in every match
    persistence = "persistent"           # persistent | expiring | depends
    confidence = "high"                  # high | medium | low (default medium)
    validator = "github_crc32"           # optional, a name in scanner.validators.REGISTRY
    min_entropy = 3.0                    # optional, Shannon bits per char of the secret
    informational = false                # optional, listed but not a leak
    description = "…"                    # optional
    tags = ["vcs"]                       # optional
    examples = ["…", "…"]                # >= 2 lines that must produce this rule's finding
    negative_examples = ["…"]            # >= 1 lines that must not
    [rule.revoke]
    url = "https://github.com/settings/tokens"
    api = "POST https://api.github.com/credentials/revoke"   # optional
    steps = "…"                          # optional
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import regex

from scanner.model import Confidence, Persistence, Revocation, Rule
from scanner.resources import resource_path

REGEX_FLAGS = regex.VERSION1 | regex.MULTILINE


class RuleError(ValueError):
    """A rules file is malformed; the message names the file and rule."""


@dataclass(frozen=True)
class RulePack:
    rules: tuple[Rule, ...]

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)


def default_rules_dir() -> Path:
    return resource_path("rules")


def _tuple_of_str(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def _parse_rule(raw: dict[str, Any], family: str, where: str) -> Rule:
    for key in ("id", "name", "provider", "pattern", "persistence"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise RuleError(f"{where}: missing or empty '{key}'")
    where = f"{where} ({raw['id']})"
    revoke_raw = raw.get("revoke")
    if not isinstance(revoke_raw, dict) or not isinstance(revoke_raw.get("url"), str):
        raise RuleError(f"{where}: [rule.revoke] with a 'url' is required")
    try:
        persistence = Persistence(raw["persistence"])
        confidence = Confidence(raw.get("confidence", "medium"))
    except ValueError as exc:
        raise RuleError(f"{where}: {exc}") from None
    min_entropy = raw.get("min_entropy")
    if min_entropy is not None and not isinstance(min_entropy, int | float):
        raise RuleError(f"{where}: 'min_entropy' must be a number")
    return Rule(
        id=raw["id"],
        name=raw["name"],
        provider=raw["provider"],
        pattern=raw["pattern"],
        keywords=tuple(k.lower() for k in _tuple_of_str(raw, "keywords", where)),
        persistence=persistence,
        revoke=Revocation(
            url=revoke_raw["url"], api=revoke_raw.get("api"), steps=revoke_raw.get("steps")
        ),
        examples=_tuple_of_str(raw, "examples", where),
        negative_examples=_tuple_of_str(raw, "negative_examples", where),
        confidence=confidence,
        min_entropy=float(min_entropy) if min_entropy is not None else None,
        validator=raw.get("validator"),
        informational=bool(raw.get("informational", False)),
        description=raw.get("description", ""),
        tags=_tuple_of_str(raw, "tags", where),
        family=family,
    )


def load_rules_file(path: Path) -> list[Rule]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"{path.name}: cannot read rules: {exc}") from None
    raws = data.get("rule", [])
    if not isinstance(raws, list):
        raise RuleError(f"{path.name}: expected [[rule]] tables")
    return [_parse_rule(raw, path.stem, f"{path.name}[{i}]") for i, raw in enumerate(raws)]


def load_rules(directories: Iterable[Path] | None = None) -> RulePack:
    """Load every ``*.toml`` rules file; ids must be unique across files."""
    dirs = list(directories) if directories is not None else [default_rules_dir()]
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for directory in dirs:
        for path in sorted(directory.glob("*.toml")):
            for rule in load_rules_file(path):
                if rule.id in seen:
                    raise RuleError(
                        f"{path.name}: duplicate rule id {rule.id!r} (also in {seen[rule.id]})"
                    )
                seen[rule.id] = path.name
                rules.append(rule)
    return RulePack(tuple(rules))


@cache
def default_rules() -> RulePack:
    return load_rules()


@cache
def compiled(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern, REGEX_FLAGS)
