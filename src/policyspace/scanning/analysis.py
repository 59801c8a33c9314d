"""The per-document work of a scan: treaty -> findings, flags and scores (one DocumentAnalysis).

This module only calls the pipeline's stages (`rules`, `scoring`); it adds no domain logic.
"""

from __future__ import annotations

from typing import Any

from ..model import Treaty, UnitKind
from .records import DocumentAnalysis, DocumentStats


class Analyser:
    """A loaded ruleset and the stages that turn a treaty into a DocumentAnalysis.

    Built once per process (before worker processes fork, so they share the compiled rules).
    `version` identifies the rules: it is part of every result-cache key.
    """

    def __init__(self, ruleset: Any) -> None:
        self.ruleset = ruleset
        self.version: str = str(ruleset.version)

    def analyse(self, treaty: Treaty) -> DocumentAnalysis:
        from ..rules import check_treaty, treaty_flags
        from ..scoring import score_findings

        findings = check_treaty(treaty, self.ruleset)
        for finding in findings:
            finding.file = None  # path-independent: filled in when the tables are written
        scorecard = score_findings(findings, self.ruleset)
        scores = {str(entry.family): entry.score for entry in scorecard.families}
        scores["overall"] = scorecard.overall
        return DocumentAnalysis(
            format=treaty.source.format if treaty.source else None,
            meta=treaty.meta,
            stats=document_stats(treaty),
            findings=findings,
            flags=treaty_flags(findings, self.ruleset),
            scores=scores,
            rating=scorecard.rating,
        )


def document_stats(treaty: Treaty) -> DocumentStats:
    units = articles = characters = 0
    for unit in treaty.walk():
        units += 1
        characters += len(unit.text)
        if unit.kind == UnitKind.ARTICLE:
            articles += 1
    return DocumentStats(units=units, articles=articles, characters=characters)


def load_analyser() -> Analyser:
    """Load the installed rulesets (a broken rule file raises RuleFileError: exit status 2)."""
    from ..rules import load_ruleset

    return Analyser(load_ruleset())
