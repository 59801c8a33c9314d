"""Every rule carries examples in its ruleset file; each one is run through the engine here.

Like SQLFluff's rule fixtures: a positive example must produce a finding of that rule, a negative
one must not, and a rule without both kinds of example fails the suite.
"""

from __future__ import annotations

import pytest

from policyspace.rules import load_ruleset
from policyspace.rules.examples import example_problem

RULESET = load_ruleset()
CASES = [
    pytest.param(rule, index, id=f"{rule.id}-{'match' if example.match else 'no-match'}-{index}")
    for rule in RULESET.rules
    for index, example in enumerate(rule.examples)
]


@pytest.mark.parametrize("rule", RULESET.rules, ids=lambda rule: rule.id)
def test_rule_has_positive_and_negative_examples(rule):
    kinds = rule.example_kinds()
    assert True in kinds, f"{rule.id} ({rule.source}) needs an example it matches (match = true)"
    assert False in kinds, f"{rule.id} ({rule.source}) needs an example it must not match (match = false)"


@pytest.mark.parametrize(("rule", "index"), CASES)
def test_rule_example(rule, index):
    problem = example_problem(rule, rule.examples[index], RULESET)
    assert problem is None, problem


def test_every_family_has_rules_and_a_header():
    families = {rule.family.value for rule in RULESET.rules}
    assert families == {"isds", "stabilization", "local-content", "export-restriction", "safeguard"}
    assert {f.id.value for f in RULESET.families} == families
    assert all(f.baseline for f in RULESET.families), "each family needs a keyword-grep baseline"


def test_rule_ids_are_unique_and_documented():
    ids = [rule.id for rule in RULESET.rules]
    assert len(ids) == len(set(ids))
    for rule in RULESET.rules:
        assert rule.rationale.strip() and rule.remediation.strip() and rule.references, rule.id


def test_spanish_is_covered_in_each_family():
    spanish = {
        rule.family.value
        for rule in RULESET.rules
        for example in rule.examples
        if example.match and any(word in example.text for word in ("Parte", "Ninguna", "Cada", "inversionista"))
    }
    assert spanish >= {"isds", "stabilization", "local-content", "export-restriction"}
