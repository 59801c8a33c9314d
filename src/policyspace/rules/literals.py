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

from .regex_warnings import quiet_regex_warnings

_MAX_LITERALS = 32  # beyond this many alternatives the pre-check costs as much as the regex
_CASELESS = C.SRE_FLAG_IGNORECASE
_MAX_SPELLINGS = 8  # "[áa]...[óo]...": at most this many spellings of one literal run
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


def _requirements(items: list[tuple[object, object]]) -> list[list[str]]:
    """Every requirement of a sequence (all hold at once): its literal runs, and what its
    groups, repeats and branches require. Each requirement is a list of alternatives."""
    options: list[list[str]] = []
    run: list[str] = [""]  # the literal text just read, one string per spelling
    for op, av in items:
        if op is C.LITERAL:
            run = [prefix + chr(av) for prefix in run]  # type: ignore[arg-type]
            continue
        spellings = _class_letters(av) if op is C.IN else None
        if spellings and len(run) * len(spellings) <= _MAX_SPELLINGS:
            # "art[íi]culo": two spellings of one word, not "art" and "culo"
            run = [prefix + char for prefix in run for char in spellings]
            continue
        if run[0]:
            options.append(run)
        run = [""]
        if op is C.SUBPATTERN:
            if av[1] & _CASELESS:  # type: ignore[index]  # (?i:...) matches other letters
                continue
            options.extend(_requirements(list(av[-1])))  # type: ignore[index]
        elif op is C.BRANCH:
            branches = [_best(_requirements(list(b))) for b in av[1]]  # type: ignore[index]
            if all(branches):
                merged = sorted({lit for b in branches for lit in b})  # type: ignore[union-attr]
                options.append(merged)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            low, _, item = av  # type: ignore[misc]
            if low >= 1:
                options.extend(_requirements(list(item)))
        elif op is C.ATOMIC_GROUP if hasattr(C, "ATOMIC_GROUP") else False:
            options.extend(_requirements(list(av)))  # type: ignore[arg-type]
        # AT (\\b, ^), other classes, ANY, lookarounds, categories: no literal requirement
    if run[0]:
        options.append(run)
    return options


def _class_letters(items: object) -> list[str] | None:
    """The characters of a small class of plain characters ("[óo]"), else None."""
    chars = []
    for op, av in items:  # type: ignore[attr-defined]
        if op is not C.LITERAL:
            return None  # ranges, categories, negation
        chars.append(chr(av))
    return chars if 1 <= len(chars) <= 3 else None


def _parse(pattern: str) -> list[tuple[object, object]] | None:
    try:
        with quiet_regex_warnings():
            parsed = P.parse(pattern, 0)
    except Exception:  # noqa: BLE001 - any parser trouble means: no pre-check
        return None
    if parsed.state.flags & _CASELESS:
        return None
    return list(parsed)


def _usable(found: list[str] | None) -> list[str] | None:
    if not found or len(found) > _MAX_LITERALS or min(len(x) for x in found) < _MIN_LENGTH:
        return None
    # a literal that contains another is redundant: keep the shorter one
    found = sorted(set(found), key=len)
    kept: list[str] = []
    for lit in found:
        if not any(k in lit for k in kept):
            kept.append(lit)
    return kept


def required_literals(pattern: str) -> list[str] | None:
    """Strings one of which every match of `pattern` contains; None when none can be derived."""
    items = _parse(pattern)
    return None if items is None else _usable(_best(_requirements(items)))


def all_required_literals(pattern: str) -> list[list[str]]:
    """Every requirement of `pattern` that is worth testing: lists of strings, one string of each
    list occurs in every match."""
    items = _parse(pattern)
    if items is None:
        return []
    usable = (_usable(option) for option in _requirements(items))
    return [option for option in usable if option]


def is_common(literals: list[str]) -> bool:
    """Does one of these strings occur in nearly every treaty sentence?"""
    return any(x.strip() in _COMMON for x in literals)
