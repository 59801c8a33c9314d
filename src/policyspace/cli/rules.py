"""policyspace rules: list the rules, their family, severity and scope."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "rules",
        help="list the rules",
        description="List every rule: id, family, severity, scope (clause or treaty) and title. "
        "Use `policyspace explain ID` for one rule's rationale, remediation and examples.",
    )
    p.add_argument("--rules", metavar="DIR", action="append", default=[], help="also load the rulesets in DIR")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from ..rules import load_ruleset

    ruleset = load_ruleset([Path(d) for d in args.rules])
    if args.format == "json":
        rows = [rule.model_dump(mode="json", exclude={"examples", "match", "unless", "treaty"}) for rule in ruleset.rules]
        json.dump({"version": ruleset.version, "rules": rows}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(ruleset.rules)} rules (ruleset {ruleset.version})")
    for column in ("id", "family", "severity", "scope", "title", "flags"):
        table.add_column(column, overflow="fold")
    for rule in ruleset.rules:
        table.add_row(rule.id, rule.family.value, rule.severity.value, rule.scope.value, escape(rule.title),
                      escape(", ".join(rule.flags)))
    Console(highlight=False).print(table)
    return 0
