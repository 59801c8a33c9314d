"""The report: one pydantic model from which every output format (terminal, JSON, SARIF, CSV, HTML) is written.

`build_report(treaty, findings)` joins the document, its findings, the rules' explanations, the
policy-space scores and the World Bank income group of every party.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from . import __version__
from .errors import PolicyspaceError
from .findings import Finding, Severity
from .income_groups import IncomeGroup, PartyProfile, classify_party, load_income_classification
from .model import AnnotationKind, Family, Treaty
from .scoring import RESTRICTIVE_FAMILIES, FamilyScore, Scorecard, finding_id, score_findings

#: Version of the report's JSON shape (docs/report-schema.json). Bump the major part when a field
#: is removed or changes meaning; the minor part when fields are added.
SCHEMA_VERSION = "1.0"

CONTEXT_FILE = Path(__file__).resolve().parent / "data" / "family_context.toml"


class _Strict(BaseModel):
    """Report models reject unknown fields, so the exported schema says additionalProperties: false."""

    model_config = ConfigDict(extra="forbid")


class ToolInfo(_Strict):
    name: str = "policyspace"
    version: str = __version__
    ruleset_version: str | None = None
    income_classification: str  # citation of the income-group data used


class DocumentInfo(_Strict):
    title: str | None = None
    file: str | None = None
    format: str | None = None
    type: str | None = None
    date_signed: dt.date | None = None
    language: str | None = None
    parties: list[str] = Field(default_factory=list)  # the codes as written in the document
    extra: dict[str, str] = Field(default_factory=dict)


class RuleInfo(_Strict):
    """What a reader needs to know about a rule that fired: why it matters and what to write instead."""

    id: str
    title: str
    family: Family
    severity: Severity
    rationale: str = ""
    remediation: str = ""
    references: list[str] = Field(default_factory=list)


class BoundParty(_Strict):
    """A party an obligation binds, and why that matters to it."""

    code: str
    name: str
    income_group: IncomeGroup
    why_it_matters: str


class TextSegment(_Strict):
    text: str
    highlighted: bool = False


class ReportFinding(Finding):
    """A finding as the report shows it: its id, its rule's explanation and the parties it binds."""

    model_config = ConfigDict(extra="forbid")

    id: str
    counted: bool = True  # False when suppressed or informational: listed, not scored
    rationale: str = ""
    remediation: str = ""  # alternative drafting that keeps policy space
    references: list[str] = Field(default_factory=list)
    binds: list[BoundParty] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # reviewers' @note on the units holding the finding

    @property
    def location_label(self) -> str:
        """'Article 12.3 > 1. (line 31)', or 'whole agreement' for a treaty-level finding."""
        where = " > ".join(self.unit_path) if self.unit_path else "whole agreement"
        return f"{where} (line {self.start_line})" if self.start_line is not None else where

    def excerpt_segments(self) -> list[TextSegment]:
        """The excerpt cut into plain and highlighted stretches. Overlapping or touching highlights
        are merged into one; offsets outside the excerpt are clipped."""
        text = self.excerpt
        merged: list[list[int]] = []
        for start, end in sorted((max(0, h.start), min(len(text), h.end)) for h in self.highlights):
            if start >= end:
                continue
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        segments: list[TextSegment] = []
        cursor = 0
        for start, end in merged:
            if start > cursor:
                segments.append(TextSegment(text=text[cursor:start]))
            segments.append(TextSegment(text=text[start:end], highlighted=True))
            cursor = end
        if cursor < len(text):
            segments.append(TextSegment(text=text[cursor:]))
        return segments


class FamilySection(_Strict):
    family: Family
    label: str
    covers: str
    score: FamilyScore | None = None  # None for safeguards, which have no score of their own
    why_it_matters: str = ""
    findings: list[ReportFinding] = Field(default_factory=list)


class ReportSummary(_Strict):
    findings: int  # every finding shown: restrictive and safeguard, suppressed excluded
    restrictive: int
    safeguards: int
    suppressed: int
    by_severity: dict[str, int]
    by_family: dict[str, int]
    lmic_parties: list[str]  # codes of the low- and middle-income economies among the parties


class Report(_Strict):
    """Everything one report says, in one model: the JSON output is this model, dumped."""

    schema_version: str = SCHEMA_VERSION
    tool: ToolInfo
    document: DocumentInfo
    parties: list[PartyProfile]
    perspective: PartyProfile | None = None
    scorecard: Scorecard
    summary: ReportSummary
    families: list[FamilySection]  # the four restrictive families, in a fixed order
    safeguards: FamilySection
    suppressed: list[ReportFinding] = Field(default_factory=list)
    rules: list[RuleInfo] = Field(default_factory=list)  # every rule that fired
    flags: dict[str, bool] | None = None  # treaty-level flags from the rules engine, when available
    income_source: dict[str, str] = Field(default_factory=dict)

    def all_findings(self) -> list[ReportFinding]:
        """Every finding the report shows (suppressed excluded), in id order."""
        shown = [f for section in [*self.families, self.safeguards] for f in section.findings]
        return sorted(shown, key=lambda f: f.id)

    def section(self, family: Family | str) -> FamilySection:
        for section in [*self.families, self.safeguards]:
            if section.family == family:
                return section
        raise KeyError(family)

    def rule(self, rule_id: str) -> RuleInfo | None:
        return next((r for r in self.rules if r.id == rule_id), None)


@functools.cache
def family_context() -> dict[str, dict[str, str]]:
    with open(CONTEXT_FILE, "rb") as handle:
        return tomllib.load(handle)


def _references(rule: Any) -> list[str]:
    out = []
    for ref in getattr(rule, "references", None) or []:
        if isinstance(ref, str):
            out.append(ref)
        else:  # a reference model: prefer "title (url)"
            title, url = getattr(ref, "title", None), getattr(ref, "url", None)
            out.append(" ".join(p for p in (title, f"({url})" if url and title else url) if p) or str(ref))
    return out


def _rule_info(rule_id: str, finding: Finding, ruleset: Any) -> RuleInfo:
    rule = None
    if ruleset is not None:
        try:
            rule = ruleset.get(rule_id)
        except (KeyError, LookupError):
            rule = None
    if rule is None:
        return RuleInfo(id=rule_id, title=finding.title, family=finding.family, severity=finding.severity)
    return RuleInfo(
        id=rule_id,
        title=getattr(rule, "title", finding.title),
        family=Family(getattr(rule, "family", finding.family)),
        severity=Severity(getattr(rule, "severity", finding.severity)),
        rationale=str(getattr(rule, "rationale", "") or "").strip(),
        remediation=str(getattr(rule, "remediation", "") or "").strip(),
        references=_references(rule),
    )


def _load_default_ruleset() -> Any:
    try:
        from .rules import load_ruleset
    except ImportError:  # the rules engine is not installed in this build: report without rule texts
        return None
    return load_ruleset()


def _treaty_flags(findings: list[Finding], ruleset: Any) -> dict[str, bool] | None:
    """The rules engine's treaty-level flags, when the findings came with a ruleset that defines them."""
    if ruleset is None or not hasattr(ruleset, "flag_names"):
        return None
    try:
        from .rules import treaty_flags
    except ImportError:
        return None
    return dict(treaty_flags(findings, ruleset))


def _economies(parties: list[PartyProfile]) -> list[PartyProfile]:
    seen: dict[str, PartyProfile] = {}
    for party in parties:
        for economy in party.economies():
            seen.setdefault(economy.code, economy)
    return list(seen.values())


def _resolve_perspective(code: str, parties: list[PartyProfile], on: dt.date | None) -> PartyProfile:
    wanted = code.strip().upper()
    if not wanted.isalpha() or len(wanted) != 3:
        raise PolicyspaceError(f"--perspective {code!r} is not an ISO 3166-1 alpha-3 code such as ZMB")
    for economy in _economies(parties):
        if economy.code == wanted:
            return economy
    listed = ", ".join(p.code for p in parties) or "none recorded"
    profile = classify_party(wanted, on)
    raise PolicyspaceError(
        f"{profile.name if profile.name != wanted else wanted} ({wanted}) is not a party to this agreement "
        f"(parties: {listed})"
    )


def _names(parties: list[PartyProfile]) -> str:
    """'Zambia (lower-middle income)', or 'A (low income), B (…) and C (…)'."""
    named = [f"{p.name} ({p.income_group.label})" for p in parties]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def _why(family: Family, *parties: PartyProfile) -> str:
    context = family_context()[family.value]
    who = _names(list(parties))
    text = context["why"].replace("{party}", who)
    return f"{text} It matters most to {context['matters_most_to']}."


def _bound_parties(family: Family, economies: list[PartyProfile], perspective: PartyProfile | None) -> list[BoundParty]:
    """Who an obligation binds. Treaty obligations here are reciprocal ("each Party", "neither Party"),
    so a clause binds every party; the report names the low- and middle-income ones (or the
    perspective party), since the policy-space cost falls on them, and every party when none is."""
    if family == Family.SAFEGUARD:
        return []
    if perspective is not None:
        chosen = [perspective]
    else:  # the LMIC parties; else those of unknown group (they may be LMICs); else every party
        chosen = (
            [e for e in economies if e.is_lmic]
            or [e for e in economies if e.income_group == IncomeGroup.UNKNOWN]
            or economies
        )
    return [
        BoundParty(code=e.code, name=e.name, income_group=e.income_group, why_it_matters=_why(family, e))
        for e in chosen
    ]


def _notes_by_span(treaty: Treaty) -> list[tuple[int, int, str]]:
    """Every reviewer's @note with the source offsets of the unit it is attached to."""
    notes = []
    for unit in treaty.walk():
        if unit.span is None:
            continue
        for annotation in unit.annotations:
            if annotation.kind == AnnotationKind.NOTE and annotation.text.strip():
                notes.append((unit.span.start_offset, unit.span.end_offset, annotation.text.strip()))
    return notes


def _notes_for(finding: Finding, notes: list[tuple[int, int, str]]) -> list[str]:
    offset = finding.start_offset
    if offset is None:
        return []
    return [text for start, end, text in notes if start <= offset < end]


def _report_finding(
    position: int, finding: Finding, rule: RuleInfo, binds: list[BoundParty], notes: list[str]
) -> ReportFinding:
    counted = not finding.suppressed and (finding.severity != Severity.INFO or finding.family == Family.SAFEGUARD)
    return ReportFinding(
        **finding.model_dump(), id=finding_id(position), counted=counted, rationale=rule.rationale,
        remediation=rule.remediation, references=rule.references, binds=binds, notes=notes,
    )


def build_report(
    treaty: Treaty,
    findings: list[Finding],
    ruleset: Any = None,
    perspective: str | None = None,
) -> Report:
    """Build the report for `treaty` from its `findings` (as `policyspace.rules.check_treaty` returns them).

    `ruleset` supplies each rule's rationale, remediation and references (loaded when omitted and
    the rules engine is available). `perspective` (ISO3) focuses the report on one party; it must be
    a party to the agreement (or a member of a bloc party), else PolicyspaceError (exit status 2).
    """
    if ruleset is None:
        ruleset = _load_default_ruleset()
    ordered = sorted(findings, key=lambda f: f.sort_key())
    signed = treaty.meta.date_signed
    parties = [classify_party(code, signed) for code in treaty.meta.parties]
    economies = _economies(parties)
    focus = _resolve_perspective(perspective, parties, signed) if perspective else None

    notes = _notes_by_span(treaty)
    rules: dict[str, RuleInfo] = {}
    report_findings: list[ReportFinding] = []
    for position, finding in enumerate(ordered):
        if finding.rule_id not in rules:
            rules[finding.rule_id] = _rule_info(finding.rule_id, finding, ruleset)
        info = rules[finding.rule_id]
        binds = _bound_parties(finding.family, economies, focus)
        report_findings.append(_report_finding(position, finding, info, binds, _notes_for(finding, notes)))

    scorecard = score_findings(ordered, ruleset)
    context = family_context()
    shown = [f for f in report_findings if not f.suppressed]
    lmic = [e for e in economies if e.is_lmic]
    lead = [focus] if focus else (lmic or economies)  # whom the family-level "why it matters" names

    def section(family: Family, score: FamilyScore | None) -> FamilySection:
        return FamilySection(
            family=family, label=context[family.value]["label"], covers=context[family.value]["covers"],
            score=score, why_it_matters=_why(family, *lead) if lead else "",
            findings=[f for f in shown if f.family == family],
        )

    classification = load_income_classification()
    source = classification.source
    by_severity = {s.value: sum(1 for f in shown if f.severity == s) for s in Severity}
    by_family = {f.value: sum(1 for x in shown if x.family == f) for f in Family}
    return Report(
        tool=ToolInfo(
            ruleset_version=getattr(ruleset, "version", None) if ruleset is not None else None,
            income_classification=source.citation,
        ),
        document=DocumentInfo(
            title=treaty.meta.title,
            file=treaty.source.path if treaty.source else None,
            format=treaty.source.format if treaty.source else None,
            type=treaty.meta.type.value if treaty.meta.type else None,
            date_signed=signed,
            language=treaty.meta.language,
            parties=list(treaty.meta.parties),
            extra=dict(treaty.meta.extra),
        ),
        parties=parties,
        perspective=focus,
        scorecard=scorecard,
        summary=ReportSummary(
            findings=len(shown),
            restrictive=sum(1 for f in shown if f.family != Family.SAFEGUARD),
            safeguards=by_family[Family.SAFEGUARD.value],
            suppressed=len(report_findings) - len(shown),
            by_severity=by_severity,
            by_family=by_family,
            lmic_parties=[e.code for e in lmic],
        ),
        families=[section(family, scorecard.family(family)) for family in RESTRICTIVE_FAMILIES],
        safeguards=section(Family.SAFEGUARD, None),
        suppressed=[f for f in report_findings if f.suppressed],
        rules=sorted(rules.values(), key=lambda r: r.id),
        flags=_treaty_flags(ordered, ruleset),
        income_source={
            "citation": source.citation,
            "valid_from": source.valid_from.isoformat(),
            "valid_to": source.valid_to.isoformat(),
            "basis": source.basis,
            "thresholds": source.thresholds,
        },
    )


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema of the report (exported to docs/report-schema.json)."""
    schema = Report.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "policyspace report"
    return schema


def export_json_schema(path: str | Path) -> None:
    """Write the report's JSON Schema to `path` (the repository keeps it at docs/report-schema.json)."""
    import json

    from .output_files import write_atomically

    write_atomically(path, json.dumps(report_json_schema(), indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":  # python -m policyspace.report docs/report-schema.json
    import sys

    export_json_schema(sys.argv[1] if len(sys.argv) > 1 else "docs/report-schema.json")
