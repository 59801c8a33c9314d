"""The literal pre-checks only save work: findings are the same with and without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyspace.importers import load_document
from policyspace.rules import check_treaty, load_ruleset
from policyspace.rules.examples import example_document
from policyspace.rules.literals import all_required_literals, required_literals
from policyspace.rules.loader import Ruleset
from policyspace.rules.matcher import CompiledRuleset

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _documents(ruleset: Ruleset) -> list:
    docs = [example_document(example) for rule in ruleset.rules for example in rule.examples if rule.match]
    return docs + [load_document(path) for path in sorted(CORPUS.glob("*.treaty"))]


def test_findings_are_identical_without_the_literal_pre_checks():
    ruleset = load_ruleset()
    documents = _documents(ruleset)
    with_checks = [[f.model_dump() for f in check_treaty(doc, ruleset)] for doc in documents]

    plain = Ruleset(ruleset.rules, ruleset.families, ruleset.version)
    compiled = plain.compiled
    assert isinstance(compiled, CompiledRuleset)
    gated = sum(bool(rule.requirements) for rule in compiled.rules)
    assert gated > len(compiled.rules) // 2  # most rules do get pre-checks
    for rule in compiled.rules:
        rule.requirements = []
        rule.article_requirements = []
    without_checks = [[f.model_dump() for f in check_treaty(doc, plain)] for doc in documents]
    assert with_checks == without_checks


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # a small class is two spellings of one word, not two shorter words
        (r"\bexcepci[óo]n\s+general", [["excepción", "excepcion"], ["general"]]),
        # an optional part requires nothing; a repeated one does
        (r"\bshall\s+(?:not\s+)?apply(?:ies)+", [["shall"], ["apply"], ["ies"]]),
        # (?i:...) matches letters the literal does not show
        (r"\b(?i:ICSID)\s+convention", [["convention"]]),
    ],
)
def test_required_literals_of_a_pattern(pattern, expected):
    assert [sorted(option) for option in all_required_literals(pattern)] == [sorted(e) for e in expected]


def test_the_best_single_requirement_is_the_rarest():
    assert required_literals(r"\bshall\s+not\s+(?:restrict|limit)\b") == ["limit", "restrict"]
