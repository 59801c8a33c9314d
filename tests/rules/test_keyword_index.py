"""The keyword prefilter gives the same answer with and without the Aho-Corasick accelerator."""

from __future__ import annotations

import sys

import pytest

from policyspace.rules.keyword_index import KeywordIndex
from policyspace.rules.literals import required_literals
from policyspace.rules.matcher import flexible_spaces, lower_pattern

TEXT = "each party consents to arbitration; the investor may submit a claim to arbitration (icsid)."
WORDS = ["arbitra", "investor", "icsid", "consent", "export"]


def test_positions_are_found():
    found = KeywordIndex(WORDS).positions(TEXT)
    assert found["arbitra"] == [TEXT.index("arbitra"), TEXT.rindex("arbitra")]
    assert "export" not in found


@pytest.mark.parametrize("accelerated", [True, False])
def test_a_short_keyword_must_start_a_word(monkeypatch, accelerated):
    if not accelerated:
        monkeypatch.setitem(sys.modules, "ahocorasick", None)
    text = "canada: nada de lo dispuesto; las medidas relacionadas; article xi; existing taxes"
    found = KeywordIndex(["nada", "xi", "tax", "arbitra"]).positions(text)
    assert found["nada"] == [text.index("nada de")]  # not inside "Canada" or "relacionadas"
    assert found["xi"] == [text.index("xi;")]  # not inside "existing"
    assert found["tax"] == [text.index("taxes")]  # a stem still finds longer words


def test_fallback_without_pyahocorasick_agrees(monkeypatch):
    accelerated = KeywordIndex(WORDS)
    monkeypatch.setitem(sys.modules, "ahocorasick", None)  # import now fails
    fallback = KeywordIndex(WORDS)
    assert not fallback.accelerated
    assert fallback.positions(TEXT) == accelerated.positions(TEXT)


@pytest.mark.parametrize(
    ("pattern", "text", "should_match"),
    [
        ("investment agreement", "an investment\n      agreement", True),
        ("(?:the )?umbrella", "umbrella", True),
        ("[^ ]+x", "abx", True),
        # inside a character class a space is any one white-space character, no-break space included
        ("balance[- ]?of", "balance\xa0of", True),
        ("balance[- ]?of", "balance\nof", True),
        ("balance[- ]?of", "balance_of", False),
        # a hyphen-or-space class takes a wrapped line too (ToTA: "balance of \n\n payments")
        ("balance[- ]?of[- ]?payments", "balance \n\n\nof payments", True),
        ("balance[- ]?of[- ]?payments", "balance-of-payments", True),
        ("non[- ]party", "non \n party", True),
        ("non[- ]party", "non--party", False),
        ("[^ ]+x", "a\nx", False),
        # an optional space takes a wrapped line as well as nothing
        ("non-?tariff ?measures", "non-tariff \n  measures", True),
        ("non-?tariff ?measures", "nontariffmeasures", True),
        ("non-?tariff ?measures", "non-tariff-measures", False),
    ],
)
def test_a_space_in_a_pattern_matches_any_line_break(pattern, text, should_match):
    import re

    assert bool(re.search(flexible_spaces(pattern), text)) is should_match


def test_lower_pattern_keeps_escapes():
    assert lower_pattern(r"\bICSID\S+\W") == r"\bicsid\S+\W"


def test_required_literals_reject_windows_cheaply():
    assert set(required_literals(r"\bshall\s+not\s+(?:restrict|limit)\b") or []) == {"restrict", "limit"}
    assert required_literals(r"\w+") is None  # nothing literal to require


def test_a_space_inside_a_look_behind_keeps_it_fixed_width():
    import re

    regex = re.compile(flexible_spaces(r"(?<!\bno )\brequire that"))  # \s+ there would not compile
    assert regex.search("may require that")
    assert not regex.search("no require that")
    assert regex.search("may require\n  that")  # outside the look-behind a space still stretches
