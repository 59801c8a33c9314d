"""Rule patterns are compiled to start with a literal (fast scan in `re`); they must match the
very same spans as the patterns as written."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyspace.rules import load_ruleset
from policyspace.rules.regex_prefix import compile_with_prefix

def _patterns() -> list[str]:
    """Every lower-cased pattern of the shipped rules, as the matcher compiled it."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if hasattr(node, "regex"):
            found.add(node.regex.pattern)
        for child in [*getattr(node, "children", []), getattr(node, "child", None),
                      getattr(node, "first", None), getattr(node, "second", None)]:
            if child is not None:
                walk(child)

    for rule in load_ruleset().compiled.rules:
        walk(rule.match)
        for _, node in rule.carve_outs:
            walk(node)
    return sorted(found)


def _spans(regex: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in regex.finditer(text)] + [
        m.span() for start in range(0, len(text), 7) if (m := regex.search(text, start)) is not None
    ]


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"\b(?:no|neither)\s+party", "xneither party; neither party shall"),
        (r"\bnotwithstanding\b|\bno obstante\b", "no obstante lo anterior, notwithstanding"),
        (r"\b(?:a|the)\s+x", "athe x, the x"),
        (r"\bexcepci[óo]n", "laexcepción y la excepcion"),
        (r"(?:\b(?:fiscal|tax)\s+stability|\bstabili[sz]ation)", "taxstability, tax stability, stabilisation"),
        (r"\b(?:may|shall)(?:\s+not)?\s+(?:apply|adopt)", "mayapply; may not adopt; shall apply"),
    ],
)
def test_rewritten_patterns_match_the_same_spans(pattern, text):
    fast = compile_with_prefix(pattern)
    assert fast.pattern == pattern
    assert _spans(fast, text) == _spans(re.compile(pattern), text)


def test_a_boundary_before_a_word_becomes_a_literal_prefix():
    # the compiled code differs from the plain compile: the rewrite happened
    assert compile_with_prefix(r"\bnotwithstanding\b") != re.compile(r"\bnotwithstanding\b")
    # a pattern it cannot help is compiled as written
    assert compile_with_prefix(r"\w+ment") == re.compile(r"\w+ment")


def test_a_bad_pattern_still_raises_like_re():
    with pytest.raises(re.error):
        compile_with_prefix(r"\b(?:unclosed")


_ALPHABET = "abcdeilmnoprstyáó .,;:()\n"


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_every_shipped_pattern_matches_the_same_spans_as_written(data):
    patterns = _patterns()
    assert len(patterns) > 100
    # texts made of the patterns' own words, glued with and without spaces and punctuation
    words = sorted({w for p in patterns for w in re.findall(r"[a-záéíóúñ]{2,}", p)})
    pieces = data.draw(st.lists(st.one_of(st.sampled_from(words), st.text(_ALPHABET, max_size=3)), max_size=60))
    text = "".join(pieces)
    for pattern in patterns:
        assert _spans(compile_with_prefix(pattern), text) == _spans(re.compile(pattern), text), pattern
