"""Compare the engine's article-level families with reviewers' labels (precision, recall, F1).

Gold labels come from CSV files (`file,article_id,labels,...`: ToTA articles labelled by
colleagues, resolved against a ToTA folder) or from .treaty files whose articles carry @tags.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..model import Family, Treaty, Unit
from .engine import article_text, evaluation_units
from .loader import Ruleset
from .treaty_coding import is_coding_file

_ARTICLE_ID = re.compile(rb"<article\b[^>]*?\barticle_identifier=\"([^\"]*)\"")
FAMILIES = [f.value for f in Family]


@dataclass
class GoldArticle:
    source: str  # the label file or .treaty file
    file: str  # the treaty file
    article_id: str
    labels: set[str]
    path: tuple[Unit, ...]
    unit: Unit
    sample: str = ""
    rationale: str = ""


@dataclass
class FamilyScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def count(self, expected: bool, found: bool) -> None:
        """Tally one article: the reference says `expected`, the reading scored says `found`."""
        if expected and found:
            self.tp += 1
        elif found:
            self.fp += 1
        elif expected:
            self.fn += 1

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Confusion:
    family: str
    kind: str  # "FP" or "FN"
    file: str
    article_id: str
    rules: list[str]  # the rules that fired for the family (FP), empty for FN
    rationale: str = ""


@dataclass
class Evaluation:
    articles: int = 0
    scores: dict[str, FamilyScore] = field(default_factory=lambda: {f: FamilyScore() for f in FAMILIES})
    baseline: dict[str, FamilyScore] = field(default_factory=lambda: {f: FamilyScore() for f in FAMILIES})
    confusions: list[Confusion] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "articles": self.articles,
            "families": {f: s.as_dict() for f, s in self.scores.items()},
            "baseline": {f: s.as_dict() for f, s in self.baseline.items()},
            "confusions": [c.__dict__ for c in self.confusions],
        }


def article_index(xml_path: Path, treaty: Treaty) -> dict[str, tuple[tuple[Unit, ...], Unit]]:
    """ToTA `article_identifier` -> the imported article (the importer keeps XML order)."""
    ids = [m.group(1).decode() for m in _ARTICLE_ID.finditer(xml_path.read_bytes())]
    articles = [(path, unit) for path, unit in treaty.walk_with_path() if unit.kind.value == "article"]
    if len(ids) != len(articles):
        raise InputError(
            f"{len(ids)} article identifiers in the XML but {len(articles)} imported articles", str(xml_path)
        )
    return dict(zip(ids, articles))


def label_rows(csv_path: Path, what: str = "the label file") -> list[tuple[int, dict[str, str], set[str]]]:
    """(line number, row, labels) of a label CSV (file,article_id,labels,...), checked: the file is
    readable UTF-8, has the three columns, and names only known families."""
    try:
        with csv_path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror or exc}", str(csv_path)) from None
    except UnicodeDecodeError:
        raise InputError(f"{what} is not UTF-8 text", str(csv_path)) from None
    if rows and not {"file", "article_id", "labels"} <= set(rows[0]):
        raise InputError("a label file needs the columns file, article_id, labels", str(csv_path))
    out = []
    for line, row in enumerate(rows, start=2):
        labels = {x.strip() for x in (row["labels"] or "").split(";") if x.strip()}
        unknown = labels - set(FAMILIES)
        if unknown:
            raise InputError(f"line {line}: unknown label(s) {', '.join(sorted(unknown))}", str(csv_path))
        out.append((line, row, labels))
    return out


def gold_from_csv(csv_path: Path, tota_dir: Path) -> list[GoldArticle]:
    from ..importers import load_document

    out: list[GoldArticle] = []
    indexes: dict[str, dict[str, tuple[tuple[Unit, ...], Unit]]] = {}
    for line, row, labels in label_rows(csv_path):
        name = row["file"].strip()
        if name not in indexes:
            xml_path = tota_dir / name
            if not xml_path.is_file():
                raise InputError(f"line {line}: {name} is not in the ToTA folder {tota_dir}", str(csv_path))
            indexes[name] = article_index(xml_path, load_document(xml_path))
        found = indexes[name].get(row["article_id"].strip())
        if found is None:
            raise InputError(f"line {line}: {name} has no article {row['article_id']}", str(csv_path))
        out.append(GoldArticle(str(csv_path), name, row["article_id"].strip(), labels, found[0], found[1],
                               row.get("sample", ""), row.get("rationale", "")))
    return out


def gold_from_treaty(path: Path) -> list[GoldArticle]:
    """Every article of an annotated document; its @tags (on it or inside it) are the labels."""
    from ..importers import load_document

    treaty = load_document(path)
    out = []
    for ancestors, unit in evaluation_units(treaty):
        labels = {f.value for u in unit.walk() for f in u.tags}
        out.append(GoldArticle(str(path), str(path), unit.label, labels, ancestors, unit))
    return out


def load_gold(paths: list[Path], tota_dir: Path | None) -> list[GoldArticle]:
    gold: list[GoldArticle] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix in (".csv", ".treaty") and not is_coding_file(p))
            gold.extend(load_gold(inside, tota_dir))
        elif path.suffix.lower() == ".csv":
            if tota_dir is None or not tota_dir.is_dir():
                raise InputError(
                    "label files refer to ToTA treaties: give the ToTA folder with --tota DIR "
                    "or the POLICYSPACE_TOTA environment variable", str(path)
                )
            gold.extend(gold_from_csv(path, tota_dir))
        elif path.is_file():
            gold.extend(gold_from_treaty(path))
        else:
            raise InputError("no such file", str(path))
    return gold


def predicted_families(gold: GoldArticle, ruleset: Ruleset) -> dict[str, list[str]]:
    """Family -> rules that fired on the article (informational findings excluded)."""
    from ..findings import Severity

    article = article_text(gold.path, gold.unit)
    out: dict[str, list[str]] = {}
    for found in ruleset.compiled.scan(article):
        severity = found.rule.severity
        for hit in found.carve_outs:
            if hit.spec.effect == "downgrade":
                severity = severity.downgraded()
        if severity == Severity.INFO:
            continue
        out.setdefault(found.rule.family.value, []).append(found.rule.id)
    return out


def baseline_families(gold: GoldArticle, ruleset: Ruleset) -> set[str]:
    """The naive keyword grep: a family is present when any of its baseline keywords occurs."""
    lowered = article_text(gold.path, gold.unit).lowered
    return {f.id.value for f in ruleset.families if any(k in lowered for k in f.baseline)}


def evaluate(gold: list[GoldArticle], ruleset: Ruleset) -> Evaluation:
    result = Evaluation(articles=len(gold))
    for item in gold:
        predicted = predicted_families(item, ruleset)
        naive = baseline_families(item, ruleset)
        for family in FAMILIES:
            expected = family in item.labels
            result.scores[family].count(expected, family in predicted)
            if family in predicted and not expected:
                result.confusions.append(
                    Confusion(family, "FP", item.file, item.article_id, predicted[family], item.rationale)
                )
            elif expected and family not in predicted:
                result.confusions.append(Confusion(family, "FN", item.file, item.article_id, [], item.rationale))
            result.baseline[family].count(expected, family in naive)
    return result
