"""Run a rule's examples: each is a small document the rule must or must not fire on."""

from __future__ import annotations

import re

from ..findings import Finding
from ..model import Treaty
from .loader import Ruleset
from .schema import Example, Rule

_STARTS_WITH_HEADING = re.compile(r"^\s*(?:Article|Artículo|Articulo|Chapter|Capítulo|Section|Annex)\b[^\n]*\n")


def example_document(example: Example) -> Treaty:
    """The example as a document: an article holding the text, unless the text has headings."""
    from ..treaty_parser import parse_treaty

    text = example.text
    if not _STARTS_WITH_HEADING.match(text):
        heading = example.heading or "Example"
        text = f"Article 1: {heading}\n{text}"
    return parse_treaty(text, "<example>", source_format="text")


def run_example(rule: Rule, example: Example, ruleset: Ruleset) -> list[Finding]:
    """The findings of `rule` on the example (findings of other rules are left out)."""
    from .engine import check_treaty

    return [f for f in check_treaty(example_document(example), ruleset) if f.rule_id == rule.id]


def example_problem(rule: Rule, example: Example, ruleset: Ruleset) -> str | None:
    """Why the example fails, in one sentence, or None when the rule behaves as the example says."""
    findings = run_example(rule, example, ruleset)
    if example.match and not findings:
        return f"{rule.id} should match but does not: {example.text[:120]!r}"
    if not example.match and findings:
        return f"{rule.id} should not match but does, at {findings[0].excerpt[:120]!r}"
    if example.match and example.severity is not None and findings[0].severity != example.severity:
        return f"{rule.id} matched with severity {findings[0].severity.value}, expected {example.severity.value}"
    return None
