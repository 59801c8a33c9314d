"""Nest the flat sequence of parsed items into the unit tree, by rank.

The grammar yields headings, paragraph markers, text blocks and annotations in document order;
this module decides what contains what: part > chapter > section > article > paragraph >
subparagraph > item. Doing it here rather than in the grammar keeps real documents with skipped
or irregular levels (an article before any chapter, an annex after the last article) parseable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Protocol

from .model import UNIT_RANK, Annotation, Span, Unit, UnitKind

_ROMAN = re.compile(r"[ivxlc]+")
_LETTERS = re.compile(r"([a-z])\1?")  # (a) ... (z), then (aa) (bb) ...


#: A span before it becomes a model object: (start line, start column, start offset, end line,
#: end column, end offset), as in Span. Units get their Span objects once, when they close.
SpanTuple = tuple[int, int, int, int, int, int]


@dataclass(slots=True)
class Piece:
    """A stretch of text with its span; `text` has escapes removed."""

    text: str
    span: SpanTuple


@dataclass(slots=True)
class HeadingItem:
    kind: UnitKind
    number: str | None
    title: str | None
    span: SpanTuple


@dataclass(slots=True)
class MarkerItem:
    marker: str  # as written: "1." "(a)" "(ii)" "b)"
    span: SpanTuple
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


@lru_cache(maxsize=4096)
def _marker_kind(marker: str) -> UnitKind | None:
    """The level a marker has whatever precedes it, or None for an ambiguous '(i)', '(v)', '(x)'..."""
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
    return None


class _Numbered(Protocol):
    kind: UnitKind
    number: str | None


def classify_marker(marker: str, open_units: Sequence[_Numbered]) -> UnitKind:
    """Paragraph level of a marker; a lone '(i)' is the letter after '(h)', else roman one."""
    kind = _marker_kind(marker)
    if kind is not None:
        return kind
    # Ambiguous ("i", "v", "x", "ii", ...): a letter only if it continues an open letter list.
    previous = _predecessor(marker_core(marker))
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


def span_of(span: SpanTuple | None) -> Span | None:
    return None if span is None else Span.trusted(*span)


def as_tuple(span: Span) -> SpanTuple:
    return (span.start_line, span.start_column, span.start_offset, span.end_line, span.end_column, span.end_offset)


class _Open:
    """A unit being built: what is known of it until it closes and becomes a Unit."""

    __slots__ = ("annotations", "children", "end", "kind", "number", "pieces", "rank", "span", "title")

    def __init__(self, kind: UnitKind, number: str | None, title: str | None, span: SpanTuple | None,
                 annotations: list[Annotation], children: list[Unit],
                 pieces: list[tuple[str, SpanTuple]], end: SpanTuple | None) -> None:
        self.kind = kind
        self.number = number
        self.title = title
        self.rank = UNIT_RANK[kind]
        self.span = span  # the heading or marker; grows to the furthest point reached below
        self.annotations = annotations
        self.children = children
        self.pieces = pieces  # its own text, as (text, span) pieces
        self.end = end  # the furthest point reached by the unit's text or children


class UnitTree:
    """Nests headings, paragraphs, text and annotations, given in document order, into units.

    With `container`, what is given is that unit's body: its text and paragraphs go into it.
    `source` (the parsed text) lets text that an annotation or comment interrupted keep its
    original line breaks.
    """

    __slots__ = ("_base", "_container", "_pending", "_source", "_stack", "furthest_text", "top")

    def __init__(self, source: str | None = None, container: Unit | None = None) -> None:
        self.top: list[Unit] = []
        self._stack: list[_Open] = []
        self._pending: list[Annotation] = []
        self._source = source
        self._container = container
        #: The text span that ends furthest, over every unit closed here.
        self.furthest_text: Span | None = None
        if container is not None:
            span = None if container.span is None else as_tuple(container.span)
            self._stack.append(_Open(container.kind, container.number, container.title, span,
                                     container.annotations, container.children, [], None))
        self._base = len(self._stack)  # the container is never closed by what it contains

    def _open(self, kind: UnitKind, number: str | None, title: str | None, span: SpanTuple,
              pieces: list[tuple[str, SpanTuple]], end: SpanTuple | None, take_pending: bool = True) -> _Open:
        stack = self._stack
        rank = UNIT_RANK[kind]
        while len(stack) > self._base and stack[-1].rank >= rank:
            self._close()
        annotations: list[Annotation] = []
        if self._pending and take_pending:
            annotations, self._pending = self._pending, []
        unit = _Open(kind, number, title, span, annotations, [], pieces, end)
        stack.append(unit)
        return unit

    def _close(self) -> None:
        stack = self._stack
        unit = stack.pop()
        parent = stack[-1] if stack else None
        span, end = unit.span, unit.end
        if end is not None and span is not None and end[5] > span[5]:
            span = (span[0], span[1], span[2], end[3], end[4], end[5])
        text, text_span = "", None
        if unit.pieces:
            text, text_span = self._join(unit.pieces)
            furthest = self.furthest_text
            if furthest is None or text_span.end_offset > furthest.end_offset:
                self.furthest_text = text_span
        if parent is not None and span is not None and (parent.end is None or span[5] > parent.end[5]):
            parent.end = span
        if parent is None and self._container is not None:
            container = self._container
            fields = container.__dict__  # already valid values: no __setattr__ per field
            if text_span is not None:
                fields["text"], fields["text_span"] = text, text_span
            if span is not None and container.span is not None and span[5] > container.span.end_offset:
                fields["span"] = Span.trusted(*span)
            return
        built = Unit.trusted_full(unit.kind, unit.number, unit.title, text,
                                  None if span is None else Span.trusted(*span), text_span,
                                  unit.annotations, unit.children)
        (parent.children if parent is not None else self.top).append(built)

    def _join(self, pieces: list[tuple[str, SpanTuple]]) -> tuple[str, Span]:
        first_text, first = pieces[0]
        if len(pieces) == 1:
            return first_text, Span.trusted(*first)
        last = pieces[-1][1]
        source = self._source
        parts = [first_text]
        for (_, before), (text, after) in pairwise(pieces):
            gap = None
            if source is not None:
                gap = source[before[5] : after[2]]
                if gap.strip():
                    gap = None  # an annotation or comment sat between: join with a line break
            parts.append(gap if gap is not None else "\n")
            parts.append(text)
        return "".join(parts), Span.trusted(first[0], first[1], first[2], last[3], last[4], last[5])

    def heading(self, kind: UnitKind, number: str | None, title: str | None, span: SpanTuple) -> None:
        self._open(kind, number, title, span, [], None)

    def paragraph(self, marker: str, span: SpanTuple, text: str | None = None,
                  text_span: SpanTuple | None = None) -> None:
        """A paragraph marker, with the text that follows it on its line."""
        if not self._stack:  # paragraphs before the first heading belong to the preamble
            self._open(UnitKind.PREAMBLE, None, None, span, [], None, take_pending=False)  # annotations are the paragraph's
        kind = classify_marker(marker, self._stack)
        if text_span is None:
            self._open(kind, marker, None, span, [], None)
        else:
            self._open(kind, marker, None, span, [(text, text_span)], text_span)  # type: ignore[list-item]

    def text(self, text: str, span: SpanTuple) -> None:
        if not self._stack:  # text before the first heading: the preamble
            self._open(UnitKind.PREAMBLE, None, None, span, [], None)
        unit = self._stack[-1]
        if self._pending:
            unit.annotations.extend(self._pending)
            self._pending = []
        unit.pieces.append((text, span))
        unit.end = span

    def annotation(self, annotation: Annotation) -> None:
        self._pending.append(annotation)

    def finish(self) -> tuple[list[Unit], list[Annotation]]:
        """The top-level units, and the annotations left over at the end (document level)."""
        while self._stack:
            self._close()
        return self.top, self._pending


def feed(tree: UnitTree, items: list[Item]) -> None:
    """Give `tree` the items a parser produced, in order."""
    for item in items:
        if isinstance(item, HeadingItem):
            tree.heading(item.kind, item.number, item.title, item.span)
        elif isinstance(item, MarkerItem):
            if item.text is None:
                tree.paragraph(item.marker, item.span)
            else:
                tree.paragraph(item.marker, item.span, item.text.text, item.text.span)
        elif isinstance(item, TextItem):
            tree.text(item.piece.text, item.piece.span)
        else:
            tree.annotation(item.annotation)


def build_units(
    items: list[Item], source: str | None = None, container: Unit | None = None
) -> tuple[list[Unit], list[Annotation]]:
    """Nest items into units. With `container`, items are that unit's body (paragraphs only).

    Returns the top-level units and the annotations left over at the end (document level).
    """
    tree = UnitTree(source, container)
    feed(tree, items)
    return tree.finish()
