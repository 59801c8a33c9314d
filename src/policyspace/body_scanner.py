"""Read the body of one unit (paragraphs and treaty text, no markup) without running Lark.

Article bodies imported from XML are almost always plain paragraphs. For those, the grammar's
`body` rule reduces to a line scanner: a line opening with a paragraph marker starts a paragraph
whose text runs up to the next line that may open something else (the grammar's TEXT stop set),
and any other stretch of lines is one text block. This module does exactly that with the
grammar's own regular expressions (taken from the compiled grammar, never copied), so the items
are the ones the Lark path builds. Whenever a body holds something the scanner does not model
(an annotation, a comment, a `//` or `@` where a line or a paragraph's text starts), it returns
None and the caller parses with Lark, the reference. tests/foundation/test_body_scanner.py
checks both paths give identical documents over corpus/, the ToTA treaties and generated bodies.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from .model import Span
from .structure import Item, MarkerItem, Piece, TextItem

_SPACE = re.compile(r"[^\S\n]*")  # the grammar's ignored whitespace: anything but a line break
_NON_SPACE = re.compile(r"\S")


def _lookahead_body(pattern: str, opening: str) -> str:
    """The group that follows `opening` in `pattern`, up to its balancing parenthesis."""
    start = pattern.index(opening) + len(opening)
    depth, i = 1, start
    while depth:
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":  # a character class may hold unbalanced parentheses
            i = pattern.index("]", i + 2) + 1
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        i += 1
    return pattern[start : i - 1]


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(line that ends a text block, paragraph marker), from the compiled grammar's terminals."""
    from .treaty_parser import get_parser

    terminals = {t.name: t.pattern.to_regexp() for t in get_parser().terminals}
    # TEXT continues over the next line unless it opens with one of these: "\n(?![^\S\n]*(?:...))"
    stop = _lookahead_body(terminals["TEXT"], "\n(?!")  # Lark writes the line break as is
    # Searched as "\n(?=...)" rather than "^(?=...)" with MULTILINE: re finds the literal line
    # break fast, but tries a "^" at every character.
    return re.compile(f"\n(?={stop})"), re.compile(terminals["PARAGRAPH_MARKER"])


class _Positions:
    """1-based line and column of increasing offsets in `text`, shifted like treaty_parser._span."""

    __slots__ = ("line", "offset", "shift", "text")

    def __init__(self, text: str, shift: tuple[int, int, int]) -> None:
        self.text = text
        self.offset = 0
        self.line = 1
        self.shift = shift

    def span(self, start: int, end: int) -> Span:
        text = self.text
        line0, col0, off0 = self.shift
        start_line = self.line + text.count("\n", self.offset, start)
        end_line = start_line + text.count("\n", start, end)
        self.offset, self.line = end, end_line
        start_column = start - text.rfind("\n", 0, start)
        end_column = end - text.rfind("\n", 0, end)
        return Span.trusted(
            start_line + line0, start_column + (col0 if start_line == 1 else 0), start + off0,
            end_line + line0, end_column + (col0 if end_line == 1 else 0), end + off0,
        )


def scan_body(text: str, shift: tuple[int, int, int] = (0, 0, 0)) -> list[Item] | None:
    """The items the grammar's `body` rule gives for `text` (ending in a newline), or None when
    the body holds markup the scanner leaves to Lark. `shift` is (line0, col0, off0) as in
    treaty_parser._span. Backslashes are kept (text from XML has no escapes)."""
    stop_line, marker_pattern = _patterns()
    positions = _Positions(text, shift)
    items: list[Item] = []
    # Block boundaries: every line that may open something else, and the end of the text.
    starts = [0, *[m.end() for m in stop_line.finditer(text)], len(text)]
    for block_start, block_end in pairwise(starts):
        first = _NON_SPACE.search(text, block_start, block_end)
        if first is None:  # blank lines only
            continue
        position = first.start()
        char = text[position]
        if char == "@" or text.startswith("//", position):
            return None  # an annotation, a comment or an error: the grammar decides
        if text.rfind("\n", block_start, position) < 0:  # the block's first line opens it
            marker = marker_pattern.match(text, position)
            if marker is not None:
                marker_span = positions.span(position, marker.end())
                after = _SPACE.match(text, marker.end()).end()
                rest = text[after:block_end].rstrip()
                if not rest:
                    items.append(MarkerItem(marker=marker.group(), span=marker_span))
                    continue
                if text[after] != "\n":  # the paragraph's text starts on the marker's line
                    if rest[0] == "@" or rest.startswith("//"):
                        return None
                    piece = Piece(text=rest, span=positions.span(after, after + len(rest)))
                    items.append(MarkerItem(marker=marker.group(), span=marker_span, text=piece))
                    continue
                items.append(MarkerItem(marker=marker.group(), span=marker_span))
                position = _NON_SPACE.search(text, after).start()
        value = text[position:block_end].rstrip()
        items.append(TextItem(Piece(text=value, span=positions.span(position, position + len(value)))))
    return items
