"""policyspace explain ID: what a rule does, why it matters, an example, and what to use instead."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "explain",
        help="explain one rule: what it finds, why it matters, examples, alternatives",
        description="Explain a rule the way `ruff rule` does: what it does, why it matters for a "
        "low- or middle-income country, an example it fires on, what to draft instead, references.",
    )
    p.add_argument("rule_id", metavar="ID", help="a rule id such as ISDS001 (see `policyspace rules`)")
    p.add_argument("--rules", metavar="DIR", action="append", default=[], help="also load the rulesets in DIR")
    p.set_defaults(run=run)


def explanation(rule) -> str:  # type: ignore[no-untyped-def]
    """The explanation as Markdown-like plain text."""
    lines = [f"{rule.id}: {rule.title}", "",
             f"Family: {rule.family.value}    Severity: {rule.severity.value}    Scope: {rule.scope.value}"
             + (f"    Flags: {', '.join(rule.flags)}" if rule.flags else ""), "",
             "## What it does", rule.message, ""]
    if rule.treaty is not None:
        parts = []
        if rule.treaty.present:
            parts.append("fires when the treaty has " + " and ".join(rule.treaty.present))
        if rule.treaty.absent:
            parts.append("none of " + ", ".join(rule.treaty.absent))
        for name, minimum in rule.treaty.at_least.items():
            parts.append(f"{name} of at least {minimum:g}")
        lines += ["Treaty-level rule: " + "; ".join(parts) + ".", ""]
    if rule.unless:
        lines.append("Carve-outs that drop or downgrade a match:")
        lines += [f"  - {c.description} ({'dropped' if c.effect == 'drop' else 'downgraded'})" for c in rule.unless]
        lines.append("")
    lines += ["## Why it matters for a low- or middle-income country", rule.rationale, ""]
    positives = [e for e in rule.examples if e.match]
    negatives = [e for e in rule.examples if not e.match]
    if positives:
        lines += ["## Example (the rule fires)", *(f"    {line}" for line in positives[0].text.splitlines()), ""]
    lines += ["## Use instead", rule.remediation, ""]
    if negatives:
        lines += ["Drafting the rule does not fire on:", *(f"    {line}" for line in negatives[0].text.splitlines()), ""]
    if rule.references:
        lines += ["## References", *(f"  - {ref}" for ref in rule.references), ""]
    lines.append(f"Defined in rulesets/{rule.source}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    import difflib

    from ..errors import PolicyspaceError
    from ..rules import load_ruleset

    ruleset = load_ruleset([Path(d) for d in args.rules])
    rule = ruleset.get(args.rule_id.upper())
    if rule is None:
        close = difflib.get_close_matches(args.rule_id.upper(), [r.id for r in ruleset.rules], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `policyspace rules` lists them"
        raise PolicyspaceError(f"no rule {args.rule_id!r}{hint}")
    print(explanation(rule))
    return 0
