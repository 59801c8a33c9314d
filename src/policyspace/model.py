"""The document model: one pydantic model per concept, the single source of truth for JSON output."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Family(StrEnum):
    """The provision families policyspace reports on."""

    ISDS = "isds"
    STABILIZATION = "stabilization"
    LOCAL_CONTENT = "local-content"
    EXPORT_RESTRICTION = "export-restriction"
    SAFEGUARD = "safeguard"


class TreatyType(StrEnum):
    BIT = "BIT"
    FTA = "FTA"
    EPA = "EPA"
    CU = "CU"  # customs union
    PSA = "PSA"  # partial scope agreement
    EIA = "EIA"  # economic integration agreement (services)
    CONTRACT = "contract"  # host-government agreement, concession, mining convention
    MODEL = "model"  # a model treaty text
    OTHER = "other"


class UnitKind(StrEnum):
    PREAMBLE = "preamble"  # text before the first heading
    PART = "part"
    CHAPTER = "chapter"
    SECTION = "section"
    ARTICLE = "article"
    ANNEX = "annex"
    PARAGRAPH = "paragraph"
    SUBPARAGRAPH = "subparagraph"
    ITEM = "item"


#: Nesting rank: a unit contains every following unit of a higher rank, until one of equal or
#: lower rank starts. Annexes sit at the top, so an annex closes the chapter before it.
UNIT_RANK: dict[UnitKind, int] = {
    UnitKind.PREAMBLE: 4,  # closed by any heading; holds the paragraphs before the first one
    UnitKind.PART: 1,
    UnitKind.ANNEX: 1,
    UnitKind.CHAPTER: 2,
    UnitKind.SECTION: 3,
    UnitKind.ARTICLE: 4,
    UnitKind.PARAGRAPH: 5,
    UnitKind.SUBPARAGRAPH: 6,
    UnitKind.ITEM: 7,
}

#: Regional parties that appear in treaties instead of ISO 3166-1 alpha-3 codes. (The Andean
#: Community is left out: its acronym CAN is Canada's ISO code.)
KNOWN_BLOCS = frozenset(
    {"EU", "EC", "EFTA", "ASEAN", "MERCOSUR", "SACU", "CARICOM", "CARIFORUM", "CACM",
     "EAEU", "GCC", "SADC", "ECOWAS", "COMESA", "EAC", "CEMAC", "WAEMU", "PIF", "AFCFTA"}
)
_PARTY_CODE = re.compile(r"[A-Z]{3}")


# Slot setters of every pydantic model: BaseModel.__setattr__ validates and is slow, and
# object.__setattr__ looks each slot up by name; the parser's hot paths set them directly.
_SET_DICT = BaseModel.__dict__["__dict__"].__set__
_SET_FIELDS_SET = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__
_new = object.__new__


def _trusted(cls: type[BaseModel], values: dict[str, object], fields_set: set[str] | None = None) -> BaseModel:
    """Build a model from values the parser already guarantees, skipping validation.

    Parsing a corpus creates millions of spans and units; pydantic's `model_construct` costs
    about 9 µs each, this under 1 µs. Only the parser's hot paths use it; everything a user
    supplies goes through normal validation. `fields_set` may be one set shared by every
    object that sets all of its class's fields: pydantic only ever adds names to it (on
    assignment), and copies it for model_copy.
    """
    obj = _new(cls)
    _SET_DICT(obj, values)
    _SET_FIELDS_SET(obj, set(values) if fields_set is None else fields_set)
    _SET_EXTRA(obj, None)
    _SET_PRIVATE(obj, None)
    return obj


class Position(BaseModel):
    """A point in the source: 1-based line and column, 0-based character offset."""

    model_config = ConfigDict(frozen=True)
    line: int
    column: int
    offset: int


class Span(BaseModel):
    """An exact stretch of the source file. End is exclusive for offset, inclusive-style for column."""

    model_config = ConfigDict(frozen=True)
    start_line: int
    start_column: int
    start_offset: int
    end_line: int
    end_column: int
    end_offset: int

    @classmethod
    def trusted(
        cls, start_line: int, start_column: int, start_offset: int, end_line: int, end_column: int, end_offset: int
    ) -> Span:
        return trusted_span(start_line, start_column, start_offset, end_line, end_column, end_offset)

    @property
    def start(self) -> Position:
        return Position(line=self.start_line, column=self.start_column, offset=self.start_offset)


_SPAN_FIELDS = set(Span.model_fields)


def trusted_span(
    start_line: int, start_column: int, start_offset: int, end_line: int, end_column: int, end_offset: int
) -> Span:
    """Span.trusted as a plain function (`_trusted` inlined): a corpus makes half a million."""
    span = _new(Span)
    _SET_DICT(span, {
        "start_line": start_line, "start_column": start_column, "start_offset": start_offset,
        "end_line": end_line, "end_column": end_column, "end_offset": end_offset,
    })
    _SET_FIELDS_SET(span, _SPAN_FIELDS)
    _SET_EXTRA(span, None)
    _SET_PRIVATE(span, None)
    return span  # type: ignore[no-any-return]


class AnnotationKind(StrEnum):
    TAGS = "tags"
    NOTE = "note"
    SUPPRESS = "suppress"


class Annotation(BaseModel):
    """A reviewer's mark on a unit: expected families, a note, or a rule suppression with a reason."""

    kind: AnnotationKind
    families: list[Family] = Field(default_factory=list)
    rule_ids: list[str] = Field(default_factory=list)
    text: str = ""  # the note, or the suppression's reason
    span: Span | None = None


class Unit(BaseModel):
    """A structural unit of a treaty: part, chapter, section, article, annex or (sub)paragraph."""

    kind: UnitKind
    number: str | None = None
    title: str | None = None
    text: str = ""  # the unit's own text, children excluded; a verbatim slice of the source
    span: Span | None = None  # whole unit, heading to last child
    text_span: Span | None = None  # where `text` starts and ends in the source
    annotations: list[Annotation] = Field(default_factory=list)
    children: list[Unit] = Field(default_factory=list)

    @classmethod
    def trusted(cls, kind: UnitKind, number: str | None, title: str | None, span: Span | None) -> Unit:
        return _trusted(cls, {  # type: ignore[return-value]
            "kind": kind, "number": number, "title": title, "text": "", "span": span,
            "text_span": None, "annotations": [], "children": [],
        }, _UNIT_FIELDS)


    @property
    def label(self) -> str:
        """Human label such as 'Article 10.9' or 'paragraph 2(a)'."""
        if self.kind in (UnitKind.PARAGRAPH, UnitKind.SUBPARAGRAPH, UnitKind.ITEM):
            return self.number or self.kind.value
        name = self.kind.value.capitalize()
        return f"{name} {self.number}" if self.number else (self.title or name)

    def walk(self) -> Iterator[Unit]:
        yield self
        for child in self.children:
            yield from child.walk()

    def full_text(self) -> str:
        """The unit's text with all its descendants' text, in document order."""
        return "\n".join(u.text for u in self.walk() if u.text)

    @property
    def tags(self) -> set[Family]:
        return {f for a in self.annotations if a.kind == AnnotationKind.TAGS for f in a.families}


_UNIT_FIELDS = set(Unit.model_fields)


def trusted_unit(
    kind: UnitKind, number: str | None, title: str | None, text: str,
    span: tuple[int, int, int, int, int, int] | None, text_span: Span | None,
    annotations: list[Annotation], children: list[Unit],
) -> Unit:
    """A finished unit from values the parser guarantees (see `_trusted`), `span` given as the
    six numbers of a Span: the parser makes one per paragraph."""
    unit = _new(Unit)
    _SET_DICT(unit, {
        "kind": kind, "number": number, "title": title, "text": text,
        "span": None if span is None else trusted_span(*span),
        "text_span": text_span, "annotations": annotations, "children": children,
    })
    _SET_FIELDS_SET(unit, _UNIT_FIELDS)
    _SET_EXTRA(unit, None)
    _SET_PRIVATE(unit, None)
    return unit  # type: ignore[no-any-return]


class TreatyMeta(BaseModel):
    title: str | None = None
    parties: list[str] = Field(default_factory=list)
    type: TreatyType | None = None
    date_signed: dt.date | None = None
    language: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)  # source-specific fields, kept verbatim

    @field_validator("parties")
    @classmethod
    def _parties_are_codes(cls, parties: list[str]) -> list[str]:
        for code in parties:
            if not (_PARTY_CODE.fullmatch(code) or code in KNOWN_BLOCS):
                raise ValueError(
                    f"party {code!r} is not an ISO 3166-1 alpha-3 code (e.g. HND) or a known bloc"
                )
        return parties

    @field_validator("language")
    @classmethod
    def _language_code(cls, language: str | None) -> str | None:
        if language is not None and not re.fullmatch(r"[a-z]{2,3}", language):
            raise ValueError(f"language {language!r} is not an ISO 639 code such as en, es, fr")
        return language


class SourceInfo(BaseModel):
    path: str
    format: str  # "treaty", "text", "tota-xml", "docx", "pdf"


class Treaty(BaseModel):
    """A whole agreement: metadata, top-level units, and annotations that belong to no unit."""

    meta: TreatyMeta = Field(default_factory=TreatyMeta)
    units: list[Unit] = Field(default_factory=list)
    annotations: list[Annotation] = Field(default_factory=list)
    source: SourceInfo | None = None

    def walk(self) -> Iterator[Unit]:
        for unit in self.units:
            yield from unit.walk()

    def articles(self) -> list[Unit]:
        return [u for u in self.walk() if u.kind == UnitKind.ARTICLE]

    def content_dump(self) -> dict[str, object]:
        """The treaty as JSON data without source positions: the same text read from two
        different files (say XML and its .treaty conversion) gives equal dumps."""

        def strip(value: object) -> object:
            if isinstance(value, dict):
                return {k: strip(v) for k, v in value.items() if k not in ("span", "text_span")}
            if isinstance(value, list):
                return [strip(v) for v in value]
            return value

        return strip(self.model_dump(mode="json", exclude={"source"}))  # type: ignore[return-value]

    def walk_with_path(self) -> Iterator[tuple[tuple[Unit, ...], Unit]]:
        """Yield (ancestors, unit) pairs in document order."""

        def visit(path: tuple[Unit, ...], unit: Unit) -> Iterator[tuple[tuple[Unit, ...], Unit]]:
            yield path, unit
            for child in unit.children:
                yield from visit(path + (unit,), child)

        for unit in self.units:
            yield from visit((), unit)
