"""Tidy tables from scan records: treaties (one row per document), findings (one row per
finding) and errors (one row per document that could not be scanned).

Column names and meanings are defined once here, in `treaty_columns` / `FINDING_COLUMNS` /
`ERROR_COLUMNS`, and documented in docs/scan.md. Rows are sorted deterministically (by file,
then position), so the same inputs always give byte-identical tables, however the scan was run.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from ..findings import Severity
from ..model import Family
from .records import ScanRecord

RESTRICTIVE = [f for f in Family if f != Family.SAFEGUARD]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # "string", "int", "float", "bool", "date", "list" (list of strings)
    description: str


def family_key(family: Family | str) -> str:
    return str(family).replace("-", "_")


#: Treaty-table columns that come from the document itself (before findings).
SOURCE_COLUMNS = [
    Column("file", "string", "the document's path as scanned"),
    Column("status", "string", "ok, or error (the errors table says why)"),
    Column("sha256", "string", "SHA-256 of the file's bytes (the cache key)"),
    Column("size_bytes", "int", "file size in bytes"),
    Column("format", "string", "input format: treaty, text, tota-xml, docx, pdf"),
    Column("title", "string", "the agreement's title from the source"),
    Column("parties", "list", "parties as ISO 3166-1 alpha-3 codes or bloc names (EU, EFTA, ...)"),
    Column("party_count", "int", "number of parties listed"),
    Column("type", "string", "agreement type: BIT, FTA, EPA, CU, PSA, EIA, contract, model, other"),
    Column("source_type", "string", "the source's own type label, verbatim (ToTA <type>)"),
    Column("date_signed", "date", "date of signature (YYYY-MM-DD)"),
    Column("year_signed", "int", "year of signature"),
    Column("date_into_force", "date", "date of entry into force, when the source gives it"),
    Column("language", "string", "ISO 639 language code of the text"),
    Column("source_id", "string", "the source's identifier (ToTA: WTO RTA id)"),
    Column("source_meta", "string", "every other metadata field of the source, as a JSON object"),
    Column("articles", "int", "number of articles"),
    Column("units", "int", "number of structural units (chapters, articles, paragraphs, ...)"),
    Column("characters", "int", "characters of treaty text"),
]
INCOME_COLUMNS = [
    Column("party_income_groups", "list",
           "CODE:group for each party (World Bank; a bloc lists its members as BLOC/CODE:group)"),
    Column("lmic_parties", "list", "parties (or bloc members) that are low- or middle-income"),
    Column("has_lmic_party", "bool", "at least one low- or middle-income party"),
    Column("lowest_income_group", "string", "the poorest party's group: low, lower-middle, upper-middle, high"),
]
SUMMARY_COLUMNS = [
    Column("findings", "int", "findings that count (not suppressed, not informational)"),
    Column("suppressed_findings", "int", "findings silenced by a reviewer's @suppress"),
    Column("max_severity", "string", "the most severe counted finding: info ... critical"),
    Column("overall_score", "float", "policy space retained overall, 0-100 (100 = fully retained)"),
    Column("rating", "string", "the overall score in words"),
]
FINDING_COLUMNS = [
    Column("file", "string", "the document's path as scanned"),
    Column("rule_id", "string", "stable rule id, e.g. ISDS001 (`policyspace explain ID`)"),
    Column("family", "string", "isds, stabilization, local-content, export-restriction, safeguard"),
    Column("severity", "string", "info, low, medium, high, critical"),
    Column("scope", "string", "clause (one unit of text) or treaty (a whole-document rule)"),
    Column("title", "string", "the rule's title"),
    Column("message", "string", "what the finding means for policy space"),
    Column("unit_path", "string", "where: chapter > article > paragraph"),
    Column("start_line", "int", "1-based line where the matched clause starts"),
    Column("start_column", "int", "1-based column"),
    Column("end_line", "int", "line where it ends"),
    Column("end_column", "int", "column where it ends"),
    Column("start_offset", "int", "0-based character offset of the start in the file"),
    Column("end_offset", "int", "character offset of the end (exclusive)"),
    Column("excerpt", "string", "the clause text, whitespace collapsed"),
    Column("extracted", "string", "values the rule extracted, as a JSON object (forums, years, ...)"),
    Column("carve_outs", "string", "carve-outs that downgraded the finding, as a JSON list"),
    Column("counted", "bool", "true unless suppressed or informational (what the treaty table counts)"),
    Column("expected", "bool", "a reviewer's @tags expected this family here"),
    Column("suppressed", "bool", "silenced by a reviewer's @suppress"),
    Column("suppression_reason", "string", "the reviewer's reason for the suppression"),
]
ERROR_COLUMNS = [
    Column("file", "string", "the document's path as scanned"),
    Column("kind", "string", "input, parse, timeout, crash or internal"),
    Column("message", "string", "what went wrong, with the position where known"),
    Column("sha256", "string", "SHA-256 of the file's bytes, when it could be read"),
    Column("size_bytes", "int", "file size in bytes, when it could be read"),
]


def family_columns() -> list[Column]:
    columns = []
    for family in Family:
        key = family_key(family)
        columns.append(Column(f"{key}_present", "bool", f"at least one counted {family} finding"))
        columns.append(Column(f"{key}_findings", "int", f"number of counted {family} findings"))
        if family != Family.SAFEGUARD:
            columns.append(Column(f"{key}_score", "float", f"{family} policy space retained, 0-100"))
    return columns


def treaty_columns(flag_names: list[str], extracted_keys: list[str]) -> list[Column]:
    """All treaty-table columns; flag and extracted-value columns depend on the rulesets."""
    flags = [Column(f"flag_{name}", "bool", "treaty-level flag (see docs/scan.md for the UNCTAD mapping)")
             for name in flag_names]
    extracted = [Column(f"extracted_{key}", "list", f"every '{key}' value extracted by a counted finding")
                 for key in extracted_keys]
    return SOURCE_COLUMNS + INCOME_COLUMNS + SUMMARY_COLUMNS + family_columns() + flags + extracted


def counted(finding: Any) -> bool:
    """The rules engine's own definition: not suppressed, not informational."""
    return not finding.suppressed and finding.severity != Severity.INFO


# ---------------------------------------------------------------- rows


def _income_cells(parties: list[str], signed: dt.date | None) -> dict[str, Any]:
    try:
        from ..income_groups import classify_parties
    except ImportError:  # pragma: no cover - shipped with the package; kept optional for old installs
        return {}
    groups: list[str] = []
    lmic: list[str] = []
    ranks = ["low", "lower-middle", "upper-middle", "high"]
    lowest: str | None = None
    for profile in classify_parties(parties, signed):
        economies = profile.economies() or [profile]  # a bloc whose members are not known: itself
        for economy in economies:
            group = str(economy.income_group)
            prefix = f"{profile.code}/" if economy is not profile else ""
            groups.append(f"{prefix}{economy.code}:{group}")
            if economy.income_group.is_lmic:
                lmic.append(f"{prefix}{economy.code}")
            if group in ranks and (lowest is None or ranks.index(group) < ranks.index(lowest)):
                lowest = group
    return {"party_income_groups": groups, "lmic_parties": lmic, "has_lmic_party": bool(lmic),
            "lowest_income_group": lowest}


def treaty_row(record: ScanRecord) -> dict[str, Any]:
    row: dict[str, Any] = {"file": record.file, "status": "ok" if record.ok else "error",
                           "sha256": record.sha256, "size_bytes": record.size}
    analysis = record.analysis
    if analysis is None:
        return row
    meta = analysis.meta
    extra = dict(meta.extra)
    row.update(
        format=analysis.format, title=meta.title, parties=list(meta.parties), party_count=len(meta.parties),
        type=meta.type.value if meta.type else None, source_type=extra.pop("tota_type", None),
        date_signed=meta.date_signed, year_signed=meta.date_signed.year if meta.date_signed else None,
        date_into_force=_date(extra.pop("date_into_force", None)), language=meta.language,
        source_id=extra.pop("wto_rta_id", None),
        source_meta=json.dumps(extra, sort_keys=True, ensure_ascii=False) if extra else None,
        articles=analysis.stats.articles, units=analysis.stats.units, characters=analysis.stats.characters,
    )
    row.update(_income_cells(list(meta.parties), meta.date_signed))
    findings = [f for f in analysis.findings if counted(f)]
    row["findings"] = len(findings)
    row["suppressed_findings"] = sum(1 for f in analysis.findings if f.suppressed)
    row["max_severity"] = max((f.severity for f in findings), key=lambda s: s.rank).value if findings else None
    row["overall_score"] = analysis.scores.get("overall")
    row["rating"] = analysis.rating
    for family in Family:
        key = family_key(family)
        mine = [f for f in findings if f.family == family]
        row[f"{key}_present"] = bool(mine)
        row[f"{key}_findings"] = len(mine)
        if family != Family.SAFEGUARD:
            row[f"{key}_score"] = analysis.scores.get(str(family))
    for name, value in analysis.flags.items():
        row[f"flag_{name}"] = value
    extracted: dict[str, set[str]] = {}
    for finding in findings:
        for key, values in finding.extracted.items():
            extracted.setdefault(key, set()).update(values)
    for key, values in extracted.items():
        row[f"extracted_{key}"] = sorted(values)
    return row


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def finding_rows(record: ScanRecord) -> list[dict[str, Any]]:
    if record.analysis is None:
        return []
    rows = []
    for f in record.analysis.findings:
        rows.append({
            "file": record.file, "rule_id": f.rule_id, "family": f.family.value, "severity": f.severity.value,
            "scope": f.scope.value, "title": f.title, "message": f.message, "unit_path": " > ".join(f.unit_path),
            "start_line": f.start_line, "start_column": f.start_column, "end_line": f.end_line,
            "end_column": f.end_column, "start_offset": f.start_offset, "end_offset": f.end_offset,
            "excerpt": f.excerpt,
            "extracted": json.dumps(f.extracted, sort_keys=True, ensure_ascii=False) if f.extracted else None,
            "carve_outs": json.dumps([c.model_dump(mode="json") for c in f.carve_outs], ensure_ascii=False)
            if f.carve_outs else None,
            "counted": counted(f), "expected": f.expected, "suppressed": f.suppressed,
            "suppression_reason": f.suppression_reason,
        })
    return rows


def _finding_order(row: dict[str, Any]) -> tuple[Any, ...]:
    def num(value: int | None) -> int:
        return -1 if value is None else value

    return (row["file"], num(row["start_offset"]), num(row["end_offset"]), row["rule_id"], row["scope"],
            row["message"], row["excerpt"])


def error_row(record: ScanRecord) -> dict[str, Any]:
    error = record.error
    return {"file": record.file, "kind": error.kind.value if error else "internal",
            "message": error.message if error else "no analysis and no error recorded",
            "sha256": record.sha256, "size_bytes": record.size}


@dataclass
class Table:
    name: str
    columns: list[Column]
    rows: list[dict[str, Any]]


def document_finding_rows(record: ScanRecord) -> list[dict[str, Any]]:
    """One document's finding rows in table order (the table is sorted by file first, so a
    document's rows can be written as soon as the document's turn comes)."""
    return sorted(finding_rows(record), key=_finding_order)


class TableBuilder:
    """Collect the treaty and error rows (small) while the finding rows stream past.

    Records must be added in file order. The treaty table's flag and extracted-value columns are
    known only once every record is in, so its rows wait in memory; a finding row never does.
    """

    def __init__(self) -> None:
        self.treaty_rows: list[dict[str, Any]] = []
        self.error_rows: list[dict[str, Any]] = []
        self._last_file: str | None = None

    def add(self, record: ScanRecord) -> list[dict[str, Any]]:
        """Take one record; return its finding rows, to be written now."""
        if self._last_file is not None and record.file <= self._last_file:
            raise ValueError(f"records out of order: {record.file} after {self._last_file}")
        self._last_file = record.file
        self.treaty_rows.append(treaty_row(record))
        if not record.ok:
            self.error_rows.append(error_row(record))
        return document_finding_rows(record)

    def treaties(self) -> Table:
        rows = self.treaty_rows
        flag_names = sorted({k[5:] for row in rows for k in row if k.startswith("flag_")})
        extracted_keys = sorted({k[10:] for row in rows for k in row if k.startswith("extracted_")})
        return Table("treaties", treaty_columns(flag_names, extracted_keys), rows)

    def errors(self) -> Table:
        return Table("errors", ERROR_COLUMNS, self.error_rows)
