"""The bundled rules' patterns start with a word, so that Python's regex engine can skip ahead.

A pattern whose first element is a look-behind, `(?<!party )\\bshall not`, makes the engine try a
match at every character of every window; `\\bshall(?<!party shall) not` matches the same text and
lets it jump to each "shall". Three such patterns once made the whole rules pass 20% slower.
"""

from __future__ import annotations

from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]

from policyspace.rules import load_ruleset
from policyspace.rules import matcher


def _starts_with_lookbehind(items: list) -> bool:
    for op, av in items:
        if op is C.AT:  # \b and ^ are zero-width: look at what follows
            continue
        if op in (C.ASSERT, C.ASSERT_NOT):
            return av[0] == -1
        if op is C.SUBPATTERN:
            return _starts_with_lookbehind(list(av[-1]))
        if op is C.BRANCH:
            return any(_starts_with_lookbehind(list(branch)) for branch in av[1])
        return False
    return False


def test_the_check_sees_a_leading_lookbehind():
    assert _starts_with_lookbehind(list(P.parse(r"(?:x|(?<!party\s)\bshall\s+not)")))
    assert not _starts_with_lookbehind(list(P.parse(r"\bshall(?<!party\sshall)\s+not")))


def test_no_bundled_pattern_starts_with_a_lookbehind():
    compiled = load_ruleset().compiled
    patterns: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, matcher._Pattern):
            patterns.add(node.regex.pattern)
        for child in (getattr(node, "children", None) or []):
            walk(child)
        for name in ("child", "first", "second"):
            if hasattr(node, name):
                walk(getattr(node, name))

    for rule in compiled.rules:
        walk(rule.match)
        for _, node in rule.carve_outs:
            walk(node)
    assert len(patterns) > 100
    slow = sorted(p[:100] for p in patterns if _starts_with_lookbehind(list(P.parse(p))))
    assert not slow, f"patterns starting with a look-behind (move it after the first word): {slow}"
