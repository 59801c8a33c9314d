"""The five writers: JSON and SARIF validate against their schemas, CSV is tidy and inert in
spreadsheets, HTML is self-contained and escapes every piece of treaty text; files are atomic."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from policyspace.errors import PolicyspaceError
from policyspace.findings import Finding, Highlight
from policyspace.income_groups import PartyProfile
from policyspace.report import build_report, report_json_schema
from policyspace.treaty_parser import parse_treaty
from policyspace.writers import FORMATS, render_report, write_report

REPO = Path(__file__).resolve().parents[2]
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def jsonschema_validator(schema: dict):
    jsonschema = pytest.importorskip("jsonschema", reason="pip install jsonschema (the 'test' extra)")
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


# --- JSON -------------------------------------------------------------------------------------

def test_the_exported_schema_in_docs_is_up_to_date():
    exported = json.loads((REPO / "docs" / "report-schema.json").read_text(encoding="utf-8"))
    assert exported == report_json_schema(), (
        "docs/report-schema.json is stale: run `python -m policyspace.report docs/report-schema.json`"
    )


def test_json_validates_against_the_exported_schema(sample_report):
    schema = json.loads((REPO / "docs" / "report-schema.json").read_text(encoding="utf-8"))
    document = json.loads(render_report(sample_report, "json"))
    errors = list(jsonschema_validator(schema).iter_errors(document))
    assert not errors, errors[0].message
    assert document["schema_version"] == "1.0"
    assert document["summary"]["findings"] == 4


def test_the_schema_rejects_a_report_with_a_misspelt_field(sample_report):
    schema = json.loads((REPO / "docs" / "report-schema.json").read_text(encoding="utf-8"))
    document = json.loads(render_report(sample_report, "json"))
    document["summary"]["finding"] = document["summary"].pop("findings")
    assert list(jsonschema_validator(schema).iter_errors(document))


# --- SARIF ------------------------------------------------------------------------------------

def test_sarif_validates_against_the_2_1_0_schema(sample_report, sarif_schema_path):
    schema = json.loads(sarif_schema_path.read_text(encoding="utf-8"))
    log = json.loads(render_report(sample_report, "sarif"))
    errors = list(jsonschema_validator(schema).iter_errors(log))
    assert not errors, f"{errors[0].json_path}: {errors[0].message}"


def test_sarif_carries_rules_with_help_and_results_with_locations(sample_report):
    log = json.loads(render_report(sample_report, "sarif"))
    run = log["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["EXP001"]["name"] == "BanOnExportDuties"
    assert "Each Party may adopt" in rules["EXP001"]["help"]["text"]
    results = {r["ruleId"]: r for r in run["results"]}
    region = results["EXP001"]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 11 and region["startColumn"] == 4
    assert region["snippet"]["text"].startswith("Neither Party shall")
    assert results["EXP001"]["level"] == "error"
    assert results["SAFE001"]["kind"] == "pass" and results["SAFE001"]["level"] == "none"
    assert "region" not in results["ISDS900"]["locations"][0]["physicalLocation"]  # treaty-level
    assert run["tool"]["driver"]["rules"][results["ISDS001"]["ruleIndex"]]["id"] == "ISDS001"


def test_a_suppressed_finding_is_a_sarif_suppression(sample_treaty, sample_findings, stub_ruleset):
    sample_findings[1] = sample_findings[1].model_copy(update={"suppressed": True, "suppression_reason": "accepted"})
    report = build_report(sample_treaty, sample_findings, ruleset=stub_ruleset)
    results = json.loads(render_report(report, "sarif"))["runs"][0]["results"]
    (suppressed,) = [r for r in results if "suppressions" in r]
    assert suppressed["suppressions"] == [{"kind": "inSource", "justification": "accepted"}]


# --- CSV --------------------------------------------------------------------------------------

def test_csv_has_one_row_per_finding_with_the_documented_columns(sample_report):
    from policyspace.writers.csv_writer import COLUMNS

    table = list(csv.DictReader(io.StringIO(render_report(sample_report, "csv"))))
    assert len(table) == 4
    assert tuple(table[0].keys()) == COLUMNS
    documented = (REPO / "docs" / "risk-model.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"`{column}`" in documented, f"CSV column {column} is not documented in docs/risk-model.md"
    export = next(row for row in table if row["rule_id"] == "EXP001")
    assert export["binds"] == "ZMB" and export["binds_income_groups"] == "lower-middle"
    assert export["matched_text"] == "export duty" and export["extracted"] == "goods=copper ores"
    assert export["family_score"] == "90.0"


@pytest.mark.parametrize("payload", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_csv_cells_cannot_become_spreadsheet_formulas(sample_treaty, stub_ruleset, payload):
    finding = Finding(rule_id="X001", family="isds", severity="low", title=payload, message=payload,
                      excerpt=payload, unit_path=[payload])
    report = build_report(sample_treaty, [finding], ruleset=stub_ruleset)
    row = next(csv.DictReader(io.StringIO(render_report(report, "csv"))))
    for column in ("title", "message", "excerpt", "unit_path"):
        assert row[column] == "'" + payload


# --- HTML -------------------------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_html_is_self_contained_and_loads_nothing_from_anywhere(sample_report):
    html = render_report(sample_report, "html")
    tags = _tags(html)
    assert not [t for t, _ in tags if t in ("script", "link", "img", "iframe", "object", "embed")]
    for tag, attrs in tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), f"<{tag} {name}={value}> reaches outside the file"
    assert "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html


def test_the_stylesheet_hash_in_the_policy_matches_the_stylesheet(sample_report):
    from policyspace.writers.html import stylesheet

    css, digest = stylesheet()
    html = render_report(sample_report, "html")
    assert f"style-src '{digest}'" in html
    assert f"<style>{css}</style>" in html


def test_html_shows_every_finding_with_its_clause_highlights_and_drafting(sample_report):
    html = render_report(sample_report, "html")
    tags = _tags(html)
    articles = [a for t, a in tags if t == "article" and "finding" in (a.get("class") or "").split()]
    assert len(articles) == sample_report.summary.findings
    assert f'data-count="{sample_report.summary.findings}"' in html
    assert "<mark>export duty</mark>" in html and "<mark>ICSID</mark>" in html
    assert "Each Party may adopt or maintain duties on exports" in html  # alternative drafting
    assert "Zambia" in html and "lower-middle income" in html
    assert 'href="#family-export-restriction"' in html and 'id="family-export-restriction"' in html
    assert "@media print" in html


EVIL = f"""---
title: Agreement {SCRIPT} {IMG}
parties: ZMB, GBR
---
Article 1: Duties {SCRIPT}
@note Reviewer {IMG} {SCRIPT}
1. Neither Party shall adopt any export duty {IMG} {SCRIPT}.
"""


def test_treaty_text_cannot_inject_markup_anywhere(stub_ruleset):
    treaty = parse_treaty(EVIL, f"evil{IMG}.treaty")
    excerpt = f"Neither Party shall adopt any export duty {IMG} {SCRIPT}."
    start = excerpt.index("export duty")
    finding = Finding(
        rule_id="EXP001", family="export-restriction", severity="high", title=f"Ban {SCRIPT}", message=f"m {IMG}",
        file=f"evil{IMG}.treaty", unit_path=[f"Article 1: Duties {SCRIPT}", "1."], start_line=7, start_column=4,
        start_offset=EVIL.index("Neither"), excerpt=excerpt,
        highlights=[Highlight(start=start, end=len(excerpt), text=excerpt[start:])],
        extracted={f"goods{SCRIPT}": [IMG]},
    )
    report = build_report(treaty, [finding], ruleset=stub_ruleset)
    assert report.section("export-restriction").findings[0].notes  # the evil note is in the report
    report.parties[0] = PartyProfile(code="ZMB", name=f"Zambia {SCRIPT}{IMG}", income_group="lower-middle")
    html = render_report(report, "html")
    tags = _tags(html)
    assert [t for t, _ in tags if t in ("script", "img")] == []
    assert not [(t, a) for t, a in tags if any(name.startswith("on") for name in a)]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    text = render_report(report, "terminal")
    assert SCRIPT in text  # shown verbatim as text in the terminal, not interpreted as markup


# --- files ------------------------------------------------------------------------------------

def test_every_format_writes_a_file(sample_report, tmp_path):
    for fmt in FORMATS:
        target = tmp_path / f"report.{fmt}"
        write_report(sample_report, fmt, target)
        assert target.read_text(encoding="utf-8").strip()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"report.{fmt}" for fmt in FORMATS)


def test_a_failed_write_leaves_the_old_report_and_no_temporary_file(sample_report, tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("previous report", encoding="utf-8")

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(PolicyspaceError, match="No space left on device"):
        write_report(sample_report, "html", target)
    assert target.read_text(encoding="utf-8") == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_an_unknown_format_is_a_clear_error(sample_report, tmp_path):
    with pytest.raises(PolicyspaceError, match="unknown report format 'pdf'; choose one of terminal, json"):
        write_report(sample_report, "pdf", tmp_path / "x.pdf")


def test_terminal_shows_scorecard_and_findings_by_family(sample_report):
    text = render_report(sample_report, "terminal")
    assert "Policy-space scorecard" in text
    assert re.search(r"Export duties and restrictions\s+│\s+90", text)
    assert text.index("Investor-state dispute settlement —") < text.index("F001 ISDS900")
    assert "binds: Zambia (lower-middle income)" in text
    assert "use instead: Each Party may adopt" in text


def test_a_written_report_is_readable_by_others_like_any_new_file(sample_report, tmp_path):
    old = os.umask(0o022)
    try:
        write_report(sample_report, "html", tmp_path / "r.html")
    finally:
        os.umask(old)
    assert (tmp_path / "r.html").stat().st_mode & 0o777 == 0o644
    (tmp_path / "r.html").chmod(0o600)
    write_report(sample_report, "html", tmp_path / "r.html")  # replacing keeps the owner's choice
    assert (tmp_path / "r.html").stat().st_mode & 0o777 == 0o600
