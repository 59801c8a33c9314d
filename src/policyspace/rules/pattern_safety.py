"""Refuse regular expressions that can take exponential time (catastrophic backtracking).

Python's `re` has no match timeout, so a rule such as `(\\w+\\s?)+$` could hang a scan on one
unlucky article. The classic cause is an unbounded repetition nested inside another unbounded
repetition; such a pattern is refused when the rule file is loaded, naming the rule and field.
Atomic groups and possessive quantifiers (`(?>...)`, `x++`) cannot backtrack and are allowed.
"""

from __future__ import annotations

from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]
from typing import Any

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
_UNBOUNDED = sre_constants.MAXREPEAT


def _contains_unbounded_repeat(items: Any) -> bool:
    for op, arg in items:
        if op in _REPEATS:
            _, high, sub = arg
            if high == _UNBOUNDED or _contains_unbounded_repeat(sub):
                return True
        elif op is sre_constants.SUBPATTERN and _contains_unbounded_repeat(arg[-1]) or op is sre_constants.BRANCH and any(_contains_unbounded_repeat(b) for b in arg[1]):
            return True
    return False


def _find_nested(items: Any) -> bool:
    for op, arg in items:
        if op in _REPEATS:
            _, high, sub = arg
            if (high == _UNBOUNDED and _contains_unbounded_repeat(sub)) or _find_nested(sub):
                return True
        elif op is sre_constants.SUBPATTERN and _find_nested(arg[-1]) or op is sre_constants.BRANCH and any(_find_nested(b) for b in arg[1]) or op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT) and _find_nested(arg[1]):
            return True
    return False


def check_backtracking(pattern: str) -> None:
    """Raise ValueError when `pattern` nests unbounded repetitions, e.g. `(a+)+` or `(\\w+\\s*)*`."""
    if _find_nested(sre_parser.parse(pattern)):
        raise ValueError(
            f"the pattern {pattern[:80]!r} nests an unbounded repetition inside another "
            "(such as '(\\w+\\s*)+'), which can take exponential time on some texts; bound the "
            "outer repetition (e.g. '{0,10}') or make the inner one atomic ('(?>...)')"
        )
