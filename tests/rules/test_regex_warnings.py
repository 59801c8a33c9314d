"""A user's rule file whose regexes make Python warn ("Possible nested set") loads and runs quietly."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from policyspace.rules import check_treaty, load_ruleset
from policyspace.treaty_parser import parse_treaty

# A POSIX class written the way other regex engines accept it: `re` compiles `[[:alpha:]]` (as a
# set of '[', ':', 'a', ... followed by ']') but issues a FutureWarning each time it is parsed.
NESTED_SET_RULE = """
[[rules]]
id = "USR001"
title = "Offsets (user rule)"
family = "local-content"
severity = "low"
message = "m"
rationale = "r"
remediation = "x"
keywords = ["offset"]
[rules.match]
pattern = 'offsets?(?![[:alpha:]])'
[[rules.examples]]
match = true
text = "No Party shall seek offsets in procurement."
"""


def test_nested_set_pattern_loads_compiles_and_matches_without_warnings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "user.toml").write_text(NESTED_SET_RULE, encoding="utf-8")
    monkeypatch.setenv("POLICYSPACE_CACHE_DIR", str(tmp_path / "cache"))  # a fresh on-disk ruleset cache
    treaty = parse_treaty("Article 1\nNo Party shall seek offsets in procurement.\n", path="t.treaty")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ruleset = load_ruleset([rules])
        findings = check_treaty(treaty, ruleset)
    assert "USR001" in {f.rule_id for f in findings}
    assert [str(w.message) for w in caught if issubclass(w.category, FutureWarning)] == []
