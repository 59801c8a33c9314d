"""Nest the flat sequence of parsed items into the unit tree, by rank.

The grammar yields headings, paragraph markers, text blocks and annotations in document order;
this module decides what contains what: part > chapter > section > article > paragraph >
subparagraph > item. Doing it here rather than in the grammar keeps real documents with skipped
or irregular levels (an article before any chapter, an annex after the last article) parseable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from .model import UNIT_RANK, Annotation, Span, Unit, UnitKind

_ROMAN = re.compile(r"[ivxlc]+")
_LETTERS = re.compile(r"([a-z])\1?")  # (a) ... (z), then (aa) (bb) ...


@dataclass(slots=True)
class Piece:
    """A stretch of text with its span; `raw` is the verbatim source, `text` has escapes removed."""

    text: str
    span: Span


@dataclass(slots=True)
class HeadingItem:
    kind: UnitKind
    number: str | None
    title: str | None
    span: Span


@dataclass(slots=True)
class MarkerItem:
    marker: str  # as written: "1." "(a)" "(ii)" "b)"
    span: Span
    text: Piece | None = None


@dataclass(slots=True)
class TextItem:
    piece: Piece


@dataclass(slots=True)
class AnnotationItem:
    annotation: Annotation


Item = HeadingItem | MarkerItem | TextItem | AnnotationItem


def _predecessor(letters: str) -> str | None:
    """'i' -> 'h', 'ii' -> 'hh'; None for 'a'."""
    if letters[0] == "a":
        return None
    prev = chr(ord(letters[0]) - 1)
    return prev * len(letters)


def _roman_value(text: str) -> int | None:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    if not _ROMAN.fullmatch(text):
        return None
    total = 0
    for a, b in zip(text, text[1:] + " "):
        va, vb = values[a], values.get(b, 0)
        total += -va if va < vb else va
    return total


def _to_roman(value: int) -> str:
    out = []
    for v, s in ((100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while value >= v:
            out.append(s)
            value -= v
    return "".join(out)


def marker_core(marker: str) -> str:
    """'(a)' -> 'a', '1.' -> '1', 'b)' -> 'b'."""
    return marker.strip().strip("().").strip()


def classify_marker(marker: str, open_units: list[Unit]) -> UnitKind:
    """Paragraph level of a marker; a lone '(i)' is the letter after '(h)', else roman one."""
    core = marker_core(marker)
    if core[:1].isdigit():
        return UnitKind.PARAGRAPH
    is_letter = bool(_LETTERS.fullmatch(core))
    roman = _roman_value(core)
    # Lists of items rarely run past (xxxix); "(l)" and "(c)" are letters.
    canonical_roman = roman is not None and roman < 40 and _to_roman(roman) == core
    if is_letter and not canonical_roman:
        return UnitKind.SUBPARAGRAPH
    if canonical_roman and not is_letter:
        return UnitKind.ITEM
    # Ambiguous ("i", "v", "x", "ii", ...): a letter only if it continues an open letter list.
    previous = _predecessor(core)
    for unit in reversed(open_units):
        if unit.kind == UnitKind.SUBPARAGRAPH:
            if previous is not None and marker_core(unit.number or "") == previous:
                return UnitKind.SUBPARAGRAPH
            break
        if unit.kind == UnitKind.ITEM:
            continue
        if UNIT_RANK[unit.kind] < UNIT_RANK[UnitKind.SUBPARAGRAPH]:
            break
    return UnitKind.ITEM


@dataclass(slots=True)
class _UnitBuilder:
    unit: Unit
    pieces: list[Piece] = field(default_factory=list)
    end: Span | None = None  # the furthest point reached by the unit or its children


def make_span(start: Span, end: Span) -> Span:
    """From the start of `start` to the end of `end` (no validation: both are already spans)."""
    return Span.trusted(
        start.start_line, start.start_column, start.start_offset, end.end_line, end.end_column, end.end_offset
    )


def _join_pieces(pieces: list[Piece], source: str | None) -> tuple[str, Span]:
    first, last = pieces[0], pieces[-1]
    if len(pieces) == 1:
        return first.text, first.span
    span = make_span(first.span, last.span)
    parts = [first.text]
    for before, after in pairwise(pieces):
        gap = None
        if source is not None:
            gap = source[before.span.end_offset : after.span.start_offset]
            if gap.strip():
                gap = None  # an annotation or comment sat between: join with a line break
        parts.append(gap if gap is not None else "\n")
        parts.append(after.text)
    return "".join(parts), span


def _close(builder: _UnitBuilder, source: str | None, parent: _UnitBuilder | None) -> None:
    unit = builder.unit
    # Direct __dict__ writes: the values are already valid, and pydantic's __setattr__ is
    # measurable when a corpus builds hundreds of thousands of units.
    fields = unit.__dict__
    if builder.pieces:
        fields["text"], fields["text_span"] = _join_pieces(builder.pieces, source)
    if builder.end is not None and unit.span is not None and builder.end.end_offset > unit.span.end_offset:
        fields["span"] = make_span(unit.span, builder.end)
    if (parent is not None and unit.span is not None
            and (parent.end is None or unit.span.end_offset > parent.end.end_offset)):
        parent.end = unit.span


def build_units(
    items: list[Item], source: str | None = None, container: Unit | None = None
) -> tuple[list[Unit], list[Annotation]]:
    """Nest items into units. With `container`, items are that unit's body (paragraphs only).

    Returns the top-level units and the annotations left over at the end (document level).
    """
    top: list[Unit] = []
    stack: list[_UnitBuilder] = []
    if container is not None:
        stack.append(_UnitBuilder(container))
    pending: list[Annotation] = []

    def pop() -> None:
        builder = stack.pop()
        _close(builder, source, stack[-1] if stack else None)

    def open_unit(unit: Unit, take_pending: bool = True) -> None:
        rank = UNIT_RANK[unit.kind]
        while stack and stack[-1].unit is not container and UNIT_RANK[stack[-1].unit.kind] >= rank:
            pop()
        if pending and take_pending:
            unit.annotations.extend(pending)
            pending.clear()
        (stack[-1].unit.children if stack else top).append(unit)
        stack.append(_UnitBuilder(unit))

    for item in items:
        if isinstance(item, HeadingItem):
            open_unit(Unit.trusted(item.kind, item.number, item.title, item.span))
        elif isinstance(item, MarkerItem):
            if not stack:  # paragraphs before the first heading belong to the preamble
                open_unit(_preamble(item.span), take_pending=False)  # annotations are the paragraph's
            kind = classify_marker(item.marker, [b.unit for b in stack])
            open_unit(Unit.trusted(kind, item.marker, None, item.span))
            if item.text is not None:
                stack[-1].pieces.append(item.text)
                stack[-1].end = item.text.span
        elif isinstance(item, TextItem):
            if not stack:  # text before the first heading: the preamble
                open_unit(_preamble(item.piece.span))
            if pending:
                stack[-1].unit.annotations.extend(pending)
                pending.clear()
            stack[-1].pieces.append(item.piece)
            stack[-1].end = item.piece.span
        else:
            pending.append(item.annotation)
    while stack:
        pop()
    return top, pending


def _preamble(span: Span) -> Unit:
    return Unit.trusted(UnitKind.PREAMBLE, None, None, span)
