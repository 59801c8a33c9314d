"""`policyspace report`: all five formats from one command, on every corpus sample and a real
ToTA treaty; bad input gives one clear line and exit status 2."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = sorted((REPO / "corpus").glob("*.treaty"))
SCHEMA = json.loads((REPO / "docs" / "report-schema.json").read_text(encoding="utf-8"))


def _validator(schema: dict):
    jsonschema = pytest.importorskip("jsonschema", reason="pip install jsonschema (the 'test' extra)")
    return jsonschema.validators.validator_for(schema)(schema)


def report_all_formats(run_cli, source: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli(
        "report", str(source), "--html", str(out / "r.html"), "--json", str(out / "r.json"),
        "--sarif", str(out / "r.sarif"), "--csv", str(out / "r.csv"), "--text", str(out / "r.txt"), *extra,
    )


def check_outputs(out: Path, sarif_schema: dict) -> dict:
    report = json.loads((out / "r.json").read_text(encoding="utf-8"))
    errors = list(_validator(SCHEMA).iter_errors(report))
    assert not errors, f"JSON does not match docs/report-schema.json: {errors[0].message}"
    sarif = json.loads((out / "r.sarif").read_text(encoding="utf-8"))
    errors = list(_validator(sarif_schema).iter_errors(sarif))
    assert not errors, f"SARIF invalid at {errors[0].json_path}: {errors[0].message}"
    shown = report["summary"]["findings"]
    suppressed = report["summary"]["suppressed"]
    assert len(sarif["runs"][0]["results"]) == shown + suppressed
    rows = list(csv.DictReader((out / "r.csv").open(encoding="utf-8", newline="")))
    assert len(rows) == shown + suppressed
    html = (out / "r.html").read_text(encoding="utf-8")
    assert f'data-count="{shown}"' in html
    assert "Policy-space scorecard" in (out / "r.txt").read_text(encoding="utf-8")
    return report


@pytest.mark.parametrize("source", CORPUS, ids=[p.stem for p in CORPUS])
def test_every_corpus_sample_gets_all_five_formats_from_one_command(run_cli, tmp_path, sarif_schema_path, source):
    status, out, err = report_all_formats(run_cli, source, tmp_path)
    assert status == 0, err
    assert "Policy-space scorecard" in out
    check_outputs(tmp_path, json.loads(sarif_schema_path.read_text(encoding="utf-8")))


def test_a_real_tota_treaty_gets_all_five_formats(run_cli, tmp_path, sarif_schema_path, tota_dir):
    status, out, err = report_all_formats(run_cli, tota_dir / "pta_442.xml", tmp_path, "--perspective", "HND")
    assert status == 0, err
    report = check_outputs(tmp_path, json.loads(sarif_schema_path.read_text(encoding="utf-8")))
    assert report["perspective"]["code"] == "HND" and report["perspective"]["income_group"] == "lower-middle"
    assert report["summary"]["findings"] > 0
    assert "Perspective: Honduras (HND, lower-middle income)" in out


def test_the_policy_space_model_keeps_its_space(run_cli, tmp_path):
    status, _, err = run_cli("report", str(REPO / "corpus" / "policy-space-model.treaty"), "--json", str(tmp_path / "r.json"))
    assert status == 0, err
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["scorecard"]["overall"] == 100
    assert report["summary"]["safeguards"] > 0


def test_an_export_duty_ban_is_said_to_matter_to_the_raw_material_exporter(run_cli, tmp_path):
    status, _, err = run_cli("report", str(REPO / "corpus" / "raw-materials-chapter.treaty"), "--json", str(tmp_path / "r.json"))
    assert status == 0, err
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    section = next(s for s in report["families"] if s["family"] == "export-restriction")
    assert section["findings"], "the raw-materials chapter should have export-restriction findings"
    binds = section["findings"][0]["binds"]
    assert [b["code"] for b in binds] == ["COD"]
    assert "raw-material exporter" in binds[0]["why_it_matters"]
    assert section["score"]["score"] < 100


def test_summary_prints_only_the_scorecard(run_cli):
    status, out, _ = run_cli("report", str(REPO / "corpus" / "model-bit.treaty"), "--summary")
    assert status == 0
    assert "Policy-space scorecard" in out and "use instead" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--perspective", "KEN"], "Kenya (KEN) is not a party to this agreement"),
        (["--perspective", "zambia"], "is not an ISO 3166-1 alpha-3 code"),
        (["--json", "corpus/model-bit.treaty"], "would overwrite the agreement being read"),
        (["--json", "same.out", "--csv", "same.out"], "both write same.out"),
    ],
)
def test_bad_options_are_one_clear_line_and_exit_status_2(run_cli, monkeypatch, args, message):
    monkeypatch.chdir(REPO)
    status, _, err = run_cli("report", "corpus/model-bit.treaty", *args)
    assert status == 2
    assert message in err and "Traceback" not in err
    assert not (REPO / "same.out").exists()


def test_a_missing_file_is_exit_status_2(run_cli, tmp_path):
    status, _, err = run_cli("report", str(tmp_path / "nope.treaty"), "--html", str(tmp_path / "r.html"))
    assert status == 2 and "Traceback" not in err
    assert not (tmp_path / "r.html").exists()
