"""Literal strings a regex cannot match without: a cheap `in` test before running the regex.

For `shall\\s+not\\s+(?:restrict|limit)` any match contains "restrict" or "limit", so a sentence
holding neither is rejected with two substring tests instead of a regex search. Works on the
parse tree of Python's own regex parser; a pattern it cannot reason about gets no pre-check.
"""

from __future__ import annotations

try:  # Python 3.11+
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover - older layout
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

_MAX_LITERALS = 32  # beyond this many alternatives the pre-check costs as much as the regex
_MIN_LENGTH = 3  # shorter literals reject too little to pay for the test
#: Words in nearly every treaty sentence: requiring one of them rejects almost nothing.
_COMMON = frozenset(
    ["shall", "the", "and", "not", "any", "may", "this", "that", "such", "with", "from", "under", "other", "party", "parties", "article", "agreement", "measure", "measures", "las", "los", "del", "que", "por", "una", "para", "sus", "este", "esta", "les", "des", "une"]
)


def _best(options: list[list[str] | None]) -> list[str] | None:
    """Of several requirements that all hold, keep the most selective one."""
    usable = [o for o in options if o]
    if not usable:
        return None

    def selectivity(lits: list[str]) -> tuple[bool, int, int]:
        common = any(x.strip() in _COMMON for x in lits)
        return (not common, min(len(x) for x in lits), -len(lits))

    return max(usable, key=selectivity)


def _sequence(items: list[tuple[object, object]]) -> list[str] | None:
    """Requirements of a sequence: literal runs, and what its groups and branches require."""
    options: list[list[str] | None] = []
    run: list[str] = []
    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))  # type: ignore[arg-type]
            continue
        if run:
            options.append(["".join(run)])
            run = []
        if op is C.SUBPATTERN:
            options.append(_sequence(list(av[-1])))  # type: ignore[index]
        elif op is C.BRANCH:
            branches = [_sequence(list(b)) for b in av[1]]  # type: ignore[index]
            if all(branches):
                merged = sorted({lit for b in branches for lit in b})  # type: ignore[union-attr]
                options.append(merged)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            low, _, item = av  # type: ignore[misc]
            if low >= 1:
                options.append(_sequence(list(item)))
        elif op is C.ATOMIC_GROUP if hasattr(C, "ATOMIC_GROUP") else False:
            options.append(_sequence(list(av)))  # type: ignore[arg-type]
        # AT (\\b, ^), IN (classes), ANY, lookarounds, categories: no literal requirement
    if run:
        options.append(["".join(run)])
    return _best(options)


def required_literals(pattern: str) -> list[str] | None:
    """Strings one of which every match of `pattern` contains; None when none can be derived."""
    try:
        parsed = P.parse(pattern, 0)
    except Exception:  # noqa: BLE001 - any parser trouble means: no pre-check
        return None
    found = _sequence(list(parsed))
    if not found or len(found) > _MAX_LITERALS or min(len(x) for x in found) < _MIN_LENGTH:
        return None
    # a literal that contains another is redundant: keep the shorter one
    found = sorted(set(found), key=len)
    kept: list[str] = []
    for lit in found:
        if not any(k in lit for k in kept):
            kept.append(lit)
    return kept
