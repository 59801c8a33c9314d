"""Read the body of one unit (paragraphs and treaty text, no markup) without running Lark.

Article bodies imported from XML are almost always plain paragraphs. For those, the grammar's
`body` rule reduces to one regular expression applied item after item: blank lines and
indentation (the grammar's _NL and ignored spaces), then a paragraph marker followed by the
TEXT on its line, or a TEXT alone. Lark's lexer tries the same terminals in the same order
(PARAGRAPH_MARKER has the higher priority), and the two terminals are taken from the compiled
grammar, never copied, so the tokens are Lark's. Whenever a body holds something this does not
model (an annotation, a comment, an '@' or '//' where a line or a paragraph's text starts), the
scanner declines and the caller parses with Lark, the reference.
tests/foundation/test_body_scanner.py checks both paths build identical units over corpus/,
every ToTA article and generated bodies.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .structure import UnitTree


class _Patterns(NamedTuple):
    block_start: re.Pattern[str]  # the line break before a line that may open something else
    block_head: re.Pattern[str]  # blank space, then a paragraph marker and the spaces after it
    markup: re.Pattern[str]  # where the scanner declines


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

    terminals = {t.name: t.pattern.to_regexp() for t in get_parser().terminals}
    marker = terminals["PARAGRAPH_MARKER"]
    # TEXT continues over the next line unless it opens with one of these: "\n(?![^\S\n]*(?:...))"
    stop = _lookahead_body(terminals["TEXT"], "\n(?!")  # Lark writes the line break as is
    return _Patterns(
        # Searched as "\n(?=...)": re finds a literal line break fast, where "^" with MULTILINE
        # is tried at every character (and TEXT itself steps through every character).
        block_start=re.compile(f"\n(?={stop})"),
        block_head=re.compile(rf"\s*(?:({marker})[^\S\n]*)?"),
        # An annotation or a comment (or a stray '@', an error) where a line or a paragraph's text starts.
        markup=re.compile(rf"(?:\A|\n)[^\S\n]*(?:(?:{marker})[^\S\n]*)?(?:@|//)"),
    )


_NON_SPACE = re.compile(r"\S")


def scan_body(text: str, shift: tuple[int, int, int], tree: UnitTree) -> bool:
    """Give `tree` what the grammar's `body` rule reads in `text` (ending in a newline), and
    return True; or return False, giving nothing, when the body holds markup left to Lark.
    `shift` is (line0, col0, off0) as in treaty_parser._span. Backslashes are kept (text from
    XML has no escapes)."""
    patterns = _patterns()
    if ("@" in text or "//" in text) and patterns.markup.search(text):
        return False
    line0, col0, off0 = shift
    rfind, count = text.rfind, text.count
    head_match, non_space = patterns.block_head.match, _NON_SPACE.search
    done, line = 0, 1  # line numbers are counted forward from the last position converted
    # A block runs from a line that may open something (or the start) up to the next such line:
    # a paragraph and its text, or one TEXT token.
    block_ends = [m.start() for m in patterns.block_start.finditer(text)]
    block_ends.append(len(text))
    block_start = 0
    for block_end in block_ends:
        # The end position takes in the line break at block_end, which the marker's "(?=\s)"
        # may need to see. A marker can only be on a block's first line: one that may open
        # something.
        head = head_match(text, block_start, block_end + 1)
        block_start = block_end + 1
        after = head.end()  # type: ignore[union-attr]
        start, end = head.span(1)  # type: ignore[union-attr]
        if start < 0:
            if after >= block_end:  # blank lines
                continue
            start = after
        line += count("\n", done, start)
        column = start - rfind("\n", 0, start)
        if end >= 0:  # a paragraph marker
            marker = text[start:end]
            col_shift = col0 if line == 1 else 0
            marker_span = (line + line0, column + col_shift, start + off0,
                           line + line0, column + end - start + col_shift, end + off0)
            rest = text[after:block_end].rstrip()
            if rest and text[after] != "\n":  # the paragraph's text starts on the marker's line
                end = after + len(rest)
                end_line = line + count("\n", after, end)
                if end_line == line:
                    end_column = column + end - start
                else:
                    end_column = end - rfind("\n", after, end)
                tree.paragraph(marker, marker_span, rest, (
                    line + line0, column + after - start + col_shift, after + off0,
                    end_line + line0, end_column + (col0 if end_line == 1 else 0), end + off0,
                ))
                done, line = end, end_line
                continue
            tree.paragraph(marker, marker_span)
            if not rest:
                done = end
                continue
            # The text starts on a line of its own: a separate TEXT token.
            done, start = end, non_space(text, after).start()  # type: ignore[union-attr]
            line += count("\n", done, start)
            column = start - rfind("\n", 0, start)
        value = text[start:block_end].rstrip()
        end = start + len(value)
        end_line = line + count("\n", start, end)
        end_column = column + end - start if end_line == line else end - rfind("\n", start, end)
        tree.text(value, (
            line + line0, column + (col0 if line == 1 else 0), start + off0,
            end_line + line0, end_column + (col0 if end_line == 1 else 0), end + off0,
        ))
        done, line = end, end_line
    return True
