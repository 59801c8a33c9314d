"""Fixtures for the report tests: a small agreement written for the purpose, hand-built findings
(so the writers are tested apart from the rules engine) and a stand-in ruleset with rule texts."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from policyspace.findings import CarveOut, Finding, Highlight, Scope
from policyspace.treaty_parser import parse_treaty

SAMPLE = """---
title: Investment Agreement between the Republic of Zambia and the United Kingdom (test sample)
parties: ZMB, GBR
type: BIT
date: 2024-03-15
language: en
---
// Written for the policyspace report tests; not taken from any treaty.
Article 1: Export Duties
@note Flat ban with no transition period.
1. Neither Party shall adopt or maintain any export duty on copper ores exported to the other Party.

Article 2: Consent to Arbitration
Each Party consents to the submission of a claim to arbitration under the ICSID Convention.

Article 3: Critical Shortages
A Party may temporarily apply an export prohibition to relieve a critical shortage of foodstuffs.
"""


def excerpt_with(text: str, *words: str) -> tuple[str, list[Highlight]]:
    highlights = []
    for word in words:
        start = text.index(word)
        highlights.append(Highlight(start=start, end=start + len(word), text=word))
    return text, highlights


@pytest.fixture
def sample_treaty():
    return parse_treaty(SAMPLE, "sample.treaty")


def _line_of(needle: str) -> int:
    return next(i for i, line in enumerate(SAMPLE.splitlines(), 1) if needle in line)


def _offset_of(needle: str) -> int:
    return SAMPLE.index(needle)


@pytest.fixture
def sample_findings() -> list[Finding]:
    export_text, export_marks = excerpt_with(
        "Neither Party shall adopt or maintain any export duty on copper ores exported to the other Party.",
        "export duty",
    )
    isds_text, isds_marks = excerpt_with(
        "Each Party consents to the submission of a claim to arbitration under the ICSID Convention.",
        "consents to the submission of a claim to arbitration", "ICSID",
    )
    shortage_text, shortage_marks = excerpt_with(
        "A Party may temporarily apply an export prohibition to relieve a critical shortage of foodstuffs.",
        "critical shortage",
    )
    return [
        Finding(
            rule_id="EXP001", family="export-restriction", severity="high", title="Ban on export duties",
            message="Export duties on goods exported to the other Party are prohibited.", file="sample.treaty",
            unit_path=["Article 1", "1."], start_line=_line_of("export duty on copper"), start_column=4,
            end_line=_line_of("export duty on copper"), end_column=98,
            start_offset=_offset_of("Neither Party"), end_offset=_offset_of("Neither Party") + len(export_text),
            excerpt=export_text, highlights=export_marks, extracted={"goods": ["copper ores"]},
        ),
        Finding(
            rule_id="ISDS001", family="isds", severity="critical", title="Consent to investor-state arbitration",
            message="The Parties consent in advance to investor-state arbitration.", file="sample.treaty",
            unit_path=["Article 2"], start_line=_line_of("Each Party consents"), start_column=1,
            end_line=_line_of("Each Party consents"), end_column=92,
            start_offset=_offset_of("Each Party consents"), end_offset=_offset_of("Each Party consents") + 91,
            excerpt=isds_text, highlights=isds_marks, extracted={"forums": ["ICSID"]},
        ),
        Finding(
            rule_id="SAFE001", family="safeguard", severity="info", title="Critical-shortage exception for export measures",
            message="Export prohibitions may be applied temporarily to relieve critical shortages.",
            file="sample.treaty", unit_path=["Article 3"], start_line=_line_of("critical shortage"), start_column=1,
            end_line=_line_of("critical shortage"), end_column=98,
            start_offset=_offset_of("A Party may"), end_offset=_offset_of("A Party may") + 97,
            excerpt=shortage_text, highlights=shortage_marks,
            carve_outs=[CarveOut(effect="downgraded", description="temporary measure only", text="temporarily")],
        ),
        Finding(
            rule_id="ISDS900", family="isds", severity="high", title="ISDS without exhaustion of local remedies",
            message="Investors may go to arbitration without first using domestic courts.", scope=Scope.TREATY,
            file="sample.treaty",
        ),
    ]


@dataclass
class StubRule:
    id: str
    title: str
    family: str
    severity: str
    rationale: str = ""
    remediation: str = ""
    references: list[str] = field(default_factory=list)


class StubRuleset:
    """What build_report reads from a ruleset: rule texts by id, and a version."""

    version = "stub-1"

    def __init__(self, rules: list[StubRule]) -> None:
        self._rules = {rule.id: rule for rule in rules}

    def get(self, rule_id: str) -> StubRule | None:
        return self._rules.get(rule_id)


@pytest.fixture
def stub_ruleset() -> StubRuleset:
    return StubRuleset([
        StubRule("EXP001", "Ban on export duties", "export-restriction", "high",
                 rationale="Export duties raise revenue and encourage local processing of raw materials.",
                 remediation="Each Party may adopt or maintain duties on exports of raw materials listed in Annex X.",
                 references=["UNCTAD Reform Package for the International Investment Regime (2018)"]),
        StubRule("ISDS001", "Consent to investor-state arbitration", "isds", "critical",
                 rationale="Foreign investors can bring claims against the State outside its courts.",
                 remediation="Provide for state-to-state dispute settlement only."),
        StubRule("SAFE001", "Critical-shortage exception for export measures", "safeguard", "info",
                 rationale="Keeps room for temporary export measures."),
    ])


@pytest.fixture
def sample_report(sample_treaty, sample_findings, stub_ruleset):
    from policyspace.report import build_report

    return build_report(sample_treaty, sample_findings, ruleset=stub_ruleset)
