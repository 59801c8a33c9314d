"""The rule file schema: what a ruleset author writes in rulesets/*.toml, validated by pydantic.

A rule is data, not code: a match condition built from regex patterns with any/all/not and
proximity, a window (sentence, paragraph or article) in which the condition must hold, a scope
by headings, carve-outs that drop or downgrade a match, values to extract, and examples that the
test suite runs. Treaty-level rules combine the clause findings of a whole document.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..findings import Scope, Severity
from ..model import Family
from .pattern_safety import check_backtracking
from .regex_warnings import quiet_regex_warnings

_RULE_ID = re.compile(r"[A-Z]{2,5}\d{3}")
_NAME = re.compile(r"[a-z][a-z0-9_]*")


class Window(StrEnum):
    """Where all parts of a match must sit together."""

    SENTENCE = "sentence"
    PARAGRAPH = "paragraph"  # a numbered paragraph of an article, with its subparagraphs
    ARTICLE = "article"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_regex(value: str) -> str:
    """Reject a pattern Python cannot compile, naming the problem (used after macro expansion)."""
    with quiet_regex_warnings():
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"invalid regular expression {value!r}: {exc}") from None
        check_backtracking(value)
    return value


class Condition(_Strict):
    """One node of a match condition. Exactly one of the keys below is set.

    - `pattern`: a regular expression (case-insensitive) that must occur in the window;
    - `all` / `any`: every / at least one sub-condition holds in the same window;
    - `not`: the sub-condition does not hold in the window;
    - `near` + `words`: the two patterns occur within `words` words of each other;
    - `heading`: a regular expression that must occur in the article's headings (its chapter,
      section and article titles), wherever the window is.
    """

    pattern: str | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")
    near: list[str] | None = None
    words: int | None = None
    heading: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Condition:
        keys = [k for k in ("pattern", "all", "any", "not_", "near", "heading") if getattr(self, k) is not None]
        if len(keys) != 1:
            shown = ", ".join(k.rstrip("_") for k in keys) or "none"
            raise ValueError(f"a condition needs exactly one of pattern, all, any, not, near, heading (got {shown})")
        if self.near is not None:
            if len(self.near) != 2:
                raise ValueError("near takes exactly two patterns")
            if self.words is None or self.words < 1:
                raise ValueError("near needs words = N (a positive number of words)")
        elif self.words is not None:
            raise ValueError("words only goes with near")
        if self.all is not None and not self.all or self.any is not None and not self.any:
            raise ValueError("all/any need at least one condition")
        return self


class CarveOutSpec(_Strict):
    """A carve-out: when `when` holds in `where`, the match is dropped or its severity lowered."""

    description: str
    when: Condition
    where: Window = Window.SENTENCE  # the matched window's sentence, paragraph or whole article
    effect: Literal["drop", "downgrade"] = "drop"


class Example(_Strict):
    """A small article the rule must (`match = true`) or must not (`match = false`) fire on."""

    text: str
    match: bool
    heading: str | None = None  # the article heading used when `text` carries none
    severity: Severity | None = None  # expected severity after carve-outs, when it matters
    note: str = ""


class TreatyCondition(_Strict):
    """Treaty-level logic over the document's clause findings (rule ids or flag names)."""

    present: list[str] = Field(default_factory=list)  # each must have at least one finding
    absent: list[str] = Field(default_factory=list)  # none may have a finding
    at_least: dict[str, float] = Field(default_factory=dict)  # an extracted value reaches this

    @model_validator(mode="after")
    def _something(self) -> TreatyCondition:
        if not (self.present or self.at_least):
            raise ValueError("a treaty rule needs `present` or `at_least`")
        return self


class Rule(_Strict):
    """A rule as written in a ruleset file."""

    id: str
    title: str
    family: Family
    severity: Severity
    message: str
    rationale: str
    remediation: str
    references: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)  # treaty-level flags this rule's findings set
    scope: Scope = Scope.CLAUSE
    # clause rules
    keywords: list[str] = Field(default_factory=list)  # prefilter: the article holds one of these
    window: Window = Window.SENTENCE
    match: Condition | None = None
    headings: str | None = None  # the enclosing headings must match this regex
    not_headings: str | None = None  # ... and must not match this one
    skip_definitions: bool = True
    skip_cross_references: bool = True
    skip_preamble: bool = True  # a preamble's recitals are not binding (see engine.is_preamble)
    unless: list[CarveOutSpec] = Field(default_factory=list)
    extract: dict[str, str] = Field(default_factory=dict)  # name -> regex with one group
    normalize: dict[str, str] = Field(default_factory=dict)  # extracted value (lower-case) -> canonical
    # treaty rules
    treaty: TreatyCondition | None = None
    examples: list[Example] = Field(default_factory=list)
    source: str = ""  # the file the rule came from (filled by the loader)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _RULE_ID.fullmatch(value):
            raise ValueError(f"rule id {value!r} must be 2-5 capital letters and 3 digits, e.g. ISDS001")
        return value

    @field_validator("flags")
    @classmethod
    def _flag_names(cls, value: list[str]) -> list[str]:
        for flag in value:
            if not _NAME.fullmatch(flag):
                raise ValueError(f"flag {flag!r} must be lower_snake_case")
        return value

    @field_validator("keywords")
    @classmethod
    def _keywords_lower(cls, value: list[str]) -> list[str]:
        for word in value:
            if not word.strip() or word != word.lower() or any(c.isspace() for c in word):
                raise ValueError(
                    f"keyword {word!r} must be one lower-case word or stem (treaty text breaks lines "
                    "anywhere, so the prefilter matches single words; matching ignores case)"
                )
        return value

    @field_validator("headings", "not_headings")
    @classmethod
    def _heading_regex(cls, value: str | None) -> str | None:
        return None if value is None else check_regex(value)

    @field_validator("extract")
    @classmethod
    def _extract_regexes(cls, value: dict[str, str]) -> dict[str, str]:
        for name, pattern in value.items():
            if not _NAME.fullmatch(name):
                raise ValueError(f"extracted value name {name!r} must be lower_snake_case")
            check_regex(pattern)
            with quiet_regex_warnings():
                groups = re.compile(pattern).groups
            if groups < 1:
                raise ValueError(f"extract pattern for {name!r} needs a capturing group: the value")
        return value

    @model_validator(mode="after")
    def _shape(self) -> Rule:
        if self.scope == Scope.CLAUSE:
            if self.match is None:
                raise ValueError("a clause rule needs a `match` condition")
            if not self.keywords:
                raise ValueError("a clause rule needs `keywords` (the prefilter)")
            if self.treaty is not None:
                raise ValueError("`treaty` belongs to rules with scope = \"treaty\"")
        else:
            if self.treaty is None:
                raise ValueError("a treaty rule needs a `treaty` table (present/absent/at_least)")
            if self.match is not None or self.unless or self.keywords:
                raise ValueError("a treaty rule combines other rules' findings: no match/unless/keywords")
        return self

    def example_kinds(self) -> set[bool]:
        return {e.match for e in self.examples}


class FamilyInfo(_Strict):
    """The header of a ruleset file: the family it covers and a naive keyword baseline."""

    id: Family
    title: str
    description: str
    baseline: list[str] = Field(default_factory=list)  # the keyword-grep baseline for `eval`


class RuleFile(_Strict):
    """One file in rulesets/: a family header, reusable regex macros and the rules."""

    family: FamilyInfo | None = None
    macros: dict[str, str] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
