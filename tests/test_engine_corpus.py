"""`policyspace check corpus/*.treaty`: the provisions reviewers tagged in the sample documents are
found, and the policy-space-friendly model yields nothing but safeguards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policyspace.rules import load_ruleset
from policyspace.rules.evaluation import evaluate, gold_from_treaty

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SAMPLES = sorted(CORPUS.glob("*.treaty"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_every_tagged_provision_is_found(sample):
    gold = gold_from_treaty(sample)
    result = evaluate(gold, load_ruleset())
    missed = [f"{c.family} in {c.article_id}" for c in result.confusions if c.kind == "FN"]
    assert not missed, f"{sample.name}: tagged but not found: {missed}"


def test_check_over_the_whole_corpus(run_cli):
    status, out, _ = run_cli("check", "--format", "json", *map(str, SAMPLES))
    assert status == 0
    findings = json.loads(out)
    families_by_file: dict[str, set[str]] = {}
    for finding in findings:
        if finding["severity"] != "info":
            families_by_file.setdefault(Path(finding["file"]).name, set()).add(finding["family"])
    assert families_by_file["policy-space-model.treaty"] == {"safeguard"}
    assert "isds" in families_by_file["model-bit.treaty"]
    assert "stabilization" in families_by_file["host-government-agreement.treaty"]
    assert "export-restriction" in families_by_file["raw-materials-chapter.treaty"]
    assert "local-content" in families_by_file["fta-investment-chapter.treaty"]
    assert {"isds", "local-content", "export-restriction"} <= families_by_file["tlc-inversion.treaty"]


def test_corpus_suppressions_are_all_used():
    from policyspace.importers import load_document
    from policyspace.rules import check_treaty, unused_suppressions

    for sample in SAMPLES:
        treaty = load_document(sample)
        assert unused_suppressions(treaty, check_treaty(treaty)) == [], sample.name
