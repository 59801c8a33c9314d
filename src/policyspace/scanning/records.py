"""What a scan records per document: the path-independent analysis (cached by content hash)
and the scan record that ties it to a file (one JSON line in the journal)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from ..findings import Finding
from ..model import TreatyMeta


class DocumentStats(BaseModel):
    units: int
    articles: int
    characters: int


class DocumentAnalysis(BaseModel):
    """Everything the tables need about one document, independent of where the file lives.

    Findings carry no `file`: the same bytes under two names share one cache entry, and the
    scan fills the path in when it writes the tables.
    """

    format: str | None = None
    meta: TreatyMeta
    stats: DocumentStats
    findings: list[Finding] = Field(default_factory=list)
    flags: dict[str, bool] = Field(default_factory=dict)  # treaty_flags(): UNCTAD-comparable
    scores: dict[str, float] = Field(default_factory=dict)  # family -> 0-100, plus "overall"
    rating: str | None = None  # the overall rating in words


class ErrorKind(StrEnum):
    INPUT = "input"  # unreadable, undecodable, unsupported or malformed file
    PARSE = "parse"  # the text does not follow the treaty format
    TIMEOUT = "timeout"  # the document took longer than --timeout
    CRASH = "crash"  # the worker process died while reading it
    INTERNAL = "internal"  # a bug in policyspace, reported per file so the scan goes on


class ScanError(BaseModel):
    kind: ErrorKind
    message: str


class ScanRecord(BaseModel):
    """One journal line: a file and either its analysis or the reason it could not be scanned."""

    file: str
    sha256: str | None = None
    size: int | None = None
    analysis: DocumentAnalysis | None = None
    error: ScanError | None = None

    @property
    def ok(self) -> bool:
        return self.analysis is not None
