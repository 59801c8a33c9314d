"""Highlights point at the matched words inside the white-space-collapsed excerpt."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from policyspace.rules.engine import excerpt_with_highlights

_WS = re.compile(r"\s+")


@st.composite
def windows(draw):  # type: ignore[no-untyped-def]
    text = draw(st.text(alphabet="ab c.\n\t", min_size=1, max_size=900))
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    cuts = sorted(draw(st.lists(st.integers(start, end), min_size=2, max_size=6)))
    pairs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    return text, (start, end), pairs


@given(windows())
def test_highlights_land_where_the_collapsed_text_puts_them(case):
    text, window, highlights = case
    excerpt, marks = excerpt_with_highlights(text, window, highlights)
    if excerpt.startswith("…"):
        return  # a long window is cut around its first highlight; the short ones show the rule
    assert len(marks) == len(highlights)
    cut = window[0]
    for (s, e), mark in zip(highlights, marks):
        # the definition: the collapsed text before the highlight, measured
        assert mark.start == len(_WS.sub(" ", text[cut:s]).lstrip())
        assert mark.end == len(_WS.sub(" ", text[cut:e]).lstrip())
        assert excerpt[mark.start : mark.end] == mark.text


def test_a_highlight_after_line_breaks_lands_on_its_words():
    text = "Each  Party\n   shall not\timpose export duties."
    start = text.index("export")
    excerpt, marks = excerpt_with_highlights(text, (0, len(text)), [(start, start + len("export duties"))])
    assert excerpt == "Each Party shall not impose export duties."
    assert [m.text for m in marks] == ["export duties"]
