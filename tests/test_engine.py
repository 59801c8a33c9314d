"""The rules engine as a user sees it: findings with exact locations, carve-outs, extracted
values, suppressions, treaty-level rules and flags, and the check/rules/explain commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policyspace.findings import Scope, Severity
from policyspace.rules import check_treaty, load_ruleset, treaty_flags, unused_suppressions
from policyspace.treaty_parser import parse_treaty

REPO = Path(__file__).resolve().parent.parent

BIT = """\
---
title: Test BIT
parties: GHA, NLD
type: BIT
---
Chapter 1: Investment

@tags isds
@suppress ISDS003: accepted in the last round
Article 9: Investor-State Arbitration
1. If the dispute has not been settled within six months, the investor may submit the claim to
arbitration under the ICSID Convention or the UNCITRAL Arbitration Rules.
2. Each Party consents to the submission of a claim to arbitration under this Article.
3. The disputing investor shall deliver a notice of intent to the respondent.

@suppress STAB001: nothing to silence here
Article 10: Duration
The provisions of this Agreement shall continue to be effective for a further period of fifteen
years from the date of termination.
"""


def findings_for(text: str, path: str = "test.treaty"):
    return check_treaty(parse_treaty(text, path))


def by_rule(findings):
    return {f.rule_id: f for f in findings}


def test_finding_points_at_the_matched_words():
    found = by_rule(findings_for(BIT))
    isds2 = found["ISDS002"]
    assert isds2.file == "test.treaty"
    assert isds2.unit_path == ["Chapter 1", "Article 9", "1."]
    lines = BIT.splitlines()
    line = lines[isds2.start_line - 1]
    assert line[isds2.start_column - 1 :].startswith("investor")
    assert isds2.end_line == isds2.start_line + 1  # the match runs onto the wrapped line
    assert BIT[isds2.start_offset : isds2.start_offset + 8] == "investor"
    assert "investor may submit the claim" in isds2.excerpt
    assert all(isds2.excerpt[h.start : h.end] == h.text for h in isds2.highlights)


def test_extracted_forums_cooling_off_and_survival_years():
    found = by_rule(findings_for(BIT))
    assert set(found["ISDS002"].extracted["forums"]) == {"ICSID", "UNCITRAL"}
    assert found["ISDS002"].extracted["cooling_off_months"] == ["6"]
    assert "15" in found["STAB007"].extracted["survival_years"]


def test_suppression_marks_the_finding_and_unused_ones_are_reported():
    treaty = parse_treaty(BIT, "test.treaty")
    findings = check_treaty(treaty)
    isds3 = by_rule(findings)["ISDS003"]
    assert isds3.suppressed and isds3.suppression_reason == "accepted in the last round"
    assert not by_rule(findings)["ISDS002"].suppressed
    unused = unused_suppressions(treaty, findings)
    assert [a.rule_ids for a in unused] == [["STAB001"]]


def test_suppression_on_an_enclosing_chapter_applies():
    text = BIT.replace("Chapter 1: Investment\n", "@suppress ISDS002: chapter-wide\nChapter 1: Investment\n")
    assert by_rule(findings_for(text))["ISDS002"].suppression_reason == "chapter-wide"


def test_expected_is_set_from_the_articles_tags():
    found = by_rule(findings_for(BIT))
    assert found["ISDS001"].expected is True
    assert found["STAB007"].expected is False


def test_treaty_level_rules_combine_clause_findings():
    found = by_rule(findings_for(BIT))
    assert found["ISDS101"].scope == Scope.TREATY  # ISDS and no general exceptions
    assert found["ISDS102"].scope == Scope.TREATY  # ISDS and no exhaustion of local remedies
    assert found["STAB101"].extracted["survival_years"] == ["15"]
    with_exceptions = BIT + (
        "\nArticle 11: General Exceptions\nSubject to the requirement that such measures are not a disguised "
        "restriction on investment, nothing in this Agreement shall prevent a Party from adopting measures "
        "necessary to protect human, animal or plant life or health.\n"
    )
    assert "ISDS101" not in by_rule(findings_for(with_exceptions))


def test_flags_come_from_rule_metadata():
    findings = findings_for(BIT)
    flags = treaty_flags(findings)
    for name in ("isds_present", "performance_requirements_prohibited", "umbrella_clause_present",
                 "export_duty_ban_present", "stabilization_present", "general_exceptions_present"):
        assert name in flags
    assert flags["isds_present"] is True
    assert flags["umbrella_clause_present"] is False
    ruleset = load_ruleset()
    assert all(ruleset.rules_with_flag(name) for name in flags)


def test_informational_findings_do_not_set_flags():
    text = ("Article 1: Review\nThe Parties shall commence negotiations within two years with a view to "
            "establishing an investor-state dispute settlement mechanism.\n")
    findings = findings_for(text)
    assert [f.severity for f in findings if f.rule_id == "ISDS006"] == [Severity.INFO]
    assert treaty_flags(findings)["isds_present"] is False


def test_cross_references_and_definitions_are_ignored():
    text = ("Article 1: Definitions\n\"performance requirement\" means a requirement to achieve a given level "
            "of domestic content, which no Party may impose.\n"
            "Article 2: Financial Services\nArticle 10.9 (Performance Requirements) applies.\n")
    assert not [f for f in findings_for(text) if f.family.value == "local-content"]


def test_a_provision_that_shall_not_apply_is_a_carve_out_not_a_cross_reference():
    # "Article 10.9 applies" only points elsewhere; "paragraph 1 of this Article shall not apply to ..." carves out
    text = ("Article 1: Most-Favoured-Nation Treatment\nEach Party shall accord to services of the other Party "
            "treatment no less favourable than that it accords to like services of any third State. The provisions "
            "of paragraph 1 of this Article shall not apply to any measure by a Party with respect to sectors, "
            "sub-sectors or activities, as set out in its Schedule of Specific Commitments in Annex 5.\n")
    assert [f for f in findings_for(text) if f.family.value == "safeguard"]


def test_a_definition_introduced_with_a_colon_is_still_a_definition():
    # "For the purposes of this Agreement: ..." opens a definition as the comma form does
    text = ("Article 1: Establishment\nA Free Trade Area is hereby established. For the purposes of this Agreement: "
            "\"quantitative restrictions\" means prohibitions or restrictions on imports from or exports to the "
            "territory of another Party, whether made effective through quotas or export licences.\n")
    assert not [f for f in findings_for(text) if f.family.value == "export-restriction"]
    binding = text.replace("For the purposes of this Agreement: \"quantitative restrictions\" means prohibitions",
                           "No Party shall apply prohibitions")
    assert [f for f in findings_for(binding) if f.family.value == "export-restriction"]


def test_a_scope_and_definitions_article_is_read_but_its_definitions_are_not():
    scope = ("Article 13: Scope and Definitions\n"
             "1. This Chapter shall only apply to a dispute between a Party and an investor of the other Party "
             "with respect to its investment, which the investor may submit to arbitration under the ICSID Convention.\n"
             "2. \"performance requirement\" means a requirement to achieve a given level of domestic content, "
             "which no Party may impose.\n")
    found = findings_for(scope)
    assert {f.family.value for f in found} >= {"isds"}
    assert not [f for f in found if f.family.value == "local-content"]  # the definition sentence stays ignored
    # the same text headed "Definitions" alone is a definitions article, skipped as a whole
    assert not [f for f in findings_for(scope.replace("Scope and Definitions", "Definitions")) if f.scope.value == "clause"]


def test_carve_out_drops_or_downgrades_and_is_recorded():
    permitted = "Article 1: Export Taxes\nEach Party may levy duties, taxes or other charges on the export of ores.\n"
    assert "EXP001" not in by_rule(findings_for(permitted))
    closed = ("Article 1: Claims\nThe investor may submit a claim to arbitration concerning an investment "
              "agreement; no claim may be submitted to arbitration concerning any other measure.\n")
    isds2 = by_rule(findings_for(closed))["ISDS002"]
    assert isds2.severity == Severity.MEDIUM  # high, downgraded one step
    assert isds2.carve_outs and isds2.carve_outs[0].effect == "downgraded"


def test_output_order_is_deterministic():
    first = [f.model_dump() for f in findings_for(BIT)]
    second = [f.model_dump() for f in findings_for(BIT)]
    assert first == second
    keys = [(f["file"], f["start_offset"]) for f in first]
    assert keys == sorted(keys)


def test_policy_space_model_has_nothing_but_safeguards():
    from policyspace.importers import load_document

    findings = check_treaty(load_document(REPO / "corpus" / "policy-space-model.treaty"))
    assert findings, "the safeguards should be found"
    assert {f.family.value for f in findings if f.severity != Severity.INFO} == {"safeguard"}


# ---------------------------------------------------------------- commands


def test_check_text_output(run_cli):
    status, out, _err = run_cli("check", str(REPO / "corpus" / "model-bit.treaty"))
    assert status == 0
    line = next(l for l in out.splitlines() if " STAB001 " in l)
    assert line.startswith(str(REPO / "corpus" / "model-bit.treaty") + ":")
    assert " high " in line and '"Each Contracting Party shall observe' in line


def test_check_json_has_the_documented_fields(run_cli):
    status, out, _ = run_cli("check", "--format", "json", str(REPO / "corpus" / "model-bit.treaty"))
    assert status == 0
    findings = json.loads(out)
    required = {"rule_id", "family", "severity", "file", "unit_path", "start_line", "start_column",
                "end_line", "end_column", "excerpt", "carve_outs"}
    assert findings and all(required <= set(f) for f in findings)


def test_check_missing_file_exits_2(run_cli, tmp_path):
    status, _, err = run_cli("check", str(tmp_path / "nope.treaty"))
    assert status == 2 and "no such file" in err


def test_check_unknown_family_exits_2(run_cli):
    status, _, err = run_cli("check", "--family", "tax", str(REPO / "corpus" / "model-bit.treaty"))
    assert status == 2 and "unknown family" in err


def test_rules_lists_every_rule(run_cli):
    status, out, _ = run_cli("rules", "--format", "json")
    assert status == 0
    listed = {r["id"] for r in json.loads(out)["rules"]}
    assert listed == {r.id for r in load_ruleset().rules}


def test_explain_has_the_ruff_like_sections(run_cli):
    status, out, _ = run_cli("explain", "STAB001")
    assert status == 0
    for heading in ("## What it does", "## Why it matters", "## Example", "## Use instead", "## References"):
        assert heading in out


def test_explain_unknown_rule_suggests_close_ids(run_cli):
    status, _, err = run_cli("explain", "STAB01")
    assert status == 2 and "did you mean" in err


@pytest.mark.parametrize("rule_id", ["ISDS101", "STAB101"])
def test_explain_treaty_rules(run_cli, rule_id):
    status, out, _ = run_cli("explain", rule_id)
    assert status == 0 and "Treaty-level rule" in out


PREAMBLES = """\
---
title: Preamble test
---
The Parties, desiring that no Party shall adopt or maintain any duty, tax or other charge on the export of any good, agree as follows:

Chapter 1: Preamble
Article: Recitals
No Party shall adopt or maintain any duty, tax or other charge on the export of any good to the territory of the other Party.

Chapter 2: Trade in goods
Article 1: Export duties
No Party shall adopt or maintain any duty, tax or other charge on the export of any good to the territory of the other Party.
"""


def test_preamble_recitals_are_not_findings_but_the_same_words_in_an_article_are():
    findings = check_treaty(parse_treaty(PREAMBLES, "draft.treaty"), load_ruleset())
    assert {tuple(f.unit_path) for f in findings if f.rule_id == "EXP001"} == {("Chapter 2", "Article 1")}


def test_a_numbered_article_under_a_preamble_heading_still_counts():
    # some ToTA files put a whole treaty under a "Preamble" heading
    text = PREAMBLES.replace("Article: Recitals", "Article 7: Recitals")
    findings = check_treaty(parse_treaty(text, "draft.treaty"), load_ruleset())
    assert {tuple(f.unit_path) for f in findings if f.rule_id == "EXP001"} == {
        ("Chapter 1", "Article 7"),
        ("Chapter 2", "Article 1"),
    }


def test_a_law_whose_articles_run_on_after_their_number_is_not_a_preamble():
    # "Artículo 2.- El Estado ..." with the sentence on the same line is not read as a heading, so
    # the whole law lands before the first heading; it is still the law's text, not recitals.
    law = ("LEY DE INVERSIONES\n"
           "Artículo 1.- La presente ley regula las inversiones extranjeras.\n"
           "Artículo 2.- El Estado garantiza a los inversionistas que suscriban contratos de estabilidad "
           "jurídica que se les continuarán aplicando las normas vigentes durante el término del contrato.\n")
    assert "STAB003" in by_rule(findings_for(law, "ley.txt"))
    recitals = "The Parties,\nRecognising the right to regulate and the need for stable legal frameworks,\n" \
               "Have agreed as follows:\nArticle 1: Scope\nThis Agreement applies to trade in goods.\n"
    assert not findings_for(recitals)


def test_a_numbered_paragraph_run_on_in_the_same_line_starts_a_new_sentence():
    # BIT texts copied from web pages often keep "(1) ... (2) ..." on one line; a rule's sentence
    # window must not carry the words of paragraph (1) into paragraph (2).
    from policyspace.rules.engine import article_text, evaluation_units
    from policyspace.rules.schema import Window

    text = ("Article 6: Transfers\n(1) Such funds may include capital used to maintain and increase investments. "
            "(2) Nothing in paragraph (1) of this Article shall affect the transfer of compensation. "
            "3. Transfers shall be made in a convertible currency.\n")
    (path, unit), = evaluation_units(parse_treaty(text, "t.treaty"))
    article = article_text(path, unit)
    sentences = [article.text[s:e].strip()[:12] for s, e in article.windows(Window.SENTENCE)]
    assert [s for s in sentences if s != "3."] == ["Such funds m", "(2) Nothing ", "Transfers sh"]
    assert "SAFE011" not in by_rule(findings_for(text))


def test_a_footnote_mark_after_a_full_stop_ends_the_sentence():
    # ToTA keeps footnote numbers glued to the full stop ("... for a Party.8"); the definition
    # before it must not swallow the exclusion list that follows, and "Article 10.3" at a line's
    # end is not a sentence end.
    from policyspace.rules.engine import article_text, evaluation_units
    from policyspace.rules.schema import Window

    text = ("Chapter 6: Government Procurement\nArticle 6.1: Scope and Coverage\n"
            "For the purpose of this Chapter, covered procurement means procurement that is not excluded "
            "from coverage in paragraph 4 for a Party.8\n"
            "Except where provided otherwise in Annex XIII, this Chapter shall not apply to:\n"
            "contracts awarded pursuant to an international agreement relating to the stationing of troops; "
            "as set out in Article 10.3\nof the Agreement.\n")
    (path, unit), = evaluation_units(parse_treaty(text, "t.treaty"))
    article = article_text(path, unit)
    sentences = [article.text[s:e].strip()[:14] for s, e in article.windows(Window.SENTENCE)]
    assert sentences == ["For the purpos", "8\nExcept where"]
    assert "SAFE010" in by_rule(findings_for(text))


def test_informational_rules_raise_their_own_flags():
    text = ("Article 1: Review\nThe Parties shall commence negotiations within two years with a view to "
            "establishing an investor-state dispute settlement mechanism.\n"
            "Article 2: Duration\nIn respect of investments made prior to the date of termination, this "
            "Agreement shall continue to be effective for a further period of fifteen years from that date.\n")
    findings = findings_for(text)
    assert {f.rule_id: f.severity for f in findings if f.rule_id in ("ISDS006", "STAB007")} == {
        "ISDS006": Severity.INFO, "STAB007": Severity.INFO}
    flags = treaty_flags(findings)
    assert flags["isds_future_negotiation"] is True
    assert flags["survival_clause_present"] is True
    assert flags["isds_present"] is False
    silenced = [f.model_copy(update={"suppressed": True}) for f in findings]
    assert treaty_flags(silenced)["survival_clause_present"] is False


def test_a_finding_lowered_to_info_raises_no_flag():
    findings = [f for f in findings_for(BIT) if "isds_present" in load_ruleset().get(f.rule_id).flags]
    assert findings and treaty_flags(findings)["isds_present"] is True
    lowered = [f.model_copy(update={"severity": Severity.INFO}) for f in findings]
    assert treaty_flags(lowered)["isds_present"] is False
