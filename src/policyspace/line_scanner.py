"""Read treaty text without running Lark: what the grammar's `start` and `body` rules read,
found line by line with the grammar's own terminals.

The format is line-based, and Lark's lexer, at the start of a line, tries the same terminals in
a fixed order: a comment, a heading keyword or a paragraph marker, treaty text, an annotation.
Treaty text (TEXT) runs on over the following lines until one that may open something else
(TEXT's own stop set). So a document is a sequence of blocks, each starting at such a line: the
block's first line says what it is, and the lines after it are treaty text. This module finds
the blocks with one search for those lines and reads each first line with the grammar's
terminal patterns (taken from the compiled grammar, never copied), which makes it several
times faster than Lark's general machinery.

Where a line is anything but well formed (an error, or a comment in the middle of an
annotation, say), the scanner declines and the caller parses with Lark, the reference, which
also gives the error messages. The header of a document is always read by Lark.
tests/foundation/test_line_scanner.py checks both paths give identical documents over corpus/,
every ToTA treaty (as XML article bodies, as .treaty files and as plain text) and generated
documents.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple, Protocol

from .model import Annotation, Span, UnitKind
from .structure import SpanTuple
from .treaty_format import (
    KEYWORD_KINDS,
    HeaderField,
    heading_number,
    heading_title,
    note_annotation,
    suppress_annotation,
    tags_annotation,
    unescape,
)


class ItemSink(Protocol):
    """Where the scanner gives what it reads (structure.UnitTree, or a list of items)."""

    def heading(self, kind: UnitKind, number: str | None, title: str | None, span: SpanTuple) -> None: ...
    def paragraph(self, marker: str, span: SpanTuple, text: str | None = None,
                  text_span: SpanTuple | None = None) -> None: ...
    def text(self, text: str, span: SpanTuple) -> None: ...
    def annotation(self, annotation: Annotation) -> None: ...


class _Patterns(NamedTuple):
    block_start: re.Pattern[str]  # the line break before a line that may open something else
    block_head: re.Pattern[str]  # blank space, then a paragraph marker and the spaces after it
    heading: re.Pattern[str]  # HEADING_KEYWORD
    number: re.Pattern[str]  # HEADING_NUMBER
    no_number: re.Pattern[str]  # NO_NUMBER
    title: re.Pattern[str]  # HEADING_TITLE
    tags: re.Pattern[str]  # a whole @tags line
    note: re.Pattern[str]  # a whole @note line
    suppress: re.Pattern[str]  # a whole @suppress line
    family: re.Pattern[str]
    rule_id: re.Pattern[str]
    header_delimiter: re.Pattern[str]  # a line that opens or closes the header
    header_field: re.Pattern[str]  # a whole "name: value" line


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
def _patterns() -> _Patterns:
    from .treaty_parser import get_parser

    t = {terminal.name: terminal.pattern.to_regexp() for terminal in get_parser().terminals}
    space = r"[^\S\n]*"  # the grammar's ignored spaces: any but a line break
    # TEXT continues over the next line unless it opens with one of these: "\n(?![^\S\n]*(?:...))"
    stop = _lookahead_body(t["TEXT"], "\n(?!")  # Lark writes the line break as is
    family, rule_id = t["FAMILY"], t["RULE_ID"]
    # An annotation line as the grammar reads it, with nothing else on the line (an ignored
    # comment inside one is left to Lark).
    line_end = rf"{space}(?=\n)"
    return _Patterns(
        # Searched as "\n(?=...)": re finds a literal line break fast, where "^" with MULTILINE
        # is tried at every character (and TEXT itself steps through every character).
        block_start=re.compile(f"\n(?={stop})"),
        block_head=re.compile(rf"\s*(?:({t['PARAGRAPH_MARKER']}){space})?"),
        heading=re.compile(t["HEADING_KEYWORD"]),
        number=re.compile(t["HEADING_NUMBER"]),
        no_number=re.compile(t["NO_NUMBER"]),
        title=re.compile(t["HEADING_TITLE"]),
        tags=re.compile(rf"{t['TAGS']}{space}((?:{family})(?:{space},{space}(?:{family}))*){line_end}"),
        note=re.compile(rf"{t['NOTE_KEYWORD']}{space}(?!//)({t['NOTE']}){line_end}"),
        suppress=re.compile(
            rf"{t['SUPPRESS']}{space}((?:{rule_id})(?:{space},{space}(?:{rule_id}))*){space}:{space}"
            rf"(?!//)({t['REASON']}){line_end}"
        ),
        family=re.compile(family),
        rule_id=re.compile(rule_id),
        header_delimiter=re.compile(rf"{space}{t['HEADER_DELIMITER']}\n"),
        header_field=re.compile(rf"{space}({t['FIELD_NAME']}){space}:{space}(?:(?!//)({t['FIELD_VALUE']}))?{line_end}"),
    )


_NON_SPACE = re.compile(r"\S")
_BLANK_OR_COMMENT_LINES = re.compile(r"(?:[^\S\n]*(?://[^\n]*)?\n)*")


def read_header(text: str) -> tuple[list[HeaderField] | None, int] | None:
    """The header's fields (None without a header) and where the items of `text` (ending with a
    newline) start; None when the header is anything but well formed (left to Lark)."""
    patterns = _patterns()
    # The header may follow blank lines and comments, as the grammar's "_NL? header?" allows.
    opening = patterns.header_delimiter.match(text, _BLANK_OR_COMMENT_LINES.match(text).end())  # type: ignore[union-attr]
    if opening is None:
        return None, 0
    fields: list[HeaderField] = []
    line_start = opening.end()
    line = 1 + text.count("\n", 0, line_start)
    while line_start < len(text):
        if (closing := patterns.header_delimiter.match(text, line_start)) is not None:
            return fields, closing.end()
        if (field := patterns.header_field.match(text, line_start)) is not None:
            shown = field.start(2) if field.start(2) >= 0 else field.start(1)  # errors point there
            fields.append(HeaderField(field.group(1), field.group(2), line, shown - line_start + 1))
        elif _BLANK_OR_COMMENT_LINES.match(text, line_start).end() == line_start:  # type: ignore[union-attr]
            return None
        line_start = text.index("\n", line_start) + 1
        line += 1
    return None


def scan_body(text: str, shift: tuple[int, int, int], sink: ItemSink) -> bool:
    """Give `sink` what the grammar's `body` rule reads in `text` (ending with a newline; no
    headings, backslashes kept as in text from XML), positions shifted by (line0, col0, off0)
    as in treaty_parser._span. False when the body is left to Lark (then `sink` may have been
    given part of it)."""
    return _scan(text, sink, 0, shift, headings=False, escapes=False)


def scan_document(text: str, start: int, sink: ItemSink) -> bool:
    """Give `sink` what the grammar's `start` rule reads in `text` (ending with a newline) from
    `start` on, a line start after the header. False when the text is left to Lark."""
    return _scan(text, sink, start, (0, 0, 0), headings=True, escapes=True)


def _scan(text: str, sink: ItemSink, start: int, shift: tuple[int, int, int], headings: bool,
          escapes: bool) -> bool:
    patterns = _patterns()
    line0, col0, off0 = shift
    rfind, count, find = text.rfind, text.count, text.find
    head_match, non_space = patterns.block_head.match, _NON_SPACE.search
    heading_match = patterns.heading.match if headings else None
    done, line = start, 1 + count("\n", 0, start)  # line numbers are counted on from the last position

    def span(begin: int, end: int) -> SpanTuple:
        nonlocal done, line
        line += count("\n", done, begin)
        end_line = line + count("\n", begin, end)
        begin_column = begin - rfind("\n", 0, begin)
        end_column = end - rfind("\n", 0, end)
        result = (line + line0, begin_column + (col0 if line == 1 else 0), begin + off0,
                  end_line + line0, end_column + (col0 if end_line == 1 else 0), end + off0)
        done, line = end, end_line
        return result

    block_ends = [m.start() for m in patterns.block_start.finditer(text, start)]
    block_ends.append(len(text))
    block_start = start
    for block_end in block_ends:
        # The end position takes in the line break at block_end, which the marker's "(?=\s)"
        # may need to see. Markers, headings, annotations and comments can only open a block:
        # its first line is the only one that may open something.
        head = head_match(text, block_start, block_end + 1)
        block_start = block_end + 1
        after = head.end()  # type: ignore[union-attr]
        first, end = head.span(1)  # type: ignore[union-attr]
        if first < 0:
            if after >= block_end:  # blank lines
                continue
            first = after
        if end >= 0:  # a paragraph marker
            marker = text[first:end]
            line += count("\n", done, first)
            column = first - rfind("\n", 0, first)
            col_shift = col0 if line == 1 else 0
            marker_span = (line + line0, column + col_shift, first + off0,
                           line + line0, column + end - first + col_shift, end + off0)
            done = end
            char = text[after]
            if char == "@":
                return False  # Lark: treaty text cannot start with '@'
            if char != "\n" and not text.startswith("//", after):  # its text starts on its line
                value = text[after:block_end].rstrip()
                end = after + len(value)
                end_line = line + count("\n", after, end)
                if end_line == line:
                    end_column = column + end - first
                else:
                    end_column = end - rfind("\n", after, end)
                sink.paragraph(marker, marker_span, unescape(value) if escapes else value, (
                    line + line0, column + after - first + col_shift, after + off0,
                    end_line + line0, end_column + (col0 if end_line == 1 else 0), end + off0,
                ))
                done, line = end, end_line
                continue
            sink.paragraph(marker, marker_span)
        else:
            char = text[first]
            if char == "@":
                if not _annotation(text, first, patterns, span, sink):
                    return False
            elif char == "/" and text.startswith("//", first):
                pass  # a comment line
            elif heading_match is not None and (keyword := heading_match(text, first)) is not None:
                if not _heading(text, keyword, patterns, span, sink):
                    return False
            else:  # treaty text, to the end of the block
                value = text[first:block_end].rstrip()
                end = first + len(value)
                line += count("\n", done, first)
                end_line = line + count("\n", first, end)
                column = first - rfind("\n", 0, first)
                end_column = column + end - first if end_line == line else end - rfind("\n", first, end)
                sink.text(unescape(value) if escapes else value, (
                    line + line0, column + (col0 if line == 1 else 0), first + off0,
                    end_line + line0, end_column + (col0 if end_line == 1 else 0), end + off0,
                ))
                done, line = end, end_line
                continue
        # The first line held one item; the lines after it, if any, are treaty text.
        rest = non_space(text, find("\n", first), block_end)
        if rest is not None:
            first = rest.start()
            value = text[first:block_end].rstrip()
            sink.text(unescape(value) if escapes else value, span(first, first + len(value)))
    return True


def _heading(text: str, keyword: re.Match[str], patterns: _Patterns, span: object, sink: ItemSink) -> bool:
    """A heading line: keyword, number (or ':' for none), title; False if Lark would not read it so."""
    number_match = patterns.number.match(text, keyword.end())
    number = None
    if number_match is not None:
        number = heading_number(number_match.group())
    else:
        number_match = patterns.no_number.match(text, keyword.end())
        if number_match is None:
            return False
    end = number_match.end()
    if text.startswith("//", end):
        return False  # an ignored comment: left to Lark
    title = None
    title_match = patterns.title.match(text, end)
    if title_match is not None:
        title, end = heading_title(title_match.group()), title_match.end()
    elif text[end : text.index("\n", end)].strip():
        return False
    kind = KEYWORD_KINDS[keyword.group().lower()]
    sink.heading(kind, number, title, span(keyword.start(), end))  # type: ignore[operator]
    return True


def _annotation(text: str, first: int, patterns: _Patterns, span: object, sink: ItemSink) -> bool:
    """An @tags, @note or @suppress line; False if it is anything else (Lark reports the error)."""
    make_span = span
    if (match := patterns.tags.match(text, first)) is not None:
        families = patterns.family.findall(match.group(1))
        annotation = tags_annotation(families, Span.trusted(*make_span(first, first + len("@tags"))))  # type: ignore[operator]
    elif (match := patterns.note.match(text, first)) is not None:
        annotation = note_annotation(match.group(1), Span.trusted(*make_span(*match.span(1))))  # type: ignore[operator]
    elif (match := patterns.suppress.match(text, first)) is not None:
        rule_ids = patterns.rule_id.findall(match.group(1))
        reason_span = Span.trusted(*make_span(*match.span(2)))  # type: ignore[operator]
        annotation = suppress_annotation(rule_ids, match.group(2), reason_span)
    else:
        return False
    sink.annotation(annotation)
    return True
