"""``stowaway rules list|check|explain ID``: the token kinds Stowaway knows."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scanner.rules import RuleError, RulePack, default_rules, load_rules

EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "rules", help="list, check or explain detection rules", description=__doc__
    )
    parser.add_argument(
        "--rules-dir", action="append", type=Path, metavar="DIR",
        help="load rules from DIR instead of the built-in pack (repeatable)",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="rules_command", metavar="ACTION")
    p_list = sub.add_parser("list", help="one line per rule")
    p_list.add_argument("--provider", help="only rules of this provider (case-insensitive)")
    sub.add_parser("check", help="lint the rules: patterns, keywords, examples through the engine")
    p_explain = sub.add_parser("explain", help="everything about one rule")
    p_explain.add_argument("rule_id", metavar="ID")
    parser.set_defaults(func=run)


def _pack(args: argparse.Namespace) -> RulePack:
    return load_rules(args.rules_dir) if args.rules_dir else default_rules()


def run(args: argparse.Namespace) -> int:
    try:
        pack = _pack(args)
    except RuleError as exc:
        print(f"stowaway rules: {exc}", file=sys.stderr)
        return EXIT_ERROR
    action = args.rules_command or "list"
    if action == "list":
        provider = (getattr(args, "provider", None) or "").lower()
        rows = [r for r in pack if not provider or r.provider.lower() == provider]
        width = max((len(r.id) for r in rows), default=10)
        for row in sorted(rows, key=lambda r: (r.provider.lower(), r.id)):
            print(f"{row.id:<{width}}  {row.confidence:<6}  {row.provider}: {row.name}")
        print(f"{len(rows)} rules", file=sys.stderr)
        return EXIT_OK
    if action == "check":
        from scanner.rules.lint import lint

        problems = lint(pack)
        for problem in problems:
            print(problem)
        if problems:
            print(f"{len(problems)} problem(s) in {len(pack)} rules", file=sys.stderr)
            return EXIT_PROBLEMS
        print(f"{len(pack)} rules OK")
        return EXIT_OK
    found = pack.by_id().get(args.rule_id)
    if found is None:
        message = f"stowaway rules: no rule {args.rule_id!r} (see `stowaway rules list`)"
        print(message, file=sys.stderr)
        return EXIT_ERROR
    rule = found
    print(f"{rule.name}  [{rule.id}]")
    print(f"provider:     {rule.provider} (rules file: {rule.family}.toml)")
    if rule.description:
        print(f"description:  {rule.description}")
    print(f"confidence:   {rule.confidence}")
    print(f"persistence:  {rule.persistence}")
    print(f"keywords:     {', '.join(rule.keywords) or '-'}")
    print(f"validator:    {rule.validator or '-'}")
    if rule.min_entropy is not None:
        print(f"min entropy:  {rule.min_entropy} bits/char")
    if rule.informational:
        print("informational: listed, not counted as a leak")
    print(f"pattern:      {rule.pattern}")
    print(f"revoke:       {rule.revoke.url}")
    if rule.revoke.api:
        print(f"revoke API:   {rule.revoke.api}")
    if rule.revoke.steps:
        print(f"steps:        {rule.revoke.steps}")
    print(f"examples:     {len(rule.examples)} positive, {len(rule.negative_examples)} negative")
    return EXIT_OK
