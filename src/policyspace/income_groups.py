"""World Bank income groups of treaty parties, with regional blocs expanded to their members.

The data live in `data/income_groups.toml` (source and fiscal year stated there). A code the
file does not classify is reported as `unknown` with the reason; nothing is ever guessed.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

DATA_FILE = Path(__file__).resolve().parent / "data" / "income_groups.toml"


class IncomeGroup(StrEnum):
    LOW = "low"
    LOWER_MIDDLE = "lower-middle"
    UPPER_MIDDLE = "upper-middle"
    HIGH = "high"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return _GROUP_LABELS[self]

    @property
    def is_lmic(self) -> bool:
        """Low- and middle-income: the World Bank's LMIC aggregate (low, lower- and upper-middle)."""
        return self in (IncomeGroup.LOW, IncomeGroup.LOWER_MIDDLE, IncomeGroup.UPPER_MIDDLE)


_GROUP_LABELS = {
    IncomeGroup.LOW: "low income",
    IncomeGroup.LOWER_MIDDLE: "lower-middle income",
    IncomeGroup.UPPER_MIDDLE: "upper-middle income",
    IncomeGroup.HIGH: "high income",
    IncomeGroup.UNKNOWN: "income group unknown",
}


class ClassificationSource(BaseModel):
    publisher: str
    title: str
    fiscal_year: str
    valid_from: dt.date
    valid_to: dt.date
    basis: str
    thresholds: str

    @property
    def citation(self) -> str:
        return f"{self.title}, {self.fiscal_year}" if self.publisher in self.title else f"{self.publisher}, {self.title}, {self.fiscal_year}"


class PartyProfile(BaseModel):
    """One party to a treaty as policyspace understands it: its code, name and income group.

    A bloc (EU, ASEAN, ...) carries its members at the treaty's date; its own income group is
    `unknown`, since the World Bank classifies economies, not blocs.
    """

    model_config = ConfigDict(extra="forbid")

    code: str
    name: str
    income_group: IncomeGroup = IncomeGroup.UNKNOWN
    is_bloc: bool = False
    members: list[PartyProfile] = Field(default_factory=list)
    note: str | None = None  # why the group is unknown, or how a bloc was expanded

    @property
    def is_lmic(self) -> bool:
        return self.income_group.is_lmic

    @property
    def display(self) -> str:
        """'Zambia (ZMB, lower-middle income)'."""
        return f"{self.name} ({self.code}, {self.income_group.label})"

    def economies(self) -> list[PartyProfile]:
        """The economies this party stands for: itself, or a bloc's members."""
        return list(self.members) if self.is_bloc else [self]


class _Membership(BaseModel):
    code: str
    joined: dt.date | None = None
    left: dt.date | None = None

    def member_on(self, day: dt.date | None) -> bool:
        if day is None:  # undated treaty: take today's membership
            return self.left is None
        return (self.joined is None or self.joined <= day) and (self.left is None or day < self.left)


class _Bloc(BaseModel):
    name: str
    members: list[_Membership] | None = None
    same_members_as: str | None = None


class IncomeClassification(BaseModel):
    """The parsed data file: economies by code, aliases, deliberate gaps and blocs."""

    source: ClassificationSource
    economies: dict[str, dict[str, str]]
    aliases: dict[str, str] = Field(default_factory=dict)
    not_classified: dict[str, str] = Field(default_factory=dict)
    blocs: dict[str, _Bloc] = Field(default_factory=dict)

    def classify(self, code: str, on: dt.date | None = None) -> PartyProfile:
        """Profile one party code (ISO3, alias or bloc) as of date `on` (the treaty's signature)."""
        code = code.strip().upper()
        if code in self.blocs and code not in self.economies:  # ISO codes win: CAN is Canada
            return self._classify_bloc(code, on)
        canonical = self.aliases.get(code, code)
        entry = self.economies.get(canonical)
        if entry is not None:
            note = f"listed by the World Bank as {canonical}" if canonical != code else None
            return PartyProfile(
                code=code, name=entry["name"], income_group=IncomeGroup(entry["income"]), note=note
            )
        reason = self.not_classified.get(code) or (
            f"{code} is not in the {self.source.fiscal_year} World Bank classification shipped with "
            "policyspace (a territory the World Bank does not list, or a code it does not use)"
        )
        return PartyProfile(code=code, name=code, note=reason)

    def _classify_bloc(self, code: str, on: dt.date | None) -> PartyProfile:
        bloc = self.blocs[code]
        source = self.blocs[bloc.same_members_as] if bloc.same_members_as else bloc
        if source.members is None:
            return PartyProfile(
                code=code, name=bloc.name, is_bloc=True,
                note=f"{code} is a bloc whose members policyspace does not expand; "
                "name its members as parties to classify them",
            )
        members = [self.classify(m.code) for m in source.members if m.member_on(on)]
        when = f"on {on.isoformat()}" if on else "today (the treaty has no date)"
        return PartyProfile(
            code=code, name=bloc.name, is_bloc=True, members=members,
            note=f"expanded to its {len(members)} members {when}",
        )


@functools.cache
def load_income_classification(path: Path = DATA_FILE) -> IncomeClassification:
    with open(path, "rb") as handle:
        return IncomeClassification.model_validate(tomllib.load(handle))


def classify_party(code: str, on: dt.date | None = None) -> PartyProfile:
    """The income profile of one party code as of `on`: `classify_party("ZMB").income_group`."""
    return load_income_classification().classify(code, on)


def classify_parties(codes: list[str], on: dt.date | None = None) -> list[PartyProfile]:
    return [classify_party(code, on) for code in codes]
