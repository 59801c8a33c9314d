"""A second, independent reading of labelled articles: how far two readers agree, and how the
rules score against each reader and against the articles both readers label the same way.

Article labels are judgements. Where two careful readers disagree on a family (is an
infant-industry duty a safeguard or a trade remedy?), no tool can score above their agreement
against either of them; the articles they agree on show the rules' own errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .evaluation import FAMILIES, FamilyScore, GoldArticle, label_rows, predicted_families
from .loader import Ruleset

Key = tuple[str, str]  # (treaty file name, article id)


def article_key(file: str, article_id: str) -> Key:
    """Articles are matched by the treaty's file name (not its folder) and the article id."""
    return Path(file.strip()).name, article_id.strip()


def read_labels(csv_path: Path) -> dict[Key, set[str]]:
    """(file, article_id) -> labels from a label CSV, checked like the first reading's."""
    rows = label_rows(csv_path, "the second reading")
    if not rows:
        raise InputError("the second reading holds no labelled articles", str(csv_path))
    out: dict[Key, set[str]] = {}
    for line, row, labels in rows:
        key = article_key(row["file"] or "", row["article_id"] or "")
        if key in out:
            raise InputError(f"line {line}: {key[0]} article {key[1]} is labelled twice", str(csv_path))
        out[key] = labels
    return out


def cohen_kappa(score: FamilyScore, articles: int) -> float:
    """Cohen's kappa of two yes/no readings: agreement beyond what chance would give."""
    yes_yes, second_only, first_only = score.tp, score.fp, score.fn
    no_no = articles - yes_yes - second_only - first_only
    if articles <= 0:
        return 1.0
    observed = (yes_yes + no_no) / articles
    first_yes = (yes_yes + first_only) / articles
    second_yes = (yes_yes + second_only) / articles
    chance = first_yes * second_yes + (1 - first_yes) * (1 - second_yes)
    return 1.0 if chance >= 1.0 else (observed - chance) / (1 - chance)


@dataclass
class Disagreement:
    family: str
    file: str
    article_id: str
    first: bool  # the first reader gave the family
    rules: bool  # the rules found it


@dataclass
class ReadingComparison:
    articles: int = 0
    # the second reader scored against the first, per family
    readers: dict[str, FamilyScore] = field(default_factory=lambda: {f: FamilyScore() for f in FAMILIES})
    # the rules scored against each reader, and on the articles where the readers agree
    rules_first: dict[str, FamilyScore] = field(default_factory=lambda: {f: FamilyScore() for f in FAMILIES})
    rules_second: dict[str, FamilyScore] = field(default_factory=lambda: {f: FamilyScore() for f in FAMILIES})
    rules_agreed: dict[str, FamilyScore] = field(default_factory=lambda: {f: FamilyScore() for f in FAMILIES})
    agreed: dict[str, int] = field(default_factory=lambda: {f: 0 for f in FAMILIES})
    disagreements: list[Disagreement] = field(default_factory=list)

    def kappa(self, family: str) -> float:
        return cohen_kappa(self.readers[family], self.articles)

    def as_dict(self) -> dict[str, object]:
        return {
            "articles": self.articles,
            "families": {
                f: {
                    "readers": self.readers[f].as_dict() | {"kappa": round(self.kappa(f), 4)},
                    "rules_vs_first": self.rules_first[f].as_dict(),
                    "rules_vs_second": self.rules_second[f].as_dict(),
                    "rules_on_agreed": self.rules_agreed[f].as_dict() | {"articles": self.agreed[f]},
                }
                for f in FAMILIES
            },
            "disagreements": [d.__dict__ for d in self.disagreements],
        }


def compare_readings(
    gold: list[GoldArticle], second: dict[Key, set[str]], ruleset: Ruleset, source: str = ""
) -> ReadingComparison:
    """Score the second reading against the first (`gold`) on the articles both hold."""
    first = {article_key(g.file, g.article_id): g for g in gold}
    missing = [key for key in second if key not in first]
    if missing:
        shown = ", ".join(f"{f}:{a}" for f, a in missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise InputError(
            f"{len(missing)} article(s) of the second reading are not among the labelled articles given: {shown}",
            source,
        )
    result = ReadingComparison(articles=len(second))
    for key, labels in second.items():
        item = first[key]
        rules = set(predicted_families(item, ruleset))
        for family in FAMILIES:
            one, two, found = family in item.labels, family in labels, family in rules
            result.readers[family].count(one, two)
            result.rules_first[family].count(one, found)
            result.rules_second[family].count(two, found)
            if one == two:
                result.agreed[family] += 1
                result.rules_agreed[family].count(one, found)
            else:
                result.disagreements.append(Disagreement(family, item.file, item.article_id, one, found))
    return result
