"""`policyspace eval --second-reading`: two readers' labels of the same articles compared with
each other (F1, Cohen's kappa) and with the rules, end to end on a corpus treaty."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from policyspace.rules.evaluation import FamilyScore
from policyspace.rules.second_reading import cohen_kappa

REPO = Path(__file__).resolve().parents[2]
MODEL_BIT = REPO / "corpus" / "model-bit.treaty"
# model-bit.treaty's own @tags (the first reading): Articles 3 and 8 stabilization, 4 and 10 isds;
# the rules find exactly these.
FIRST = {"Article 3": "stabilization", "Article 4": "isds", "Article 8": "stabilization", "Article 10": "isds"}


def write_reading(path: Path, labels: dict[str, str], articles: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "article_id", "labels", "sample", "rationale"])
        for article in articles:
            writer.writerow([str(MODEL_BIT), article, labels.get(article, ""), "", ""])
    return path


def test_kappa_of_perfect_chance_and_opposite_readings():
    assert cohen_kappa(FamilyScore(tp=5, fp=0, fn=0), 20) == pytest.approx(1.0)
    # both readers say yes to half the articles, independently: agreement is what chance gives
    assert cohen_kappa(FamilyScore(tp=5, fp=5, fn=5), 20) == pytest.approx(0.0)
    assert cohen_kappa(FamilyScore(tp=0, fp=10, fn=10), 20) == pytest.approx(-1.0)
    # 45 both yes, 40 both no, 15 split: observed 0.85, chance 0.5
    assert cohen_kappa(FamilyScore(tp=45, fp=5, fn=10), 100) == pytest.approx((0.85 - 0.5) / 0.5)
    assert cohen_kappa(FamilyScore(), 30) == pytest.approx(1.0)  # nobody says yes: full agreement


def test_second_reader_who_drops_one_label_and_adds_another(run_cli, tmp_path):
    articles = [f"Article {n}" for n in range(1, 14)]
    second = dict(FIRST)
    del second["Article 8"]  # the second reader does not see the umbrella clause
    second["Article 5"] = "stabilization"  # and reads Article 5 as a lock-in
    reading = write_reading(tmp_path / "second.csv", second, articles)
    out_json = tmp_path / "eval.json"
    status, out, err = run_cli("eval", str(MODEL_BIT), "--second-reading", str(reading), "--json", str(out_json))
    assert status == 0, err
    assert "second reading: 13 articles read twice" in out
    assert "Readers disagree" in out and "Article 8" in out and "Article 5" in out
    result = json.loads(out_json.read_text(encoding="utf-8"))["second_reading"]
    stab = result["families"]["stabilization"]
    assert (stab["readers"]["tp"], stab["readers"]["fp"], stab["readers"]["fn"]) == (1, 1, 1)
    # rules find Articles 3 and 8: perfect against the first reader, one miss and one extra against the second
    assert stab["rules_vs_first"]["f1"] == 1.0
    assert (stab["rules_vs_second"]["tp"], stab["rules_vs_second"]["fp"], stab["rules_vs_second"]["fn"]) == (1, 1, 1)
    # on the 11 articles both readers label alike, the rules make no error
    assert stab["rules_on_agreed"]["articles"] == 11
    assert (stab["rules_on_agreed"]["tp"], stab["rules_on_agreed"]["fp"], stab["rules_on_agreed"]["fn"]) == (1, 0, 0)
    assert stab["readers"]["kappa"] == pytest.approx(cohen_kappa(FamilyScore(tp=1, fp=1, fn=1), 13), abs=1e-4)
    assert result["families"]["isds"]["readers"]["kappa"] == 1.0
    assert sorted((d["article_id"], d["first"]) for d in result["disagreements"]) == [
        ("Article 5", False), ("Article 8", True)
    ]


def test_only_articles_of_the_second_reading_are_compared(run_cli, tmp_path):
    reading = write_reading(tmp_path / "second.csv", FIRST, ["Article 3", "Article 4"])
    status, out, _ = run_cli("eval", str(MODEL_BIT), "--second-reading", str(reading), "--confusions", "0")
    assert status == 0
    assert "2 articles read twice" in out


def test_article_the_first_reading_lacks_is_an_input_error(run_cli, tmp_path):
    reading = write_reading(tmp_path / "second.csv", {}, ["Article 3", "Article 99"])
    status, out, err = run_cli("eval", str(MODEL_BIT), "--second-reading", str(reading))
    assert status == 2
    assert "second.csv" in err and "Article 99" in err and "not among the labelled articles" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("file,article_id,labels\nmodel-bit.treaty,Article 3,umbrella\n", "unknown label(s) umbrella"),
        ("file,labels\nmodel-bit.treaty,isds\n", "needs the columns file, article_id, labels"),
        ("file,article_id,labels\n", "holds no labelled articles"),
        ("file,article_id,labels\nmodel-bit.treaty,Article 3,\nmodel-bit.treaty,Article 3,isds\n", "labelled twice"),
    ],
)
def test_malformed_second_reading_is_an_input_error(run_cli, tmp_path, content, message):
    reading = tmp_path / "second.csv"
    reading.write_text(content, encoding="utf-8")
    status, _, err = run_cli("eval", str(MODEL_BIT), "--second-reading", str(reading))
    assert status == 2
    assert message in err


def test_missing_second_reading_file(run_cli, tmp_path):
    status, _, err = run_cli("eval", str(MODEL_BIT), "--second-reading", str(tmp_path / "absent.csv"))
    assert status == 2
    assert "cannot read the second reading" in err


def test_second_reading_needs_labelled_articles_to_compare_with(run_cli, tmp_path):
    coding = tmp_path / "coding.csv"
    coding.write_text("file,isds\npta_1.xml,yes\n", encoding="utf-8")
    reading = write_reading(tmp_path / "second.csv", FIRST, ["Article 3"])
    status, _, err = run_cli("eval", str(coding), "--second-reading", str(reading), "--tota", str(tmp_path))
    assert status == 2
    assert "--second-reading needs the first reading's label files" in err


@pytest.mark.parametrize(("reading", "message"), [("first", "the label file"), ("second", "the second reading")])
def test_label_file_that_is_not_utf8(run_cli, tmp_path, reading, message):
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("file,article_id,labels\nmodel-bit.treaty,Article 3,s\xe9curit\xe9\n".encode("latin-1"))
    first = str(latin1) if reading == "first" else str(MODEL_BIT)
    extra = ["--second-reading", str(latin1)] if reading == "second" else []
    status, _, err = run_cli("eval", first, *extra, "--tota", str(tmp_path))
    assert status == 2
    assert f"{message} is not UTF-8 text" in err
