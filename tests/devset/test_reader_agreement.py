"""Second, independent readings of hold-out articles (tests/devset/second_reading/): how far two
readers agree, and the rules' accuracy on the articles both readers label alike.

Each file `holdoutA-B.csv` relabels articles of holdoutA..holdoutB (a random sample of them, or
all of a set read twice from the start), by readers who used the same guide
(holdout/LABELLING.md) and saw neither the first labels nor the tool.
Figures: tests/devset/holdout/README.md, "Second readings". Skipped when ToTA is absent.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from policyspace.rules import load_ruleset
from policyspace.rules.evaluation import load_gold
from policyspace.rules.second_reading import compare_readings, read_labels

HERE = Path(__file__).resolve().parent
READINGS = sorted((HERE / "second_reading").glob("holdout*-*.csv"))
FLOORS = tomllib.loads((HERE / "baseline.toml").read_text(encoding="utf-8"))["second_reading_f1"]


def _sets(path: Path) -> list[Path]:
    match = re.fullmatch(r"holdout(\d+)-(\d+)", path.stem)
    assert match, f"{path.name}: name a second reading after the hold-out sets it rereads (holdoutA-B.csv)"
    first, last = int(match.group(1)), int(match.group(2))
    return [HERE / "holdout" / f"holdout{n}.csv" for n in range(first, last + 1)]


def test_there_are_second_readings():
    assert len(READINGS) >= 2


@pytest.fixture(scope="module")
def pooled(tota_dir):
    """Both readings pooled (each scored against the hold-out sets it names)."""
    ruleset = load_ruleset()
    results = []
    for path in READINGS:
        second = read_labels(path)
        gold = [g for g in load_gold(_sets(path), tota_dir) if (g.file, g.article_id) in second]
        # raises when an article of the second reading is not in the sets it names
        results.append(compare_readings(gold, second, ruleset, str(path)))
    return results


def test_every_reread_article_is_in_the_sets_it_names(pooled):
    assert sum(r.articles for r in pooled) == sum(len(read_labels(p)) for p in READINGS) >= 600


@pytest.mark.parametrize("family", sorted(FLOORS))
def test_rules_on_articles_both_readers_label_alike(pooled, family):
    tp = sum(r.rules_agreed[family].tp for r in pooled)
    fp = sum(r.rules_agreed[family].fp for r in pooled)
    fn = sum(r.rules_agreed[family].fn for r in pooled)
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    assert f1 >= FLOORS[family], f"{family}: F1 {f1:.3f} ({tp}/{fp}/{fn}) on agreed articles, floor {FLOORS[family]}"
