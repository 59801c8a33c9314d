"""build_report: ids, grouping by family, LMIC context, perspective, notes and highlights."""

from __future__ import annotations

import pytest

from policyspace.errors import PolicyspaceError
from policyspace.findings import Finding, Highlight
from policyspace.report import build_report


def test_findings_get_stable_ids_and_land_in_their_family_section(sample_report):
    ids = [f.id for f in sample_report.all_findings()]
    assert ids == sorted(ids) and len(ids) == 4
    assert [f.rule_id for f in sample_report.section("isds").findings] == ["ISDS900", "ISDS001"]
    assert [f.rule_id for f in sample_report.safeguards.findings] == ["SAFE001"]
    assert sample_report.summary.findings == 4
    assert sample_report.summary.restrictive == 3 and sample_report.summary.safeguards == 1


def test_rule_texts_come_from_the_ruleset(sample_report):
    export = sample_report.section("export-restriction").findings[0]
    assert export.rationale.startswith("Export duties raise revenue")
    assert export.remediation.startswith("Each Party may adopt")
    assert export.references == ["UNCTAD Reform Package for the International Investment Regime (2018)"]
    assert sample_report.rule("EXP001").title == "Ban on export duties"
    assert sample_report.tool.ruleset_version == "stub-1"


def test_obligations_name_the_lmic_party_they_bind_and_why(sample_report):
    export = sample_report.section("export-restriction").findings[0]
    assert [b.code for b in export.binds] == ["ZMB"]  # GBR is high income: the cost falls on Zambia
    assert "raw-material exporter" in export.binds[0].why_it_matters
    assert "Zambia (lower-middle income)" in export.binds[0].why_it_matters
    assert sample_report.summary.lmic_parties == ["ZMB"]
    assert sample_report.safeguards.findings[0].binds == []


def test_the_scorecard_is_built_from_the_same_findings(sample_report):
    card = sample_report.scorecard
    assert card.family("export-restriction").score == 90  # -20 +10 for the shortage exception
    assert card.family("isds").score == 50  # critical 30 + treaty-level high 20
    assert card.overall == 81.9  # geometric mean of 50, 100, 100, 90


def test_a_reviewers_note_travels_with_the_finding(sample_report):
    assert sample_report.section("export-restriction").findings[0].notes == ["Flat ban with no transition period."]
    assert sample_report.section("isds").findings[1].notes == []


def test_perspective_focuses_the_report_on_one_party(sample_treaty, sample_findings, stub_ruleset):
    report = build_report(sample_treaty, sample_findings, ruleset=stub_ruleset, perspective="gbr")
    assert report.perspective.code == "GBR"
    assert [b.code for b in report.section("isds").findings[0].binds] == ["GBR"]


def test_perspective_must_be_a_party(sample_treaty, sample_findings, stub_ruleset):
    with pytest.raises(PolicyspaceError, match=r"Kenya \(KEN\) is not a party to this agreement \(parties: ZMB, GBR\)"):
        build_report(sample_treaty, sample_findings, ruleset=stub_ruleset, perspective="KEN")
    with pytest.raises(PolicyspaceError, match="not an ISO 3166-1 alpha-3 code"):
        build_report(sample_treaty, sample_findings, ruleset=stub_ruleset, perspective="Zambia")


def test_a_member_of_a_bloc_party_can_be_the_perspective(sample_treaty, stub_ruleset):
    eu_treaty = sample_treaty.model_copy(
        update={"meta": sample_treaty.meta.model_copy(update={"parties": ["EU", "COD"]})}
    )
    report = build_report(eu_treaty, [], ruleset=stub_ruleset, perspective="DEU")
    assert report.perspective.name == "Germany"
    assert report.summary.lmic_parties == ["COD"]


def test_overlapping_highlights_become_one_and_odd_offsets_are_clipped():
    finding = Finding(
        rule_id="X001", family="isds", severity="low", title="t", message="m", excerpt="abcdefghij",
        highlights=[Highlight(start=2, end=5, text="cde"), Highlight(start=4, end=7, text="efg"),
                    Highlight(start=8, end=99, text="ij"), Highlight(start=6, end=6, text="")],
    )
    report_finding = build_report_finding(finding)
    segments = [(s.text, s.highlighted) for s in report_finding.excerpt_segments()]
    assert segments == [("ab", False), ("cdefg", True), ("h", False), ("ij", True)]
    assert "".join(text for text, _ in segments) == "abcdefghij"


def build_report_finding(finding):
    from policyspace.report import ReportFinding

    return ReportFinding(**finding.model_dump(), id="F001")


def test_the_report_is_one_model_that_round_trips_through_json(sample_report):
    from policyspace.report import Report

    again = Report.model_validate_json(sample_report.model_dump_json())
    assert again == sample_report


def test_without_an_lmic_party_an_obligation_names_every_party(sample_treaty, sample_findings, stub_ruleset):
    rich_only = sample_treaty.model_copy(
        update={"meta": sample_treaty.meta.model_copy(update={"parties": ["GBR", "CAN"]})}
    )
    report = build_report(rich_only, sample_findings, ruleset=stub_ruleset)
    assert [b.code for b in report.section("isds").findings[0].binds] == ["GBR", "CAN"]
    assert report.summary.lmic_parties == []
