"""The risk model (docs/risk-model.md) on cases computed by hand."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from policyspace.findings import Finding
from policyspace.scoring import score_findings

FAMILIES = ["isds", "stabilization", "local-content", "export-restriction"]


def finding(rule_id: str, family: str, severity: str, title: str = "", **extra: object) -> Finding:
    return Finding(rule_id=rule_id, family=family, severity=severity, title=title or rule_id, message="m", **extra)


def test_no_findings_leave_every_family_and_the_overall_score_at_100():
    card = score_findings([])
    assert card.overall == 100
    assert [f.score for f in card.families] == [100, 100, 100, 100]
    assert card.rating == "largely retained"


def test_one_high_finding_costs_20_points_in_its_family_only():
    card = score_findings([finding("EXP001", "export-restriction", "high")])
    assert card.family("export-restriction").score == 80
    assert card.family("isds").score == 100
    assert card.overall == 94.6  # 100 x (1 x 1 x 1 x 0.8) ** (1/4) = 94.57


def test_repeats_of_one_rule_cost_a_quarter_each():
    # 20 + 0.25 x 20 + 0.25 x 20 = 30
    card = score_findings([finding("EXP001", "export-restriction", "high")] * 3)
    assert card.family("export-restriction").score == 70
    (item,) = card.family("export-restriction").items
    assert item.points == -30 and item.findings == 3 and item.finding_ids == ["F001", "F002", "F003"]


def test_one_rule_never_costs_more_than_twice_its_worst_finding():
    # 20 + 5 x 5 = 45, capped at 2 x 20 = 40
    card = score_findings([finding("EXP001", "export-restriction", "high")] * 6)
    assert card.family("export-restriction").score == 60
    assert "capped" in card.family("export-restriction").items[0].explanation


def test_the_most_severe_finding_of_a_rule_counts_in_full():
    # critical 30 + medium repeat 0.25 x 10 = 32.5
    card = score_findings([finding("ISDS001", "isds", "medium"), finding("ISDS001", "isds", "critical")])
    assert card.family("isds").score == 67.5


def test_distinct_rules_add_up_and_the_overall_score_is_their_geometric_mean():
    card = score_findings([
        finding("ISDS001", "isds", "critical"),  # -30
        finding("ISDS002", "isds", "high"),  # -20 -> isds 50
        finding("LC001", "local-content", "medium"),  # -10 -> 90
    ])
    assert card.family("isds").score == 50
    assert card.family("local-content").score == 90
    assert card.overall == 81.9  # 100 x (0.5 x 0.9) ** (1/4) = 81.90


def test_a_family_bottoms_out_at_zero_and_the_floor_is_itemised():
    findings = [finding(f"ISDS00{i}", "isds", "critical") for i in range(1, 6)]  # 5 x 30 = 150
    isds = score_findings(findings).family("isds")
    assert isds.score == 0 and isds.deducted == 100
    assert sum(item.points for item in isds.items) == -100
    assert any(item.kind == "floor" and item.points == 50 for item in isds.items)


def test_a_safeguard_gives_points_back_only_to_the_family_it_protects():
    card = score_findings([
        finding("EXP001", "export-restriction", "high"),
        finding("ISDS001", "isds", "high"),
        finding("SAFE001", "safeguard", "info", title="Critical-shortage exception for export measures"),
    ])
    assert card.family("export-restriction").score == 90  # 100 - 20 + 10
    assert card.family("isds").score == 80  # no credit: the exception is about exports
    assert card.safeguards[0].protects == ["export-restriction"]


def test_safeguard_credits_give_back_at_most_half_of_what_was_lost():
    card = score_findings([
        finding("LC001", "local-content", "medium"),  # -10
        finding("SAFE002", "safeguard", "info", title="General exceptions for investment"),  # +10, capped at 5
    ])
    lc = card.family("local-content")
    assert lc.score == 95 and lc.credited == 5
    assert "capped" in lc.items[-1].explanation


def test_a_safeguard_whose_scope_is_unclear_protects_every_family():
    card = score_findings([finding("SAFE009", "safeguard", "info", title="Something new")])
    assert card.safeguards[0].protects == FAMILIES


def test_a_rule_can_declare_what_its_safeguard_protects():
    class Rule:
        mitigates = ("isds",)

    class Ruleset:
        def get(self, rule_id):
            return Rule()

    card = score_findings(
        [finding("ISDS001", "isds", "high"), finding("SAFE003", "safeguard", "info", title="Right to regulate")],
        Ruleset(),
    )
    assert card.safeguards[0].protects == ["isds"]
    assert card.family("isds").score == 90


def test_suppressed_and_informational_findings_are_listed_but_not_counted():
    card = score_findings([
        finding("ISDS001", "isds", "critical", suppressed=True, suppression_reason="accepted in round 2"),
        finding("ISDS010", "isds", "info"),
    ])
    assert card.family("isds").score == 100
    reasons = [item.explanation for item in card.not_counted]
    assert reasons[0] == "suppressed: accepted in round 2"
    assert "informational" in reasons[1]


def test_ratings_follow_the_documented_bands():
    assert score_findings([finding("X001", "isds", "high")]).family("isds").rating == "largely retained"  # 80
    assert score_findings([finding("X001", "isds", "critical")]).family("isds").rating == "narrowed"  # 70
    card = score_findings([finding("X001", "isds", "critical"), finding("X002", "isds", "critical")])
    assert card.family("isds").rating == "severely narrowed"  # 40


severities = st.sampled_from(["info", "low", "medium", "high", "critical"])
families = st.sampled_from(FAMILIES + ["safeguard"])
rule_ids = st.sampled_from(["R001", "R002", "R003", "R004"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(rule_ids, families, severities, st.booleans()), max_size=30))
def test_every_point_is_explained(specs):
    findings = [
        finding(rule_id, family, severity, suppressed=suppressed) for rule_id, family, severity, suppressed in specs
    ]
    card = score_findings(findings)
    product = Fraction(1)
    for family in card.families:
        assert 0 <= family.score <= 100
        assert 100 + sum(item.points for item in family.items) == family.score  # exact, no rounding
        product *= Fraction(family.score) / 100
    assert abs(card.overall - 100 * float(product) ** 0.25) <= 0.05 + 1e-9  # one decimal, halves up


def test_the_worked_example_in_docs_risk_model():
    card = score_findings([
        finding("ISDS001", "isds", "critical"),
        finding("ISDS900", "isds", "high", scope="treaty"),
        *[finding("EXP001", "export-restriction", "high")] * 3,
        finding("SAFE001", "safeguard", "info", title="Critical-shortage exception for export measures"),
    ])
    assert card.family("isds").score == 50
    assert card.family("export-restriction").score == 80
    assert card.overall == 79.5  # 100 x (0.5 x 0.8) ** (1/4) = 79.53
