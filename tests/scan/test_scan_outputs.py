"""What researchers open: the corpus report, Parquet tables and ToTA metadata in the treaty table."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from scan_support import read_csv

HOSTILE_TITLE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def test_corpus_report_is_self_contained_and_escapes_treaty_text(run_cli, good_corpus: Path, tmp_path: Path) -> None:
    (good_corpus / "hostile.treaty").write_text(
        f"---\ntitle: {HOSTILE_TITLE}\nparties: ZMB, GBR\ndate: 2021-05-01\n---\n"
        "Article 1: Consent\n1. Each Party consents to the submission of a claim to arbitration under "
        "the ICSID Convention.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("scan", str(good_corpus), "-o", str(out), "-q")[0] == 0
    html = (out / "corpus-report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing fetched from anywhere
    assert html.count("<svg") >= 2  # prevalence by period and by income group (plus rule hits)
    style = re.search(r"<style>(.*?)</style>", html, re.DOTALL)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in html  # the CSP admits exactly this stylesheet
    treaties = read_csv(out / "treaties.csv")
    counted = len([r for r in read_csv(out / "findings.csv") if r["counted"] == "true"])
    assert f'id="treaty-count">{len(treaties)}<' in html
    assert f'id="finding-count">{counted}<' in html


def test_income_groups_come_from_the_shipped_classification(run_cli, tmp_path: Path) -> None:
    from policyspace.income_groups import classify_party

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.treaty").write_text("---\ntitle: A\nparties: ZMB, GBR\ndate: 2020-01-01\n---\nArticle 1: X\n1. Text.\n")
    out = tmp_path / "out"
    assert run_cli("scan", str(folder), "-o", str(out), "-q")[0] == 0
    row = read_csv(out / "treaties.csv")[0]
    zmb, gbr = classify_party("ZMB"), classify_party("GBR")
    assert row["party_income_groups"] == f"ZMB:{zmb.income_group}; GBR:{gbr.income_group}"
    assert row["has_lmic_party"] == ("true" if zmb.is_lmic or gbr.is_lmic else "false")


def test_parquet_tables_are_typed_and_match_json_lines(run_cli, good_corpus: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet", reason="Parquet needs the extra: pip install 'policyspace[parquet]'")
    out = tmp_path / "out"
    assert run_cli("scan", str(good_corpus), "-o", str(out), "-q", "--format", "parquet,jsonl")[0] == 0
    assert not (out / "treaties.csv").exists()
    for name in ("treaties", "findings", "errors"):
        table = pq.read_table(out / f"{name}.parquet")
        rows = [json.loads(line) for line in (out / f"{name}.jsonl").read_text().splitlines()]
        assert table.num_rows == len(rows)
        assert table.column_names == (list(rows[0]) if rows else table.column_names)
    treaties = pq.read_table(out / "treaties.parquet")
    assert str(treaties.schema.field("isds_present").type) == "bool"
    parties = treaties.schema.field("parties").type
    assert parties.num_fields == 1 and str(parties.value_type) == "string"  # a list of strings
    assert str(treaties.schema.field("date_signed").type) == "date32[day]"
    jsonl = [json.loads(line) for line in (out / "treaties.jsonl").read_text().splitlines()]
    assert treaties.column("parties").to_pylist() == [r["parties"] for r in jsonl]
    assert treaties.column("overall_score").to_pylist() == [r["overall_score"] for r in jsonl]


def test_tota_metadata_reaches_the_treaty_table(run_cli, tota_dir: Path, tmp_path: Path) -> None:
    from policyspace.importers import load_document

    folder = tmp_path / "tota"
    folder.mkdir()
    for path in sorted(tota_dir.glob("pta_*.xml"))[:4]:
        shutil.copy(path, folder / path.name)
    out = tmp_path / "out"
    assert run_cli("scan", str(folder), "-o", str(out), "-q", "--format", "csv")[0] == 0
    for row in read_csv(out / "treaties.csv"):
        treaty = load_document(row["file"])
        assert row["format"] == "tota-xml"
        assert row["parties"] == "; ".join(treaty.meta.parties)
        assert row["date_signed"] == (treaty.meta.date_signed.isoformat() if treaty.meta.date_signed else "")
        assert int(row["articles"]) == len(treaty.articles())
        assert row["source_id"] == treaty.meta.extra.get("wto_rta_id", "")
        assert row["source_type"] == treaty.meta.extra.get("tota_type", "")


def test_every_column_is_documented() -> None:
    """docs/scan.md is the researchers' codebook: a new column must be described there."""
    from scan_support import REPO

    from policyspace.scanning.tables import (
        ERROR_COLUMNS,
        FINDING_COLUMNS,
        INCOME_COLUMNS,
        SOURCE_COLUMNS,
        SUMMARY_COLUMNS,
        family_columns,
    )

    doc = (REPO / "docs" / "scan.md").read_text(encoding="utf-8")
    columns = SOURCE_COLUMNS + INCOME_COLUMNS + SUMMARY_COLUMNS + family_columns() + FINDING_COLUMNS + ERROR_COLUMNS
    missing = [c.name for c in columns if f"| `{c.name}` |" not in doc]
    assert not missing, f"columns missing from docs/scan.md: {missing}"


def test_every_treaty_flag_is_mapped_in_the_docs() -> None:
    from scan_support import REPO

    from policyspace.rules import load_ruleset

    doc = (REPO / "docs" / "scan.md").read_text(encoding="utf-8")
    missing = [name for name in load_ruleset().flag_names() if f"`flag_{name}`" not in doc]
    assert not missing, (
        f"treaty flags missing from the UNCTAD mapping table in docs/scan.md: {missing}; a new flag is a new "
        "treaties.* column, so add a row saying which hand-coded variable it compares with"
    )
