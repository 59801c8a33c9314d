"""The annotated treaty format's vocabulary, shared by its two readers (the Lark grammar's
transformer in treaty_parser and the line scanner): heading keywords, heading numbers and titles,
header fields, annotations and escapes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

from pydantic import ValidationError

from .errors import ParseError
from .model import Annotation, AnnotationKind, Family, Span, TreatyMeta, TreatyType, UnitKind

KEYWORD_KINDS: dict[str, UnitKind] = {}
for _kind, _words in {
    UnitKind.PART: "part partie parte title titre título titulo",
    UnitKind.CHAPTER: "chapter chapitre capítulo capitulo",
    UnitKind.SECTION: "section sección seccion",
    UnitKind.ARTICLE: "article artículo articulo art.",
    UnitKind.ANNEX: "annex annexe anexo appendix",
}.items():
    for _word in _words.split():
        KEYWORD_KINDS[_word] = _kind

TYPE_ALIASES = {t.value.lower(): t for t in TreatyType} | {
    "bilateral investment treaty": TreatyType.BIT,
    "free trade agreement": TreatyType.FTA,
    "economic partnership agreement": TreatyType.EPA,
    "customs union": TreatyType.CU,
    "partial scope agreement": TreatyType.PSA,
    "economic integration agreement": TreatyType.EIA,
    "hga": TreatyType.CONTRACT,
    "host government agreement": TreatyType.CONTRACT,
}

_TITLE_SEPARATORS = " \t:.-–—"
_ESCAPED_LINE = re.compile(r"^([ \t]*)\\", re.MULTILINE)


class HeaderField(NamedTuple):
    name: str
    value: str | None
    line: int  # where the value is (the name, without one): errors point there
    column: int


def header_meta(fields: list[HeaderField], path: str | None) -> TreatyMeta:
    """The metadata a header's fields give; a refused value raises ParseError at its field."""
    values: dict[str, Any] = {"extra": {}}
    for field in fields:
        name = field.name.lower()
        value = field.value.strip() if field.value is not None else ""
        try:
            if name == "title":
                values["title"] = value
            elif name == "parties":
                values["parties"] = [p.strip().upper() for p in re.split(r"[,;\s]+", value) if p.strip()]
                TreatyMeta(parties=values["parties"])
            elif name == "type":
                if value.lower() not in TYPE_ALIASES:
                    raise ValueError(
                        f"unknown treaty type {value!r}; use one of " + ", ".join(t.value for t in TreatyType)
                    )
                values["type"] = TYPE_ALIASES[value.lower()]
            elif name in ("date", "signed", "date_signed"):
                values["date_signed"] = dt.date.fromisoformat(value)
            elif name == "language":
                values["language"] = value.lower()
                TreatyMeta(language=values["language"])
            else:
                values["extra"][field.name] = value
        except (ValueError, ValidationError) as exc:
            message = str(exc)
            if isinstance(exc, ValidationError):
                message = exc.errors()[0]["msg"].removeprefix("Value error, ")
            elif name in ("date", "signed", "date_signed"):
                message = f"the date {value!r} is not in the form YYYY-MM-DD"
            raise ParseError(f"header field '{name}': {message}", path, field.line, field.column) from None
    return TreatyMeta(**values)


def heading_number(value: str) -> str | None:
    """The number of a HEADING_NUMBER token: ' 10.9' -> '10.9', ' [140 (A)]' -> '140 (A)'."""
    number = value.strip()
    if number.startswith("["):
        return number[1:-1].strip() or None
    return number.replace("°", "").replace("º", "")  # "1°", "2º": the ordinal sign is not part of the number


def heading_title(value: str) -> str | None:
    """The title of a HEADING_TITLE token, without its leading separator."""
    return value.lstrip(_TITLE_SEPARATORS).rstrip() or None


def tags_annotation(families: list[str], span: Span) -> Annotation:
    return Annotation(kind=AnnotationKind.TAGS, families=[Family(f) for f in families], span=span)


def note_annotation(note: str, span: Span) -> Annotation:
    return Annotation(kind=AnnotationKind.NOTE, text=note.strip(), span=span)


def suppress_annotation(rule_ids: list[str], reason: str, span: Span) -> Annotation:
    return Annotation(kind=AnnotationKind.SUPPRESS, rule_ids=rule_ids, text=reason.strip(), span=span)


def unescape(text: str) -> str:
    """Drop the one backslash that keeps a markup-looking line as treaty text."""
    return _ESCAPED_LINE.sub(r"\1", text) if "\\" in text else text
