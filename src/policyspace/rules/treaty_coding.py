"""Compare the treaty-level flags with an expert's coding of whole treaties.

A coding file is a CSV with one row per ToTA treaty, in the manner of UNCTAD's IIA Mapping
Project: `file` and one yes/no column per coded element. The elements and the flags they are
compared with:

    isds      -> isds_present
    pr        -> performance_requirements_prohibited
    umbrella  -> umbrella_clause_present

and any column named after a flag of the rulesets (`ncm_ratchet_present`, ...) is compared with
that flag. Other columns (`evidence`, `notes`, `pr_level`) are kept as the coder's notes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .loader import Ruleset

#: UNCTAD-style element names coders use -> the flag they correspond to.
ELEMENT_FLAGS = {
    "isds": "isds_present",
    "pr": "performance_requirements_prohibited",
    "umbrella": "umbrella_clause_present",
}
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def is_coding_file(path: Path) -> bool:
    """A CSV with a `file` column and no `article_id` column holds treaty codings."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError):
        return False
    names = {h.strip() for h in header}
    return "file" in names and "article_id" not in names


@dataclass
class CodedTreaty:
    file: str
    values: dict[str, bool]  # flag name -> the coder's answer
    notes: str = ""


@dataclass
class Disagreement:
    file: str
    flag: str
    ours: bool
    coder: bool
    rules: list[str]  # the rules behind our flag (empty when we say no)
    notes: str = ""


@dataclass
class FlagAgreement:
    treaties: int = 0
    agree: int = 0
    ours_yes: int = 0
    coder_yes: int = 0

    @property
    def rate(self) -> float:
        return self.agree / self.treaties if self.treaties else 1.0

    def as_dict(self) -> dict[str, float | int]:
        return {"treaties": self.treaties, "agree": self.agree, "agreement": round(self.rate, 4),
                "ours_yes": self.ours_yes, "coder_yes": self.coder_yes}


@dataclass
class CodingComparison:
    treaties: int = 0
    all_agree: int = 0
    flags: dict[str, FlagAgreement] = field(default_factory=dict)
    disagreements: list[Disagreement] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "treaties": self.treaties,
            "all_flags_agree": self.all_agree,
            "flags": {name: f.as_dict() for name, f in self.flags.items()},
            "disagreements": [d.__dict__ for d in self.disagreements],
        }


def _answer(value: str, line: int, column: str, path: Path) -> bool:
    lowered = value.strip().lower()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    raise InputError(f"line {line}: column {column} must be yes or no, not {value.strip()!r}", str(path))


def load_coding(path: Path, ruleset: Ruleset) -> list[CodedTreaty]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the coding file: {exc}", str(path)) from None
    flags = set(ruleset.flag_names())
    header = list(rows[0]) if rows else []
    columns = {c: ELEMENT_FLAGS.get(c, c) for c in header if c in ELEMENT_FLAGS or c in flags}
    if rows and not columns:
        known = ", ".join([*ELEMENT_FLAGS, "or a flag name such as isds_present"])
        raise InputError(f"a coding file needs at least one coded column ({known})", str(path))
    out = []
    for line, row in enumerate(rows, start=2):
        name = (row.get("file") or "").strip()
        if not name:
            raise InputError(f"line {line}: the file column is empty", str(path))
        values = {flag: _answer(row[column] or "", line, column, path) for column, flag in columns.items()}
        out.append(CodedTreaty(name, values, (row.get("notes") or "").strip()))
    return out


def compare_coding(coded: list[CodedTreaty], tota_dir: Path, ruleset: Ruleset) -> CodingComparison:
    """Run the rules over each coded treaty and compare its flags with the coder's answers."""
    from ..importers import load_document
    from .engine import check_treaty, flag_evidence

    result = CodingComparison()
    for item in coded:
        xml_path = tota_dir / item.file
        if not xml_path.is_file():
            raise InputError(f"{item.file} is not in the ToTA folder {tota_dir}")
        behind = flag_evidence(check_treaty(load_document(xml_path), ruleset), ruleset)
        result.treaties += 1
        agree_all = True
        for flag, coder in item.values.items():
            ours = flag in behind
            tally = result.flags.setdefault(flag, FlagAgreement())
            tally.treaties += 1
            tally.ours_yes += ours
            tally.coder_yes += coder
            if ours == coder:
                tally.agree += 1
            else:
                agree_all = False
                result.disagreements.append(
                    Disagreement(item.file, flag, ours, coder, sorted(behind.get(flag, [])), item.notes)
                )
        result.all_agree += agree_all
    return result
