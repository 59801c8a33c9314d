"""Lint output formats on hand-built findings: positions, escaping, grades, exit status."""

from __future__ import annotations

from policyspace.findings import Finding, Scope, Severity
from policyspace.linting import (
    FileResult,
    LintResult,
    UnusedSuppression,
    format_github,
    format_text,
    summary_line,
)
from policyspace.model import Family


def finding(rule_id: str, family: Family, severity: Severity, line: int | None, **fields: object) -> Finding:
    values: dict[str, object] = {"title": rule_id, "message": f"{rule_id} message", "start_line": line,
                                 "start_column": 3 if line else None, **fields}
    return Finding(rule_id=rule_id, family=family, severity=severity, **values)


def result(*findings: Finding, fail_on: Severity = Severity.HIGH, file: str = "a.treaty", **fields: object) -> LintResult:
    return LintResult(files=[FileResult(file=file, fail_on=fail_on, findings=list(findings), **fields)])


def test_text_lines_in_document_order_with_treaty_level_findings_at_the_top() -> None:
    r = result(
        finding("ISDS001", Family.ISDS, Severity.CRITICAL, 40),
        finding("ISDS102", Family.ISDS, Severity.MEDIUM, None, scope=Scope.TREATY),
        finding("SAFE001", Family.SAFEGUARD, Severity.LOW, 12),
    )
    assert format_text(r).splitlines() == [
        "a.treaty:1:1: ISDS102 [medium] ISDS102 message",
        "a.treaty:12:3: SAFE001 [safeguard] SAFE001 message",
        "a.treaty:40:3: ISDS001 [critical] ISDS001 message",
    ]
    assert r.exit_status == 1


def test_threshold_safeguards_and_suppressed_findings_decide_the_exit_status() -> None:
    medium = finding("STAB002", Family.STABILIZATION, Severity.MEDIUM, 5)
    assert result(medium).exit_status == 0
    assert result(medium, fail_on=Severity.MEDIUM).exit_status == 1
    assert result(finding("SAFE001", Family.SAFEGUARD, Severity.CRITICAL, 5), fail_on=Severity.INFO).exit_status == 0
    hidden = finding("ISDS001", Family.ISDS, Severity.CRITICAL, 5, suppressed=True, suppression_reason="agreed")
    assert result(hidden).exit_status == 0
    assert format_text(result(hidden)) == ""
    assert format_text(result(hidden), show_suppressed=True) == (
        "a.treaty:5:3: ISDS001 [critical] ISDS001 message (suppressed: agreed)\n"
    )
    assert LintResult(files=[FileResult(file="x", fail_on=Severity.HIGH, error="x: error: no such file")]).exit_status == 2


def test_github_properties_and_messages_are_escaped() -> None:
    odd = finding("EXP001", Family.EXPORT_RESTRICTION, Severity.HIGH, 7, end_line=8, end_column=2,
                  message="50% of duties,\nat most")
    [line] = format_github(result(odd, file="drafts/round 4: final, v2.treaty")).splitlines()
    assert line == (
        "::error file=drafts/round 4%3A final%2C v2.treaty,line=7,col=3,endLine=8,endColumn=2,"
        "title=EXP001 [high]::50%25 of duties,%0Aat most"
    )


def test_unused_suppression_lines_and_summary() -> None:
    unused = UnusedSuppression(file="a.treaty", start_line=9, start_column=1, suppressed_rule_ids=["ISDS001"],
                               reason="old", message="@suppress ISDS001 matches no finding here")
    r = result(finding("STAB002", Family.STABILIZATION, Severity.MEDIUM, 20), unused_suppressions=[unused])
    assert format_text(r).splitlines()[0] == "a.treaty:9:1: SUP001 [low] @suppress ISDS001 matches no finding here"
    assert format_github(r).splitlines()[0].startswith("::warning file=a.treaty,line=9,col=1,title=SUP001 [low]::")
    assert summary_line(r) == "1 finding (1 medium) in 1 file; 1 unused suppression; 0 at or above fail-on (high)"
    assert result(unused_suppressions=[unused], fail_on=Severity.LOW).exit_status == 1
