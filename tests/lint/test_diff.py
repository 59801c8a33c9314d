"""`policyspace diff`: the changes a negotiator would name between two rounds of a draft."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policyspace.diffing import DraftDiff, word_diff

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
ROUND3, ROUND4 = CORPUS / "draft-2024-round3.treaty", CORPUS / "draft-2024-round4.treaty"
GHANA1, GHANA2 = CORPUS / "bit-ghana-netherlands-v1.treaty", CORPUS / "bit-ghana-netherlands-v2.treaty"


def run_diff(run_cli, old: Path, new: Path, *args: str) -> DraftDiff:
    code, out, err = run_cli("diff", "--isolated", "--format", "json", *args, str(old), str(new))
    assert code == 0, err
    return DraftDiff.model_validate(json.loads(out))


def restrictive(diff: DraftDiff, change: str) -> set[tuple[str, str]]:
    """(family, unit label in the new draft, or 'whole agreement') of counted restrictive changes."""
    out = set()
    for c in diff.findings_by_change(change):
        if c.family.value == "safeguard" or c.severity.value == "info":
            continue
        unit = c.unit.split(" (was ")[0]
        out.add((c.family.value, " ".join(unit.split()[:2]) if unit.startswith("Article") else unit))
    return out


def renumbering(diff: DraftDiff) -> dict[str, str]:
    return {u.old.number: u.new.number for u in diff.renumbered_units()}


def words(diff: DraftDiff, article: str, op: str) -> str:
    [unit] = [u for u in diff.flagged_text_changes() if u.new and u.new.label == article]
    return " ".join(s.text for s in unit.word_diff if s.op == op)


# ---------------------------------------------------------------- round 3 -> round 4


def test_round4_structure_new_article_renumbering_and_a_move(run_cli) -> None:
    diff = run_diff(run_cli, ROUND3, ROUND4)
    assert [u.new.label for u in diff.added_units()] == ["Article 8.5"]
    assert diff.removed_units() == []
    assert renumbering(diff) == {"8.5": "8.6", "8.6": "8.7", "8.7": "8.9", "8.9": "8.10", "8.10": "8.11"}
    assert [u.new.title for u in diff.moved_units()] == ["Import Licensing"]


def test_round4_findings_the_export_duty_ban_is_the_one_new_finding(run_cli) -> None:
    diff = run_diff(run_cli, ROUND3, ROUND4)
    assert restrictive(diff, "added") == {("export-restriction", "Article 8.5")}
    assert restrictive(diff, "removed") == set()
    # renumbering alone (8.5 -> 8.6, 8.6 -> 8.7) never changes a finding
    assert all("(was " not in c.unit for c in diff.findings if not c.differences)


def test_round4_narrowed_critical_shortage_exception_shows_in_its_words(run_cli) -> None:
    diff = run_diff(run_cli, ROUND3, ROUND4)
    flagged = {u.new.label for u in diff.flagged_text_changes()}
    assert "Article 8.7" in flagged  # the safeguard, renumbered from 8.6
    deleted, inserted = words(diff, "Article 8.7", "delete"), words(diff, "Article 8.7", "insert")
    assert "any product" in deleted and "foodstuffs" in inserted
    assert "one year" in deleted and "six months" in inserted
    assert "does not apply to Article 8.5" in inserted
    # the resolved bracket on minimum export prices in the export-restriction article
    assert "[GBR:" in words(diff, "Article 8.6", "delete")
    # articles that only moved or were renumbered have no text change
    assert not {"Article 8.9", "Article 8.10", "Article 8.11"} & flagged


def test_round4_score_falls_for_export_restrictions_only(run_cli) -> None:
    diff = run_diff(run_cli, ROUND3, ROUND4)
    deltas = {s.family: s.delta for s in diff.scores}
    assert deltas["export-restriction"] < 0
    assert deltas["isds"] == deltas["stabilization"] == deltas["local-content"] == 0
    assert deltas["overall"] < 0


# ---------------------------------------------------------------- Ghana-Netherlands draft 1 -> 2


def test_bit_structure_two_new_articles_and_everything_after_renumbered(run_cli) -> None:
    diff = run_diff(run_cli, GHANA1, GHANA2)
    assert [u.new.title for u in diff.added_units()] == ["Most-Favoured-Nation Treatment", "Observance of Commitments"]
    assert diff.removed_units() == []
    assert renumbering(diff) == {"4": "5", "5": "6", "6": "7", "7": "8", "8": "10", "9": "11", "10": "12",
                                 "11": "13", "12": "14"}
    assert diff.moved_units() == []
    # the investor-state article was rewritten but keeps its title: still the same article
    isds = next(u for u in diff.units if u.new and u.new.number == "12")
    assert isds.old is not None and isds.old.number == "10"


def test_bit_findings_are_the_concessions_a_negotiator_would_name(run_cli) -> None:
    diff = run_diff(run_cli, GHANA1, GHANA2)
    added = restrictive(diff, "added")
    assert ("isds", "Article 4") in added  # MFN reaching dispute settlement
    assert ("stabilization", "Article 9") in added  # umbrella clause
    assert ("stabilization", "Article 5") in added  # legitimate expectations in FET
    assert ("isds", "Article 11") in added  # tax measures open to expropriation claims
    # nothing is attributed to articles whose words did not change
    unchanged = {f"Article {u.new.number}" for u in diff.units if u.old and u.new and not u.text_changed}
    touched = {unit for _, unit in added | restrictive(diff, "removed") | restrictive(diff, "changed")}
    assert not unchanged & touched
    # investor-state arbitration: UNCITRAL added as a forum
    changed = [c for c in diff.findings_by_change("changed") if c.family.value == "isds"]
    assert any("UNCITRAL" in d for c in changed for d in c.differences)


def test_bit_weakened_right_to_regulate_shows_in_its_words(run_cli) -> None:
    diff = run_diff(run_cli, GHANA1, GHANA2)
    assert "otherwise consistent with this Agreement" in words(diff, "Article 7", "insert")
    assert "The mere fact that a Contracting Party regulates" in words(diff, "Article 7", "delete")
    assert "fifteen" in words(diff, "Article 14", "insert")


def test_bit_scores_fall_for_isds_and_stabilization(run_cli) -> None:
    deltas = {s.family: s.delta for s in run_diff(run_cli, GHANA1, GHANA2).scores}
    assert deltas["isds"] < 0 and deltas["stabilization"] < 0 and deltas["overall"] < 0


# ---------------------------------------------------------------- behaviour


def test_identical_drafts_have_no_changes(run_cli) -> None:
    diff = run_diff(run_cli, ROUND4, ROUND4)
    assert diff.findings == []
    assert all(u.status == "unchanged" and not u.renumbered and not u.moved for u in diff.units)
    assert all(s.delta == 0 for s in diff.scores)


def test_suppression_in_the_new_draft_is_a_changed_finding(run_cli, tmp_path: Path) -> None:
    text = ROUND4.read_text(encoding="utf-8").replace(
        "Article 8.5: Export Duties", "@suppress EXP001: accepted for market access\nArticle 8.5: Export Duties"
    )
    new = tmp_path / "round4-accepted.treaty"
    new.write_text(text, encoding="utf-8")
    diff = run_diff(run_cli, ROUND4, new)
    [change] = diff.findings
    assert (change.change, change.rule_id) == ("changed", "EXP001")
    assert change.differences == ["now suppressed: accepted for market access"]


def test_ignore_applies_to_both_drafts(run_cli) -> None:
    diff = run_diff(run_cli, ROUND3, ROUND4, "--ignore", "export-restriction")
    assert restrictive(diff, "added") == set()


def test_terminal_output_names_the_changes(run_cli) -> None:
    code, out, _ = run_cli("diff", "--isolated", str(ROUND3), str(ROUND4))
    assert code == 0
    assert "1 finding added, 0 removed, 0 changed" in out
    assert "+ EXP001 [high]" in out and "Article 8.5 Export Duties, Taxes and Other Charges" in out
    assert "[-any product-] {+foodstuffs+}" in out
    assert "Article 8.7 → Article 8.9  Import Licensing" in out


def test_html_diff_is_one_escaped_page_in_the_report_family(run_cli, tmp_path: Path) -> None:
    text = GHANA2.read_text(encoding="utf-8").replace(
        "Article 9: Observance of Commitments", 'Article 9: Observance of Commitments <script>alert(1)</script>'
    )
    new = tmp_path / "v2.treaty"
    new.write_text(text, encoding="utf-8")
    out = tmp_path / "diff.html"
    code, _, err = run_cli("diff", "--isolated", "--format", "html", "-o", str(out), "--perspective", "GHA",
                           str(GHANA1), str(new))
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Content-Security-Policy" in page and "http" not in page.split("<body>")[1].lower()
    assert "<ins>otherwise consistent with this Agreement</ins>" in page
    assert "Ghana (GHA, lower-middle income)" in page


def test_fail_on_gates_a_new_round(run_cli) -> None:
    assert run_cli("diff", "--isolated", "--fail-on", "high", str(ROUND3), str(ROUND4))[0] == 1
    assert run_cli("diff", "--isolated", "--fail-on", "critical", str(ROUND3), str(ROUND4))[0] == 0
    assert run_cli("diff", "--isolated", "--fail-on", "high", str(ROUND4), str(ROUND3))[0] == 0


def test_unreadable_draft_exits_2(run_cli, tmp_path: Path) -> None:
    code, _, err = run_cli("diff", str(tmp_path / "nope.treaty"), str(ROUND4))
    assert code == 2 and "no such file" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "old, new, deleted, inserted",
    [
        ("a b c d e f g h i j k l m n o p", "a b c d e f g h X j k l m n o p", "i", "X"),
        ("the measure lasts one year", "the measure lasts six months", "one year", "six months"),
    ],
)
def test_word_diff_keeps_context_and_marks_changes(old: str, new: str, deleted: str, inserted: str) -> None:
    segments = word_diff(old, new, context=2)
    assert [s.text for s in segments if s.op == "delete"] == [deleted]
    assert [s.text for s in segments if s.op == "insert"] == [inserted]
    shown = " ".join(s.text for s in segments if s.op in ("equal", "skip"))
    assert len(shown.split()) <= 2 * 2 + 2  # context either side, plus the elisions



def test_a_rewritten_preamble_is_still_the_preamble(run_cli, tmp_path: Path) -> None:
    old, new = tmp_path / "a.txt", tmp_path / "b.txt"
    old.write_text("The Parties agree to cooperate.\n", encoding="utf-8")
    new.write_text("Desiring to promote investment, the Parties have agreed as follows.\n1. A first paragraph.\n",
                   encoding="utf-8")
    diff = run_diff(run_cli, old, new)
    preamble = [u for u in diff.units if (u.new or u.old).kind.value == "preamble"]
    assert len(preamble) == 1 and preamble[0].status == "modified"
