"""Broken rule files give one clear error naming the file, the rule and the field (exit 2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policyspace.errors import RuleFileError
from policyspace.rules import check_treaty
from policyspace.rules.loader import build_ruleset
from policyspace.treaty_parser import parse_treaty

GOOD_RULE = """
[[rules]]
id = "TEST001"
title = "Test rule"
family = "isds"
severity = "high"
message = "m"
rationale = "r"
remediation = "x"
keywords = ["arbitration"]
[rules.match]
pattern = 'arbitration'
[[rules.examples]]
match = true
text = "The investor may go to arbitration."
[[rules.examples]]
match = false
text = "Consultations."
"""


def write(tmp_path: Path, text: str, name: str = "custom.toml") -> Path:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def error_for(folder: Path) -> str:
    with pytest.raises(RuleFileError) as info:
        build_ruleset([folder])
    return info.value.render()


def test_a_valid_extra_folder_adds_its_rules(tmp_path):
    ruleset = build_ruleset([write(tmp_path, GOOD_RULE)])
    assert ruleset.get("TEST001") is not None


def test_bad_regex_names_file_rule_and_field(tmp_path):
    message = error_for(write(tmp_path, GOOD_RULE.replace("pattern = 'arbitration'", "pattern = 'arbitra(tion'")))
    assert "custom.toml" in message
    assert "TEST001" in message
    assert "match.pattern" in message
    assert "invalid regular expression" in message


def test_missing_field_is_named(tmp_path):
    message = error_for(write(tmp_path, GOOD_RULE.replace('rationale = "r"\n', "")))
    assert "TEST001" in message and "rationale" in message


def test_unknown_field_is_refused(tmp_path):
    message = error_for(write(tmp_path, GOOD_RULE.replace('message = "m"', 'message = "m"\nseverty = "low"')))
    assert "severty" in message and "unknown field" in message


def test_unknown_family_and_severity(tmp_path):
    assert "family" in error_for(write(tmp_path, GOOD_RULE.replace('family = "isds"', 'family = "tax"')))
    assert "severity" in error_for(write(tmp_path, GOOD_RULE.replace('severity = "high"', 'severity = "huge"')))


def test_condition_needs_exactly_one_key(tmp_path):
    broken = GOOD_RULE.replace("pattern = 'arbitration'", "pattern = 'a'\nany = [{ pattern = 'b' }]")
    message = error_for(write(tmp_path, broken))
    assert "exactly one of" in message and "match" in message


def test_unknown_macro(tmp_path):
    message = error_for(write(tmp_path, GOOD_RULE.replace("pattern = 'arbitration'", "pattern = '{nosuchmacro}'")))
    assert "unknown macro {nosuchmacro}" in message


def test_caret_inside_a_pattern_is_refused(tmp_path):
    message = error_for(write(tmp_path, GOOD_RULE.replace("pattern = 'arbitration'", "pattern = 'a|^b'")))
    assert "'^'" in message


def test_treaty_rule_names_unknown_flag(tmp_path):
    text = GOOD_RULE + """
[[rules]]
id = "TEST101"
title = "t"
family = "isds"
severity = "high"
scope = "treaty"
message = "m"
rationale = "r"
remediation = "x"
treaty = { present = ["no_such_flag"] }
"""
    message = error_for(write(tmp_path, text))
    assert "TEST101" in message and "no_such_flag" in message


def test_duplicate_rule_id_across_files(tmp_path):
    folder = write(tmp_path, GOOD_RULE)
    write(tmp_path, GOOD_RULE, name="again.toml")
    assert "already used" in error_for(folder)


def test_not_toml(tmp_path):
    assert "not valid TOML" in error_for(write(tmp_path, "[[rules]\nid = "))


def test_keyword_must_be_one_word(tmp_path):
    message = error_for(write(tmp_path, GOOD_RULE.replace('["arbitration"]', '["investor state"]')))
    assert "keywords" in message and "one lower-case word" in message


def test_cli_reports_a_broken_extra_folder_with_exit_2(tmp_path, run_cli):
    folder = write(tmp_path, GOOD_RULE.replace("pattern = 'arbitration'", "pattern = '(('"))
    status, _out, err = run_cli("check", "--rules", str(folder), "corpus/model-bit.treaty")
    assert status == 2
    assert re.search(r"custom\.toml: error: rule TEST001, field match\.pattern", err)
    assert "Traceback" not in err


def test_version_is_a_stable_content_hash(tmp_path):
    folder = write(tmp_path, GOOD_RULE)
    first = build_ruleset([folder]).version
    assert build_ruleset([folder]).version == first
    (folder / "custom.toml").write_text(GOOD_RULE.replace('message = "m"', 'message = "changed"'), encoding="utf-8")
    assert build_ruleset([folder]).version != first


HEADING_RULE = GOOD_RULE.replace(
    "[rules.match]\npattern = 'arbitration'",
    "[rules.match]\nall = [ { pattern = 'arbitration' }, { heading = '\\binvestment' } ]",
)


def test_a_heading_condition_tests_the_articles_headings_not_the_window(tmp_path):
    ruleset = build_ruleset([write(tmp_path, HEADING_RULE)])
    inside = parse_treaty("Chapter 9: Investment\nArticle 1: Claims\nThe investor may go to arbitration.\n", path="a.treaty")
    outside = parse_treaty("Chapter 19: Dispute Settlement\nArticle 1: Panels\nThe Party may go to arbitration.\n", path="b.treaty")
    in_text = parse_treaty("Article 1: Claims\nThe investment dispute may go to arbitration.\n", path="c.treaty")
    assert [f.rule_id for f in check_treaty(inside, ruleset) if f.rule_id == "TEST001"] == ["TEST001"]
    assert not [f for f in check_treaty(outside, ruleset) if f.rule_id == "TEST001"]
    assert not [f for f in check_treaty(in_text, ruleset) if f.rule_id == "TEST001"]  # the text is not the heading


def test_a_bad_heading_regex_names_rule_and_field(tmp_path):
    message = error_for(write(tmp_path, HEADING_RULE.replace("\\binvestment", "(invest")))
    assert "TEST001" in message and "match.all[1].heading" in message
