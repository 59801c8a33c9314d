"""Rule patterns can never hang a scan: risky regexes are refused, and every real rule is timed
against adversarial text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from policyspace.errors import RuleFileError
from policyspace.rules import check_treaty, load_ruleset
from policyspace.rules.loader import build_ruleset
from policyspace.rules.pattern_safety import check_backtracking
from policyspace.treaty_parser import parse_treaty


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(\w+\s*)*;", r"((?:ab)+)*", r"x(?=(a+)+)"])
def test_nested_unbounded_repetition_is_refused(pattern):
    with pytest.raises(ValueError, match="exponential time"):
        check_backtracking(pattern)


@pytest.mark.parametrize("pattern", [r"(?:\w+\s+){0,5}", r"a+b+", r"(?>a+)+", r"(?:investors?|states?)\b"])
def test_ordinary_patterns_pass(pattern):
    check_backtracking(pattern)


def test_a_rule_file_with_a_risky_pattern_names_rule_and_field(tmp_path: Path):
    (tmp_path / "team.toml").write_text(
        '[[rules]]\nid = "TEAM001"\ntitle = "t"\nfamily = "isds"\nseverity = "high"\nmessage = "m"\n'
        'rationale = "r"\nremediation = "r"\nkeywords = ["claim"]\nwindow = "sentence"\n'
        '[rules.match]\npattern = \'(claim\\s*)+$\'\n', encoding="utf-8"
    )
    with pytest.raises(RuleFileError) as info:
        build_ruleset([tmp_path])
    assert "TEAM001" in info.value.render() and "exponential time" in info.value.render()


def _adversarial_texts() -> list[str]:
    ruleset = load_ruleset()
    keywords = sorted({k for rule in ruleset.rules for k in getattr(rule, "keywords", []) or []})
    soup = " ".join(keywords)
    return [
        "Article 1\n" + (soup + " ") * 40,  # every keyword, over and over, no sentence end
        "Article 1\n" + ("investor " * 5000),
        "Article 1\n" + ("(a) " * 3000) + "\n",
        "Article 1\n" + ("export duty tax charge " * 2000),
        "Article 1\n" + "a" * 100_000,
    ]


def test_every_rule_runs_in_bounded_time_on_adversarial_text():
    ruleset = load_ruleset()
    for text in _adversarial_texts():
        treaty = parse_treaty(text)
        start = time.perf_counter()
        check_treaty(treaty, ruleset)
        assert time.perf_counter() - start < 3, text[:60]
