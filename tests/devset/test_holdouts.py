"""The hold-out sets: every label resolves to a real ToTA article, and the rules keep their
pooled accuracy on all of them.

Each hold-out set was measured once, before any rule change it informed (the first
measurements are in tests/devset/holdout/README.md); afterwards its errors were generalised, so
the pooled figures here are optimistic. They guard against a rule change that loses accuracy on
the labelled articles the dev set does not hold
(13,624 in 85 sets on 2026-11-23). Skipped when the ToTA folder is absent.
"""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest

from policyspace.rules import load_ruleset
from policyspace.rules.evaluation import evaluate, load_gold

HERE = Path(__file__).resolve().parent
HOLDOUTS = sorted((HERE / "holdout").glob("holdout*.csv"), key=lambda p: int(p.stem.removeprefix("holdout")))
FLOORS = tomllib.loads((HERE / "baseline.toml").read_text(encoding="utf-8"))["holdout_f1"]


def test_there_are_hold_out_sets():
    assert len(HOLDOUTS) >= 27


@pytest.fixture(scope="module")
def gold(tota_dir):
    return load_gold(HOLDOUTS, tota_dir)  # raises on an unknown file, article or label


@pytest.mark.parametrize("path", HOLDOUTS, ids=lambda p: p.stem)
def test_every_label_resolves_to_an_article(path, gold):
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    resolved = [g for g in gold if Path(g.source).name == path.name]
    assert len(resolved) == len(rows) >= 50
    assert all(g.unit.kind.value == "article" or not g.unit.children for g in resolved)


def test_no_article_is_in_two_hold_out_sets():
    seen: dict[tuple[str, str], str] = {}
    for path in HOLDOUTS:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = (row["file"], row["article_id"])
                assert key not in seen, f"{key} is in {seen.get(key)} and {path.name}"
                seen[key] = path.name


@pytest.fixture(scope="module")
def pooled(gold):
    return evaluate(gold, load_ruleset())


@pytest.mark.parametrize("family", sorted(FLOORS))
def test_pooled_f1_stays_above_the_recorded_floor(pooled, family):
    score = pooled.scores[family]
    assert score.f1 >= FLOORS[family], (
        f"{family}: pooled hold-out F1 {score.f1:.3f} < floor {FLOORS[family]} "
        f"(P {score.precision:.3f}, R {score.recall:.3f})"
    )
