"""Compile rule patterns so that Python's regex engine can skip ahead to where a match may start.

CPython's `re` scans a text quickly when a pattern starts with a literal string (it searches for
that string) or with a set of literal first characters (it skips other characters). A pattern
that starts with a word boundary, `\\bnotwithstanding` or `\\b(?:no|neither) party`, gets neither:
the engine tries a match at every position of the text. Nearly every rule pattern starts so.

`compile_with_prefix` rewrites the parsed pattern into an equivalent one that starts with the
literal: `\\bword` becomes `word(?<=\\bword)` (the word, then a look-behind that checks the
boundary before it), and a boundary in front of alternatives is moved into each alternative.
Both forms match exactly the same spans. The rewrite works on the parse tree of CPython's own
regex parser (`re._parser`); if that is unavailable or anything about a pattern is unexpected,
the pattern is compiled as written, which gives the same matches, only slower.
"""

from __future__ import annotations

import re
from typing import Any

try:  # CPython 3.11+: the regex parser and compiler behind `re`
    from re import _compiler as _sre_compiler
    from re import _parser as _sre_parser
    from re._constants import ASSERT, AT, AT_BOUNDARY, BRANCH, IN, LITERAL, SUBPATTERN
except ImportError:  # pragma: no cover - other Python implementations
    _sre_parser = None  # type: ignore[assignment]

_MAX_LITERAL = 40  # longest literal run moved in front of its boundary check


def compiled_form(source: str, flags: int = 0) -> tuple[Any, ...]:
    """The arguments `_sre.compile` takes for `source` rewritten: (pattern, flags, code, groups,
    groupindex, indexgroup). The pattern string stays `source`, so the result looks and pickles
    like the pattern as written. Raises on anything unexpected."""
    if _sre_parser is None:
        raise RuntimeError("no access to the regex parser")
    tree = _sre_parser.parse(source, flags)
    if not flags & re.IGNORECASE:
        _rewrite(tree)
    code = [int(op) for op in _sre_compiler._code(tree, flags)]
    groupindex = dict(tree.state.groupdict)
    indexgroup: list[str | None] = [None] * tree.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return source, flags | tree.state.flags, code, tree.state.groups - 1, groupindex, tuple(indexgroup)


def restore(pattern: str, flags: int, code: list[int], groups: int, groupindex: dict[str, int],
            indexgroup: tuple[str | None, ...]) -> re.Pattern[str]:
    import _sre

    return _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)


def compile_with_prefix(source: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(source, flags)`, rewritten to start with a literal where that is exact."""
    plain = re.compile(source, flags)  # validates, and is the answer whenever the rewrite fails
    try:
        return restore(*compiled_form(source, plain.flags))
    except Exception:  # noqa: BLE001 - any surprise: the plain compile is always correct
        return plain


def _rewrite(tree: object) -> bool:
    """Rewrite a parsed pattern in place; True when it now starts with literal characters."""
    lead = _leading_literal(list(tree.data), tree.state)  # type: ignore[attr-defined]
    if lead is None:
        return False
    tree.data = lead  # type: ignore[attr-defined]
    tree.width = None  # type: ignore[attr-defined]
    return True


_MAX_ALTERNATIVES = 64  # a rewrite that would spell out more alternatives is not worth it
_MAX_CLASS = 8  # a class such as [áa] is spelt out as alternatives up to this many characters


def _leading_literal(data: list[tuple[Any, Any]], state: object) -> list[tuple[Any, Any]] | None:
    """`data` rewritten to match the same spans while starting with a literal character, or with
    alternatives that each start with one (what `re` needs for its fast scan); None if it can't."""
    if not data:
        return None
    op, av = data[0]
    if op is LITERAL:
        return data
    if op is SUBPATTERN:
        group, add_flags, del_flags, inner = av
        if group is None and not add_flags and not del_flags:  # (?:...): the same without the group
            return _leading_literal([*inner.data, *data[1:]], state)
        return None
    if op is BRANCH:
        return _branch([list(alt.data) for alt in av[1]], data[1:], state)
    if op is AT and av is AT_BOUNDARY and len(data) >= 2:
        nxt, nav = data[1]
        if nxt is LITERAL:
            run = 1
            while run < _MAX_LITERAL and 1 + run < len(data) and data[1 + run][0] is LITERAL:
                run += 1
            literals = data[1 : 1 + run]
            check = _sre_parser.SubPattern(state, [(AT, AT_BOUNDARY), *literals])
            return [*literals, (ASSERT, (-1, check)), *data[1 + run :]]
        if nxt is SUBPATTERN:
            group, add_flags, del_flags, inner = nav
            if group is None and not add_flags and not del_flags:
                return _leading_literal([data[0], *inner.data, *data[2:]], state)
            return None
        if nxt is BRANCH:  # \b(?:a|b)rest -> (?:\ba|\bb)rest
            return _branch([[data[0], *alt.data] for alt in nav[1]], data[2:], state)
        if nxt is IN:  # \b[áa]rest -> (?:\bá|\ba)rest
            letters = _class_letters(nav)
            if letters is None:
                return None
            return _branch([[data[0], (LITERAL, c)] for c in letters], data[2:], state)
    return None


def _branch(alternatives: list[list[tuple[Any, Any]]], rest: list[tuple[Any, Any]],
            state: object) -> list[tuple[Any, Any]] | None:
    """Alternatives (followed by `rest`), each made to start with a literal; nested alternatives
    in front are spelt out in order ((a|b)c|d -> ac|bc|d), which keeps re's leftmost-first choice."""
    out: list[Any] = []
    pending = list(alternatives)
    while pending:
        alt = _leading_literal(pending.pop(0), state)
        if alt is None:
            return None
        if alt[0][0] is BRANCH:
            inner = [[*a.data, *alt[1:]] for a in alt[0][1][1]]
            pending[:0] = inner
            if len(out) + len(pending) > _MAX_ALTERNATIVES:
                return None
            continue
        out.append(_sre_parser.SubPattern(state, alt))
        if len(out) > _MAX_ALTERNATIVES:
            return None
    return [(BRANCH, (None, out)), *rest]


def _class_letters(items: list[tuple[Any, Any]]) -> list[int] | None:
    """The characters of a class made only of literal characters, such as [áa]; else None."""
    if len(items) > _MAX_CLASS or not all(op is LITERAL for op, _ in items):
        return None
    return [value for _, value in items]
