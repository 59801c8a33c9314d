"""What the rules engine reports: findings, with their location, evidence and carve-outs."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from .model import Family


class Severity(StrEnum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def downgraded(self, steps: int = 1) -> Severity:
        order = list(Severity)
        return order[max(0, self.rank - steps)]


_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}


class Scope(StrEnum):
    CLAUSE = "clause"  # found in one unit of text
    TREATY = "treaty"  # a treaty-level rule over the whole document (presence, absence, combinations)


class Highlight(BaseModel):
    """A stretch of the excerpt that the rule matched (offsets into `Finding.excerpt`)."""

    start: int
    end: int
    text: str


class CarveOut(BaseModel):
    """A carve-out that applied to a match: it dropped the finding or lowered its severity."""

    effect: str  # "dropped" or "downgraded"
    description: str
    text: str  # the words that carved the measure out
    unit_path: list[str] = Field(default_factory=list)


class Finding(BaseModel):
    rule_id: str
    family: Family
    severity: Severity
    title: str
    message: str
    scope: Scope = Scope.CLAUSE
    file: str | None = None
    unit_path: list[str] = Field(default_factory=list)  # e.g. ["Chapter 10", "Article 10.9", "1."]
    start_line: int | None = None
    start_column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    start_offset: int | None = None
    end_offset: int | None = None
    excerpt: str = ""  # the clause text, whitespace collapsed
    highlights: list[Highlight] = Field(default_factory=list)
    extracted: dict[str, list[str]] = Field(default_factory=dict)  # e.g. {"forums": ["ICSID"]}
    carve_outs: list[CarveOut] = Field(default_factory=list)
    expected: bool = False  # the unit carries a reviewer's @tags for this family
    suppressed: bool = False
    suppression_reason: str | None = None

    @property
    def location(self) -> str:
        if self.start_line is None:
            return self.file or ""
        return f"{self.file}:{self.start_line}:{self.start_column}"

    def sort_key(self) -> tuple[object, ...]:
        """Deterministic order: file, position, rule id."""
        return (self.file or "", self.start_offset if self.start_offset is not None else -1, self.rule_id)
