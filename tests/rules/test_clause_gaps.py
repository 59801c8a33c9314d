"""A rule's `[^.;]` gap stays inside one clause, but the full stop of "Article 10.3" does not end one."""

from __future__ import annotations

from policyspace.rules.matcher import compile_pattern, number_aware_gaps


def test_the_gap_crosses_a_numbered_reference_but_not_a_sentence_end():
    regex = compile_pattern(r"\bnothing in\b[^.;]{0,80}\bshall be construed", {})
    assert regex.search("nothing in article 10.3 shall be construed to prevent")
    assert regex.search("nothing in paragraph 2.1(b) of article 9.4 shall be construed")
    assert not regex.search("nothing in article 10. shall be construed")
    assert not regex.search("nothing in this article applies; it shall be construed")


def test_only_the_clause_gap_class_is_rewritten():
    assert number_aware_gaps(r"a[^.;]{0,5}b") == r"a(?:[^.;]|\.(?=\d)){0,5}b"
    for unchanged in (r"a[^.;,]b", r"a[^.]b", r"a\[^.;]b", r"[a-z^.;]"):
        assert number_aware_gaps(unchanged) == unchanged
