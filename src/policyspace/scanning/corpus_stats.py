"""Corpus-level statistics from the scan tables: prevalence of each family by signing period and
by party income group, the most restrictive treaties, rule hit counts. Used by the HTML corpus
report and the terminal summary; pure computation, no formatting."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import BaseModel, Field

from ..model import Family
from .tables import Table, family_key

INCOME_ORDER = ["low", "lower-middle", "upper-middle", "high"]
_RESTRICTIVE_KEYS = ("file", "title", "parties", "year_signed", "overall_score", "isds_score", "stabilization_score",
                     "local_content_score", "export_restriction_score", "findings")


class Prevalence(BaseModel):
    """For one group of treaties (a period, an income group, the whole corpus)."""

    label: str
    treaties: int
    present: dict[str, int]  # family value -> treaties where it is present

    def share(self, family: str) -> float:
        return self.present.get(family, 0) / self.treaties if self.treaties else 0.0


class RuleHits(BaseModel):
    rule_id: str
    family: str
    title: str
    findings: int
    treaties: int


class CorpusStats(BaseModel):
    """Stored in scan.json too, so an up-to-date re-scan can print its summary without the tables."""

    documents: int
    scanned: int
    failed: int
    findings: int
    overall: Prevalence
    by_period: list[Prevalence]
    period_width: int  # years per period
    undated: int
    by_income: list[Prevalence]
    most_restrictive: list[dict[str, Any]]
    rule_hits: list[RuleHits]
    errors: list[dict[str, Any]]
    families: list[str] = Field(default_factory=lambda: [f.value for f in Family])
    mean_scores: dict[str, float] = Field(default_factory=dict)


def _prevalence(label: str, rows: list[dict[str, Any]]) -> Prevalence:
    present = {f.value: sum(1 for r in rows if r.get(f"{family_key(f)}_present")) for f in Family}
    return Prevalence(label=label, treaties=len(rows), present=present)


def _periods(rows: list[dict[str, Any]]) -> tuple[list[Prevalence], int]:
    years = [r["year_signed"] for r in rows if r.get("year_signed")]
    if not years:
        return [], 1
    first, last = min(years), max(years)
    width = 1 if last - first < 15 else 5
    start = first - (first % width)
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row.get("year_signed"):
            groups[(row["year_signed"] - start) // width].append(row)
    out = []
    for index in range((last - start) // width + 1):
        lo = start + index * width
        label = str(lo) if width == 1 else f"{lo}–{lo + width - 1}"
        out.append(_prevalence(label, groups.get(index, [])))
    return out, width


def _by_income(rows: list[dict[str, Any]]) -> list[Prevalence]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        seen = {entry.rsplit(":", 1)[1] for entry in row.get("party_income_groups") or []}
        for group in seen:
            groups[group].append(row)
    ordered = INCOME_ORDER + sorted(g for g in groups if g not in INCOME_ORDER)
    return [_prevalence(group, groups[group]) for group in ordered if groups.get(group)]


class FindingTally:
    """Counts counted findings per rule as the finding rows stream past (they are never kept)."""

    def __init__(self) -> None:
        self.hits: dict[str, RuleHits] = {}
        self._files: dict[str, set[str]] = defaultdict(set)

    def add(self, rows: list[dict[str, Any]]) -> None:
        for f in rows:
            if not f["counted"]:
                continue
            hit = self.hits.get(f["rule_id"])
            if hit is None:
                hit = self.hits[f["rule_id"]] = RuleHits(rule_id=f["rule_id"], family=f["family"], title=f["title"],
                                                         findings=0, treaties=0)
            hit.findings += 1
            self._files[f["rule_id"]].add(f["file"])

    def rule_hits(self) -> list[RuleHits]:
        for rule_id, hit in self.hits.items():
            hit.treaties = len(self._files[rule_id])
        return sorted(self.hits.values(), key=lambda h: (-h.findings, h.rule_id))


def corpus_stats(treaties: Table, errors: Table, tally: FindingTally, top: int = 15) -> CorpusStats:
    rows = treaties.rows
    ok = [r for r in rows if r["status"] == "ok"]
    by_period, width = _periods(ok)
    scored = [r for r in ok if r.get("overall_score") is not None]
    most = [{key: row.get(key) for key in _RESTRICTIVE_KEYS}
            for row in sorted(scored, key=lambda r: (r["overall_score"], -r["findings"], r["file"]))[:top]]
    means = {}
    for family in Family:
        column = f"{family_key(family)}_score"
        values = [r[column] for r in ok if r.get(column) is not None]
        if values:
            means[family.value] = sum(values) / len(values)
    if scored:
        means["overall"] = sum(r["overall_score"] for r in scored) / len(scored)
    hits = tally.rule_hits()
    return CorpusStats(
        documents=len(rows), scanned=len(ok), failed=len(rows) - len(ok), findings=sum(h.findings for h in hits),
        overall=_prevalence("all treaties", ok), by_period=by_period, period_width=width,
        undated=sum(1 for r in ok if not r.get("year_signed")), by_income=_by_income(ok),
        most_restrictive=most, rule_hits=hits,
        errors=[{k: e[k] for k in ("file", "kind", "message")} for e in errors.rows], mean_scores=means,
    )
