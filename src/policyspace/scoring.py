"""Policy-space scores: findings -> a 0-100 score per family and overall, every point itemised.

The formula is written down in docs/risk-model.md; the numbers below are its parameters.
100 means the agreement leaves that policy space fully in place; 0 means it is given away.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .findings import Finding, Severity
from .model import Family

#: Families whose findings narrow policy space. Safeguards are credits, not a family score.
RESTRICTIVE_FAMILIES: tuple[Family, ...] = (
    Family.ISDS,
    Family.STABILIZATION,
    Family.LOCAL_CONTENT,
    Family.EXPORT_RESTRICTION,
)

#: Points a finding of each severity takes off its family's 100.
SEVERITY_POINTS: dict[Severity, float] = {
    Severity.INFO: 0.0,
    Severity.LOW: 5.0,
    Severity.MEDIUM: 10.0,
    Severity.HIGH: 20.0,
    Severity.CRITICAL: 30.0,
}
#: Further findings of the same rule repeat the same commitment: each costs this share of its points.
REPEAT_SHARE = 0.25
#: One rule never costs more than this multiple of its most severe finding's points.
RULE_CAP_MULTIPLE = 2.0
#: Points each distinct safeguard rule gives back to every family it protects.
SAFEGUARD_CREDIT = 10.0
#: Safeguards give back at most this share of what the family lost: a mitigation, not an erasure.
CREDIT_CAP_SHARE = 0.5

#: Rating bands, highest first: (lowest score in the band, words a minister reads).
RATINGS: tuple[tuple[float, str], ...] = (
    (80.0, "largely retained"),
    (50.0, "narrowed"),
    (20.0, "severely narrowed"),
    (0.0, "largely given up"),
)

#: Which families a safeguard protects, when neither its rule nor its finding says so: words in the
#: rule's title (English, Spanish, French; lower case). A safeguard matching none protects every family.
SAFEGUARD_KEYWORDS: dict[Family, tuple[str, ...]] = {
    Family.EXPORT_RESTRICTION: ("export", "shortage", "exporta", "escasez", "pénurie", "penurie"),
    Family.ISDS: (
        "isds", "investor-state", "arbitra", "dispute settlement", "local remedies", "recursos internos",
        "recours internes", "denial of benefits", "tax", "tributa", "fiscal", "mfn",
    ),
    Family.STABILIZATION: (
        "stabiliz", "estabiliza", "tax", "tributa", "fiscal", "mfn", "reservation", "reserva",
        "non-conforming", "future measures",
    ),
    Family.LOCAL_CONTENT: (
        "performance requirement", "local content", "contenido local", "requisitos de desempeño",
        "prescriptions de résultats", "reservation", "reserva", "excluded sectors",
    ),
}


def finding_id(position: int) -> str:
    """The id a report gives the finding at 0-based `position` of its finding list: F001, F002, ..."""
    return f"F{position + 1:03d}"


def rating_for(score: float) -> str:
    for lowest, words in RATINGS:
        if score >= lowest:
            return words
    return RATINGS[-1][1]


class ScoreItem(BaseModel):
    """One line of the explanation: what moved a family's score, by how much, and why."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["deduction", "credit", "floor", "not-counted"]
    family: Family
    rule_id: str
    title: str
    severity: Severity
    findings: int  # how many findings of this rule the line covers
    finding_ids: list[str] = Field(default_factory=list)
    points: float  # negative for a deduction; positive for a credit or the floor; 0 when not counted
    explanation: str


class SafeguardItem(BaseModel):
    """A safeguard rule that fired, and the families whose score it can raise."""

    model_config = ConfigDict(extra="forbid")

    rule_id: str
    title: str
    findings: int
    finding_ids: list[str] = Field(default_factory=list)
    protects: list[Family]


class FamilyScore(BaseModel):
    """One family's score, with the items that explain it (100 + sum of item points = score)."""

    model_config = ConfigDict(extra="forbid")

    family: Family
    score: float  # 0-100, 100 = policy space fully retained
    rating: str
    deducted: float  # points lost to findings, before credits, at most 100
    credited: float  # points given back by safeguards, after the cap
    items: list[ScoreItem] = Field(default_factory=list)


class Scorecard(BaseModel):
    """Scores per restrictive family and overall (the product of the shares retained), with parameters."""

    model_config = ConfigDict(extra="forbid")

    overall: float
    rating: str
    families: list[FamilyScore]
    safeguards: list[SafeguardItem] = Field(default_factory=list)  # each safeguard rule found
    not_counted: list[ScoreItem] = Field(default_factory=list)  # suppressed and informational findings
    parameters: dict[str, Any] = Field(default_factory=dict)

    def family(self, family: Family | str) -> FamilyScore:
        for entry in self.families:
            if entry.family == family:
                return entry
        raise KeyError(f"no score for family {family!r}")


def overall_score(family_scores: list[float]) -> float:
    """The geometric mean of the family scores, to one decimal (halves round up).

    A geometric mean, as in the UN Human Development Index: one family given away entirely
    (score 0) brings the overall score to 0, which an arithmetic mean would hide, yet four
    families each at 80 still read as 80 rather than compounding to 41 as a product would.
    """
    share = Fraction(1)
    for score in family_scores:
        share *= Fraction(score) / 100
    if share == 0:
        return 0.0
    mean = float(share) ** (1 / len(family_scores))
    return float((Decimal(repr(100 * mean))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _rule_meta(ruleset: Any, rule_id: str) -> Any:
    if ruleset is None:
        return None
    try:
        return ruleset.get(rule_id)
    except (KeyError, LookupError, AttributeError):
        return None


def protected_families(rule_id: str, title: str, rule: Any = None, finding: Finding | None = None) -> list[Family]:
    """The restrictive families a safeguard protects: declared on the rule or finding, else by keywords."""
    declared = getattr(rule, "mitigates", None) or (finding.extracted.get("mitigates") if finding else None)
    if declared:
        wanted = {str(f) for f in declared}
        return [f for f in RESTRICTIVE_FAMILIES if f.value in wanted]
    text = title.lower()
    matched = [family for family, words in SAFEGUARD_KEYWORDS.items() if any(w in text for w in words)]
    return [f for f in RESTRICTIVE_FAMILIES if f in matched] or list(RESTRICTIVE_FAMILIES)


def _deduction(family: Family, rule_id: str, group: list[tuple[str, Finding]]) -> ScoreItem:
    ordered = sorted(group, key=lambda pair: -pair[1].severity.rank)
    first = ordered[0][1]
    head = SEVERITY_POINTS[first.severity]
    repeats = [SEVERITY_POINTS[f.severity] * REPEAT_SHARE for _, f in ordered[1:]]
    raw = head + sum(repeats)
    points = min(raw, head * RULE_CAP_MULTIPLE)
    parts = [f"{first.severity.value} finding: {head:g}"]
    if repeats:
        parts.append(f"{len(repeats)} more x {REPEAT_SHARE:g} of their points: {sum(repeats):g}")
    explanation = " + ".join(parts)
    if points < raw:
        explanation += f", capped at {RULE_CAP_MULTIPLE:g} x {head:g} = {points:g}"
    return ScoreItem(
        kind="deduction", family=family, rule_id=rule_id, title=first.title, severity=first.severity,
        findings=len(group), finding_ids=[fid for fid, _ in group], points=-points,
        explanation=explanation,
    )


def _score_family(
    family: Family, rules: dict[str, list[tuple[str, Finding]]], offers: list[ScoreItem]
) -> FamilyScore:
    """100 - deductions + credits, where credits give back at most CREDIT_CAP_SHARE of the loss."""
    deductions = [_deduction(family, rule_id, group) for rule_id, group in sorted(rules.items())]
    deductions.sort(key=lambda item: (item.points, item.rule_id))  # biggest loss first
    raw_loss = -sum(item.points for item in deductions)
    deducted = min(100.0, raw_loss)
    items: list[ScoreItem] = list(deductions)
    if raw_loss > deducted:
        items.append(ScoreItem(
            kind="floor", family=family, rule_id="-", title="floor at 0", severity=Severity.INFO,
            findings=0, points=raw_loss - deducted,
            explanation=f"the family cannot lose more than 100 points ({raw_loss:g} found)",
        ))
    room = deducted * CREDIT_CAP_SHARE
    credited = 0.0
    for offer in offers if deducted else []:  # nothing lost, nothing to give back: no credit lines
        given = min(offer.points, room - credited)
        item = offer.model_copy(update={"points": given})
        if given < offer.points:
            item.explanation = (
                f"safeguard found: +{given:g} of {offer.points:g} (credits are capped at "
                f"{CREDIT_CAP_SHARE:g} x {deducted:g} points lost = {room:g})"
            )
        credited += given
        items.append(item)
    score = 100.0 - deducted + credited
    return FamilyScore(
        family=family, score=score, rating=rating_for(score), deducted=deducted,
        credited=credited, items=items,
    )


def score_findings(findings: Iterable[Finding], ruleset: Any = None) -> Scorecard:
    """Score `findings` (in report order: finding ids follow their positions).

    Suppressed findings and informational (severity info) findings are listed, never counted.
    `ruleset` (optional) supplies safeguard scope (`Rule.mitigates`) when the rules declare it.
    """
    by_family_rule: dict[Family, dict[str, list[tuple[str, Finding]]]] = defaultdict(lambda: defaultdict(list))
    safeguard_rules: dict[str, list[tuple[str, Finding]]] = defaultdict(list)
    not_counted: list[ScoreItem] = []
    for position, finding in enumerate(findings):
        fid = finding_id(position)
        if finding.suppressed or (finding.severity == Severity.INFO and finding.family != Family.SAFEGUARD):
            reason = (
                f"suppressed: {finding.suppression_reason or 'no reason given'}"
                if finding.suppressed else "informational (severity info) findings do not change the score"
            )
            not_counted.append(ScoreItem(
                kind="not-counted", family=finding.family, rule_id=finding.rule_id, title=finding.title,
                severity=finding.severity, findings=1, finding_ids=[fid], points=0.0, explanation=reason,
            ))
        elif finding.family == Family.SAFEGUARD:
            safeguard_rules[finding.rule_id].append((fid, finding))
        else:
            by_family_rule[finding.family][finding.rule_id].append((fid, finding))

    offers: dict[Family, list[ScoreItem]] = defaultdict(list)
    safeguard_items: list[SafeguardItem] = []
    for rule_id, group in sorted(safeguard_rules.items()):
        first = group[0][1]
        families = protected_families(rule_id, first.title, _rule_meta(ruleset, rule_id), first)
        ids = [fid for fid, _ in group]
        safeguard_items.append(SafeguardItem(
            rule_id=rule_id, title=first.title, findings=len(group), finding_ids=ids, protects=families,
        ))
        for family in families:
            offers[family].append(ScoreItem(
                kind="credit", family=family, rule_id=rule_id, title=first.title, severity=first.severity,
                findings=len(group), finding_ids=ids, points=SAFEGUARD_CREDIT,
                explanation=f"safeguard found: +{SAFEGUARD_CREDIT:g}",
            ))

    family_scores = [_score_family(family, by_family_rule[family], offers[family]) for family in RESTRICTIVE_FAMILIES]
    overall = overall_score([entry.score for entry in family_scores])
    return Scorecard(
        overall=overall,
        rating=rating_for(overall),
        families=family_scores,
        safeguards=safeguard_items,
        not_counted=not_counted,
        parameters={
            "severity_points": {s.value: p for s, p in SEVERITY_POINTS.items()},
            "repeat_share": REPEAT_SHARE,
            "rule_cap_multiple": RULE_CAP_MULTIPLE,
            "safeguard_credit": SAFEGUARD_CREDIT,
            "credit_cap_share": CREDIT_CAP_SHARE,
            "overall": "100 x the product of (family score / 100) over the four families",
        },
    )
