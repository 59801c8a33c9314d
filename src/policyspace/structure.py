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
from typing import Any

from .model import UNIT_RANK, Annotation, Span, Unit, UnitKind, trusted_span, trusted_unit

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


def _continues_letters(marker: str, open_kinds: Sequence[tuple[UnitKind, str | None]]) -> bool:
    """Whether an ambiguous marker ('(i)', '(v)', ...) is the next letter of an open letter list."""
    previous = _predecessor(marker_core(marker))
    for kind, number in reversed(open_kinds):
        if kind == UnitKind.SUBPARAGRAPH:
            return previous is not None and marker_core(number or "") == previous
        if kind == UnitKind.ITEM:
            continue
        if UNIT_RANK[kind] < UNIT_RANK[UnitKind.SUBPARAGRAPH]:
            break
    return False


def classify_marker(marker: str, open_kinds: Sequence[tuple[UnitKind, str | None]]) -> UnitKind:
    """Paragraph level of a marker, given the (kind, number) of the units open before it:
    a lone '(i)' is the letter after '(h)', else roman one."""
    kind = _marker_kind(marker)
    if kind is not None:
        return kind
    return UnitKind.SUBPARAGRAPH if _continues_letters(marker, open_kinds) else UnitKind.ITEM


def as_tuple(span: Span) -> SpanTuple:
    return (span.start_line, span.start_column, span.start_offset, span.end_line, span.end_column, span.end_offset)


# A unit still open is a list (one is made per paragraph, and a list is several times cheaper
# to make than an object): its kind, number, title, rank, heading or marker span, the furthest
# point its text or children reach, its text pieces ((text, span) pairs), annotations, children.
_KIND, _NUMBER, _TITLE, _RANK, _SPAN, _END, _PIECES, _ANNOTATIONS, _CHILDREN = range(9)


class UnitTree:
    """Nests headings, paragraphs, text and annotations, given in document order, into units.

    With `container`, what is given is that unit's body: its text and paragraphs go into it,
    and its span grows to the furthest point they reach; with `ends_at_text`, to where the
    body's text ends when it has any. `source` (the parsed text) lets text that an annotation
    or comment interrupted keep its original line breaks. Units and their Span objects are
    made once, when they close.
    """

    __slots__ = ("_base", "_container", "_ends_at_text", "_furthest_text", "_pending", "_source", "_stack",
                 "top")

    def __init__(self, source: str | None = None, container: Unit | None = None, ends_at_text: bool = False) -> None:
        self.top: list[Unit] = []
        self._stack: list[list[Any]] = []
        self._pending: list[Annotation] = []
        self._source = source
        self._container = container
        self._ends_at_text = ends_at_text
        self._furthest_text: Span | None = None  # the text span that ends furthest so far
        if container is not None:
            # Its new annotations and children are kept apart until finish(): a tree given up
            # half way (the line scanner declining) leaves the container as it was.
            span = None if container.span is None else as_tuple(container.span)
            self._stack.append([container.kind, container.number, container.title, UNIT_RANK[container.kind],
                                span, None, None, [], []])
        self._base = len(self._stack)  # the container is never closed by what it contains

    def _open(self, kind: UnitKind, number: str | None, title: str | None, span: SpanTuple,
              pieces: list[tuple[str, SpanTuple]] | None, end: SpanTuple | None,
              take_pending: bool = True) -> None:
        stack = self._stack
        rank = UNIT_RANK[kind]
        base = self._base
        while len(stack) > base and stack[-1][_RANK] >= rank:
            self._close()
        if self._pending and take_pending:
            annotations, self._pending = self._pending, []
        else:
            annotations = []
        stack.append([kind, number, title, rank, span, end, pieces, annotations, []])

    def _close(self) -> None:
        stack = self._stack
        kind, number, title, _, span, end, pieces, annotations, children = stack.pop()
        if end is not None and span is not None and end[5] > span[5]:
            span = (span[0], span[1], span[2], end[3], end[4], end[5])
        text, text_span = "", None
        if pieces:
            if len(pieces) == 1:
                text, piece_span = pieces[0]
                text_span = trusted_span(*piece_span)
            else:
                text, text_span = self._join(pieces)
            furthest = self._furthest_text
            if furthest is None or text_span.end_offset > furthest.end_offset:
                self._furthest_text = text_span
        if stack:
            parent = stack[-1]
            if span is not None and (parent[_END] is None or span[5] > parent[_END][5]):
                parent[_END] = span
            siblings = parent[_CHILDREN]
        elif self._container is not None:
            container = self._container
            container.annotations.extend(annotations)
            container.children.extend(children)
            fields = container.__dict__  # already valid values: no __setattr__ per field
            if text_span is not None:
                fields["text"], fields["text_span"] = text, text_span
            start, text_end = container.span, self._furthest_text
            if start is not None and text_end is not None and self._ends_at_text:
                fields["span"] = trusted_span(start.start_line, start.start_column, start.start_offset,
                                              text_end.end_line, text_end.end_column, text_end.end_offset)
            elif span is not None and start is not None and span[5] > start.end_offset:
                fields["span"] = trusted_span(*span)
            return
        else:
            siblings = self.top
        siblings.append(trusted_unit(kind, number, title, text, span, text_span, annotations, children))

    def _join(self, pieces: list[tuple[str, SpanTuple]]) -> tuple[str, Span]:
        first = pieces[0][1]
        last = pieces[-1][1]
        source = self._source
        parts = [pieces[0][0]]
        for (_, before), (text, after) in pairwise(pieces):
            gap = None
            if source is not None:
                gap = source[before[5] : after[2]]
                if gap.strip():
                    gap = None  # an annotation or comment sat between: join with a line break
            parts.append(gap if gap is not None else "\n")
            parts.append(text)
        return "".join(parts), trusted_span(first[0], first[1], first[2], last[3], last[4], last[5])

    def heading(self, kind: UnitKind, number: str | None, title: str | None, span: SpanTuple) -> None:
        self._open(kind, number, title, span, None, None)

    def paragraph(self, marker: str, span: SpanTuple, text: str | None = None,
                  text_span: SpanTuple | None = None) -> None:
        """A paragraph marker, with the text that follows it on its line."""
        if not self._stack:  # paragraphs before the first heading belong to the preamble
            self._open(UnitKind.PREAMBLE, None, None, span, None, None, take_pending=False)  # annotations are the paragraph's
        kind = _marker_kind(marker)
        if kind is None:
            letter = _continues_letters(marker, [(unit[_KIND], unit[_NUMBER]) for unit in self._stack])
            kind = UnitKind.SUBPARAGRAPH if letter else UnitKind.ITEM
        if text_span is None:
            self._open(kind, marker, None, span, None, None)
        else:
            self._open(kind, marker, None, span, [(text, text_span)], text_span)  # type: ignore[list-item]

    def text(self, text: str, span: SpanTuple) -> None:
        if not self._stack:  # text before the first heading: the preamble
            self._open(UnitKind.PREAMBLE, None, None, span, None, None)
        unit = self._stack[-1]
        if self._pending:
            unit[_ANNOTATIONS].extend(self._pending)
            self._pending = []
        if unit[_PIECES] is None:
            unit[_PIECES] = [(text, span)]
        else:
            unit[_PIECES].append((text, span))
        unit[_END] = span

    def annotation(self, annotation: Annotation) -> None:
        self._pending.append(annotation)

    def finish(self) -> tuple[list[Unit], list[Annotation]]:
        """The top-level units, and the annotations left over at the end (document level)."""
        while self._stack:
            self._close()
        return self.top, self._pending


class ItemList(list[Item]):
    """The items a scanner reads, kept in order (the same calls as UnitTree's)."""

    def heading(self, kind: UnitKind, number: str | None, title: str | None, span: SpanTuple) -> None:
        self.append(HeadingItem(kind, number, title, span))

    def paragraph(self, marker: str, span: SpanTuple, text: str | None = None,
                  text_span: SpanTuple | None = None) -> None:
        self.append(MarkerItem(marker, span, None if text_span is None else Piece(text, text_span)))  # type: ignore[arg-type]

    def text(self, text: str, span: SpanTuple) -> None:
        self.append(TextItem(Piece(text, span)))

    def annotation(self, annotation: Annotation) -> None:
        self.append(AnnotationItem(annotation))


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


def headings_without_body_as_text(items: list[Item], source: str) -> list[Item]:
    """Plain text: a heading followed at once by a heading of the same or a higher level holds
    nothing. It is a table-of-contents entry, or a heading left behind by a conversion, so it is
    kept as text of the unit before it rather than opening an empty unit."""
    out: list[Item] = []
    for index, item in enumerate(items):
        if isinstance(item, HeadingItem) and index + 1 < len(items):
            following = items[index + 1]
            if isinstance(following, HeadingItem) and UNIT_RANK[following.kind] <= UNIT_RANK[item.kind]:
                span = item.span
                out.append(TextItem(Piece(source[span[2] : span[5]], span)))
                continue
        out.append(item)
    return out
