"""CSV: tidy, one row per finding, with stable column names (documented in docs/risk-model.md).

Cells that a spreadsheet would read as a formula (starting with = + - @, tab or carriage return)
are prefixed with an apostrophe, so a clause text can never run code in Excel or LibreOffice.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from ..output_files import write_atomically

if TYPE_CHECKING:
    from ..report import Report, ReportFinding

#: The columns, in order. Adding a column at the end is compatible; renaming or removing one is not.
COLUMNS: tuple[str, ...] = (
    "finding_id",
    "rule_id",
    "family",
    "severity",
    "scope",
    "counted",
    "suppressed",
    "suppression_reason",
    "title",
    "message",
    "file",
    "unit_path",
    "start_line",
    "start_column",
    "end_line",
    "end_column",
    "excerpt",
    "matched_text",
    "extracted",
    "carve_outs",
    "binds",
    "binds_income_groups",
    "family_score",
    "document_title",
    "parties",
    "perspective",
    "rationale",
    "remediation",
    "notes",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Make a text cell inert in spreadsheets: "=HYPERLINK(...)" becomes "'=HYPERLINK(...)"."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _row(report: Report, finding: ReportFinding) -> dict[str, object]:
    score = None
    if finding.family.value != "safeguard":
        score = report.section(finding.family).score
    return {
        "finding_id": finding.id,
        "rule_id": finding.rule_id,
        "family": finding.family.value,
        "severity": finding.severity.value,
        "scope": finding.scope.value,
        "counted": str(finding.counted).lower(),
        "suppressed": str(finding.suppressed).lower(),
        "suppression_reason": finding.suppression_reason or "",
        "title": finding.title,
        "message": finding.message,
        "file": finding.file or report.document.file or "",
        "unit_path": " > ".join(finding.unit_path),
        "start_line": finding.start_line,
        "start_column": finding.start_column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "excerpt": finding.excerpt,
        "matched_text": " | ".join(h.text for h in finding.highlights),
        "extracted": "; ".join(f"{key}={', '.join(values)}" for key, values in sorted(finding.extracted.items())),
        "carve_outs": " | ".join(f"{c.effect}: {c.description}" for c in finding.carve_outs),
        "binds": ";".join(b.code for b in finding.binds),
        "binds_income_groups": ";".join(b.income_group.value for b in finding.binds),
        "family_score": score.score if score else None,
        "document_title": report.document.title or "",
        "parties": ";".join(report.document.parties),
        "perspective": report.perspective.code if report.perspective else "",
        "rationale": finding.rationale,
        "remediation": finding.remediation,
        "notes": " | ".join(finding.notes),
    }


def rows(report: Report) -> list[dict[str, object]]:
    """One dict per finding (suppressed ones included, marked), keys = COLUMNS."""
    findings = sorted([*report.all_findings(), *report.suppressed], key=lambda f: f.id)
    return [_row(report, f) for f in findings]


def render(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows(report):
        writer.writerow({k: neutralise(v) if isinstance(v, str) else ("" if v is None else v) for k, v in row.items()})
    return buffer.getvalue()


def write(report: Report, path: str | Path) -> None:
    write_atomically(path, render(report))
