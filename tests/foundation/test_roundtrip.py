"""parse(emit(doc)) == doc: any document can be written out, annotated by hand, and read back."""

from __future__ import annotations

import datetime as dt
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyspace.emitter import emit
from policyspace.model import (
    Annotation,
    AnnotationKind,
    Family,
    Treaty,
    TreatyMeta,
    TreatyType,
    Unit,
    UnitKind,
)
from policyspace.treaty_parser import parse_treaty

WORDS = ["Party", "investment", "shall", "not", "export", "duty", "Article", "5", "(a)", "@", "//",
         "\\", "1.", "---", "Chapter", "X", "of", "ICSID", "é", "“quoted”", "ii", "Annex", "10-A:", "Title"]


line = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
indent = st.sampled_from(["", "", "  ", "\t"])


@st.composite
def text_block(draw) -> str:
    lines = [draw(line)]
    for _ in range(draw(st.integers(0, 3))):
        blank = "\n" if draw(st.booleans()) and draw(st.booleans()) else ""
        lines.append(blank + draw(indent) + draw(line))
    return "\n".join(lines).strip()


single_line = st.text(string.ascii_letters + string.digits + " ,;'()éñ-", min_size=1, max_size=30).map(
    lambda s: " ".join(s.split())
).filter(bool)
title = single_line.filter(lambda s: s[0].isalnum())
annotation = st.one_of(
    st.builds(lambda fs: Annotation(kind=AnnotationKind.TAGS, families=fs),
              st.lists(st.sampled_from(list(Family)), min_size=1, max_size=3)),
    st.builds(lambda t: Annotation(kind=AnnotationKind.NOTE, text=t), single_line),
    st.builds(lambda ids, t: Annotation(kind=AnnotationKind.SUPPRESS, rule_ids=ids, text=t),
              st.lists(st.from_regex(r"[A-Z]{2,4}[0-9]{3}", fullmatch=True), min_size=1, max_size=2), single_line),
)
annotations = st.lists(annotation, max_size=2)
heading_number = st.one_of(
    st.none(),
    st.sampled_from(["1", "10.9", "2-01", "IV", "A", "TEN", "TWENTY ONE", "3bis", "25 bis", "A-01"]),
    st.text(string.ascii_letters + string.digits + " ()-.", min_size=1, max_size=8).map(str.strip).filter(bool),
)

MARKERS = {
    UnitKind.PARAGRAPH: ["1.", "2.", "(3)", "4)"],
    UnitKind.SUBPARAGRAPH: ["(a)", "(b)", "(c)", "d)", "(g)"],
    UnitKind.ITEM: ["(i)", "(ii)", "(iii)", "(iv)", "(vi)"],
}
CHILD_KINDS = {
    UnitKind.PART: [UnitKind.CHAPTER, UnitKind.SECTION, UnitKind.ARTICLE],
    UnitKind.ANNEX: [UnitKind.ARTICLE, UnitKind.PARAGRAPH],
    UnitKind.CHAPTER: [UnitKind.SECTION, UnitKind.ARTICLE],
    UnitKind.SECTION: [UnitKind.ARTICLE],
    UnitKind.ARTICLE: [UnitKind.PARAGRAPH],
    UnitKind.PREAMBLE: [UnitKind.PARAGRAPH],
    UnitKind.PARAGRAPH: [UnitKind.SUBPARAGRAPH, UnitKind.ITEM],
    UnitKind.SUBPARAGRAPH: [UnitKind.ITEM],
    UnitKind.ITEM: [],
}


@st.composite
def unit(draw, kind: UnitKind, depth: int = 0) -> Unit:
    numbered = kind in MARKERS
    children_kinds = CHILD_KINDS[kind] if depth < 3 else []
    children: list[Unit] = []
    if children_kinds:
        child_kind = draw(st.sampled_from(children_kinds))
        children = draw(st.lists(unit(child_kind, depth + 1), max_size=3))
    text = draw(st.one_of(st.just(""), text_block()))
    if kind is UnitKind.PREAMBLE and not text:
        # A preamble has no heading: without text, nothing in the file marks where it starts.
        text = draw(text_block())
    return Unit(
        kind=kind,
        number=draw(st.sampled_from(MARKERS[kind])) if numbered else (None if kind is UnitKind.PREAMBLE else draw(heading_number)),
        title=None if numbered or kind is UnitKind.PREAMBLE else draw(st.one_of(st.none(), title)),
        text=text,
        annotations=draw(annotations),
        children=children,
    )


@st.composite
def treaty(draw) -> Treaty:
    meta = TreatyMeta(
        title=draw(st.one_of(st.none(), single_line)),
        parties=draw(st.lists(st.sampled_from(["ZMB", "DEU", "BOL", "IDN", "EU"]), max_size=3, unique=True)),
        type=draw(st.one_of(st.none(), st.sampled_from(list(TreatyType)))),
        date_signed=draw(st.one_of(st.none(), st.dates(dt.date(1950, 1, 1), dt.date(2030, 1, 1)))),
        language=draw(st.sampled_from([None, "en", "es", "fr"])),
        extra=draw(st.dictionaries(st.from_regex(r"x_[a-z]{1,6}", fullmatch=True), single_line, max_size=2)),
    )
    units = []
    if draw(st.booleans()):
        units.append(draw(unit(UnitKind.PREAMBLE)))
    top_kind = draw(st.sampled_from([UnitKind.PART, UnitKind.CHAPTER, UnitKind.ARTICLE]))
    units += draw(st.lists(unit(top_kind), max_size=3))
    if draw(st.booleans()):
        units.append(draw(unit(UnitKind.ANNEX)))
    return Treaty(meta=meta, units=units, annotations=draw(annotations))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(treaty())
def test_parse_of_emit_gives_back_the_document(doc):
    written = emit(doc)
    assert parse_treaty(written).content_dump() == doc.content_dump(), written
