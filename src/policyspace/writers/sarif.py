"""SARIF 2.1.0, the format code-review and document tools read: rules with help text, results
with physical locations (line, column, character offsets, snippet) and logical ones (the
article path). Safeguards are results of kind "pass"; suppressed findings carry a suppression.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..output_files import write_atomically

if TYPE_CHECKING:
    from ..report import Report, ReportFinding, RuleInfo

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"

#: Severity -> SARIF level. SARIF has three levels; critical and high both stop a review.
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
#: Numeric severity GitHub code scanning shows (0-10), for tools that sort by it.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}


def artifact_uri(path: str) -> str:
    """A relative path stays relative (URI-escaped); an absolute one becomes a file:// URI."""
    pure = PurePath(path)
    if pure.is_absolute():
        return Path(path).as_uri()
    return quote(pure.as_posix(), safe="/-._~")


def rule_name(title: str) -> str:
    """SARIF's `name` is an identifier-like word: 'Export duty ban' -> 'ExportDutyBan'."""
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "".join(w[:1].upper() + w[1:] for w in words) or "Rule"


def _rule(rule: RuleInfo) -> dict[str, Any]:
    help_lines = [rule.rationale or rule.title]
    markdown = [f"**Why it narrows policy space.** {rule.rationale or rule.title}"]
    if rule.remediation:
        help_lines.append(f"Use instead: {rule.remediation}")
        markdown.append(f"**Alternative drafting.** {rule.remediation}")
    if rule.references:
        help_lines.append("References: " + "; ".join(rule.references))
        markdown.append("**References.**\n" + "\n".join(f"- {r}" for r in rule.references))
    return {
        "id": rule.id,
        "name": rule_name(rule.title),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale or rule.title},
        "help": {"text": "\n\n".join(help_lines), "markdown": "\n\n".join(markdown)},
        "defaultConfiguration": {"level": "none" if rule.family == "safeguard" else LEVELS[rule.severity.value]},
        "properties": {
            "family": rule.family.value,
            "severity": rule.severity.value,
            "tags": ["policy-space", rule.family.value],
            "security-severity": SECURITY_SEVERITY[rule.severity.value],
        },
    }


def _region(finding: ReportFinding) -> dict[str, Any] | None:
    if finding.start_line is None or finding.start_line < 1:
        return None
    region: dict[str, Any] = {"startLine": finding.start_line}
    if finding.start_column and finding.start_column >= 1:
        region["startColumn"] = finding.start_column
    if finding.end_line and finding.end_line >= finding.start_line:
        region["endLine"] = finding.end_line
        if finding.end_column and finding.end_column >= 1:
            region["endColumn"] = finding.end_column
    if finding.start_offset is not None and finding.end_offset is not None and finding.end_offset >= finding.start_offset >= 0:
        region["charOffset"] = finding.start_offset
        region["charLength"] = finding.end_offset - finding.start_offset
    if finding.excerpt:
        region["snippet"] = {"text": finding.excerpt}
    return region


def _result(report: Report, finding: ReportFinding, rule_index: dict[str, int], artifacts: dict[str, int]) -> dict[str, Any]:
    path = finding.file or report.document.file or "document"
    uri = artifact_uri(path)
    artifacts.setdefault(uri, len(artifacts))
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "index": artifacts[uri]}}
    region = _region(finding)
    if region:
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if finding.unit_path:
        location["logicalLocations"] = [{"fullyQualifiedName": " > ".join(finding.unit_path), "kind": "section"}]
    safeguard = finding.family.value == "safeguard"
    message = finding.message
    if finding.binds:
        message += " Binds: " + ", ".join(f"{b.name} ({b.income_group.label})" for b in finding.binds) + "."
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index[finding.rule_id],
        "kind": "pass" if safeguard else "fail",
        "level": "none" if safeguard else LEVELS[finding.severity.value],
        "message": {"text": message},
        "locations": [location],
        "partialFingerprints": {
            "policyspace/v1": f"{finding.rule_id}:{' > '.join(finding.unit_path)}:{finding.excerpt[:80]}",
        },
        "properties": {
            "findingId": finding.id,
            "family": finding.family.value,
            "severity": finding.severity.value,
            "scope": finding.scope.value,
            "counted": finding.counted,
            "extracted": finding.extracted,
            "carveOuts": [c.model_dump() for c in finding.carve_outs],
            "binds": [b.code for b in finding.binds],
            "notes": finding.notes,
        },
    }
    if finding.suppressed:
        result["suppressions"] = [{"kind": "inSource", "justification": finding.suppression_reason or ""}]
    return result


def to_sarif(report: Report) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log (a dict ready for json.dumps)."""
    rule_index = {rule.id: i for i, rule in enumerate(report.rules)}
    artifacts: dict[str, int] = {}
    findings = sorted([*report.all_findings(), *report.suppressed], key=lambda f: f.id)
    results = [_result(report, f, rule_index, artifacts) for f in findings]
    driver: dict[str, Any] = {
        "name": report.tool.name,
        "version": report.tool.version,
        "semanticVersion": report.tool.version,
        "rules": [_rule(rule) for rule in report.rules],
    }
    if report.tool.ruleset_version:
        driver["properties"] = {"rulesetVersion": report.tool.ruleset_version}
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "artifacts": [{"location": {"uri": uri}} for uri in artifacts],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "document": report.document.model_dump(mode="json"),
            "scores": {
                "overall": report.scorecard.overall,
                **{f.family.value: f.score for f in report.scorecard.families},
            },
            "lmicParties": report.summary.lmic_parties,
        },
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render(report: Report) -> str:
    return json.dumps(to_sarif(report), indent=2, ensure_ascii=False) + "\n"


def write(report: Report, path: str | Path) -> None:
    write_atomically(path, render(report))
