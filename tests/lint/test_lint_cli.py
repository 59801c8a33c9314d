"""`policyspace lint` end to end: exit statuses, suppressions, configuration, output formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<id>[A-Z]{2,5}\d{3}) \[(?P<grade>[a-z]+)\] (?P<msg>.+)$")

HEADER = "---\ntitle: Test draft\nparties: GBR, ZMB\n---\n"
EXPORT_DUTY = (
    "Article 1: Export Duties\n"
    "1. Neither Party shall adopt or maintain any export duty on a good exported to the territory of the other Party.\n"
)
MINERAL_DUTY = (
    "Article 2: Export Duties on Minerals\n"
    "1. Neither Party shall adopt or maintain any duty, tax or other charge on the export of copper ores "
    "to the territory of the other Party.\n"
)
RATCHET = (
    "Article 3: Non-Conforming Measures\n"
    "1. Articles 10.3 and 10.4 do not apply to any existing non-conforming measure that is maintained by a "
    "Party, or to an amendment to any such measure to the extent that the amendment does not decrease the "
    "conformity of the measure, as it existed immediately before the amendment, with those Articles.\n"
)
COOPERATION = "Article 4: Cooperation\nThe Parties shall cooperate on customs matters.\n"


def draft(tmp_path: Path, *articles: str, name: str = "draft.treaty") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "\n".join(articles), encoding="utf-8")
    return path


def lines(out: str) -> list[dict[str, str]]:
    parsed = [LINE.match(line) for line in out.splitlines()]
    assert all(parsed), f"every output line is file:line:col: ID [severity] message:\n{out}"
    return [m.groupdict() for m in parsed if m]


def ids(out: str) -> list[str]:
    return [row["id"] for row in lines(out)]


# ---------------------------------------------------------------- exit statuses


def documented_statuses() -> dict[str, int]:
    """The table in docs/lint.md: `| corpus/x.treaty | 1 | ... |`."""
    text = (REPO / "docs" / "lint.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(corpus/[^`]+)` \| (\d) \|", text, re.MULTILINE)
    return {path: int(status) for path, status in rows}


def test_every_corpus_sample_has_a_documented_exit_status() -> None:
    samples = sorted(str(p.relative_to(REPO)) for p in (REPO / "corpus").glob("*.treaty"))
    assert sorted(documented_statuses()) == samples


@pytest.mark.parametrize("sample, status", sorted(documented_statuses().items()))
def test_corpus_sample_gives_the_documented_exit_status(run_cli, sample: str, status: int) -> None:
    code, out, err = run_cli("lint", "--isolated", str(REPO / sample))
    assert code == status, err
    if status == 1:
        assert any(row["grade"] in ("high", "critical") for row in lines(out))
    else:
        assert all(row["grade"] not in ("high", "critical") for row in lines(out))


def test_fail_on_threshold_decides_the_exit_status(run_cli, tmp_path: Path) -> None:
    path = draft(tmp_path, RATCHET, COOPERATION)  # one medium finding
    assert run_cli("lint", str(path))[0] == 0
    assert run_cli("lint", "--fail-on", "medium", str(path))[0] == 1
    assert run_cli("lint", "--fail-on", "critical", str(draft(tmp_path, EXPORT_DUTY, name="x.treaty")))[0] == 0


def test_exit_zero_reports_but_does_not_fail(run_cli, tmp_path: Path) -> None:
    path = draft(tmp_path, EXPORT_DUTY)
    code, out, _ = run_cli("lint", "--exit-zero", str(path))
    assert (code, ids(out)) == (0, ["EXP001", "EXP101"])  # EXP101: the ban has no shortage exception
    assert run_cli("lint", "--exit-zero", str(tmp_path / "missing.treaty"))[0] == 2


def test_safeguards_are_listed_but_never_fail(run_cli) -> None:
    code, out, _ = run_cli("lint", "--isolated", "--fail-on", "info", str(REPO / "corpus" / "policy-space-model.treaty"))
    assert code == 0
    assert lines(out) and {row["grade"] for row in lines(out)} <= {"safeguard", "info"}


def test_unreadable_file_exits_2_but_the_other_files_are_still_linted(run_cli, tmp_path: Path) -> None:
    good = draft(tmp_path, EXPORT_DUTY)
    code, out, err = run_cli("lint", str(tmp_path / "missing.treaty"), str(good))
    assert code == 2
    assert "missing.treaty: error: no such file" in err
    assert ids(out) == ["EXP001", "EXP101"]
    assert "Traceback" not in err


def test_usage_error_exits_2(run_cli, tmp_path: Path) -> None:
    code, _, err = run_cli("lint", "--fail-on", "severe", str(draft(tmp_path, EXPORT_DUTY)))
    assert code == 2 and "invalid choice: 'severe'" in err


# ---------------------------------------------------------------- suppressions


def test_suppression_with_reason_silences_exactly_its_finding(run_cli, tmp_path: Path) -> None:
    before = run_cli("lint", str(draft(tmp_path, EXPORT_DUTY, MINERAL_DUTY, RATCHET)))[1]
    assert ids(before) == ["EXP001", "EXP101", "EXP001", "STAB002"]

    suppressed_article = "@suppress EXP001: copper duty ban accepted in round 4 for market access\n" + MINERAL_DUTY
    path = draft(tmp_path, EXPORT_DUTY, suppressed_article, RATCHET, name="suppressed.treaty")
    code, out, err = run_cli("lint", str(path))
    rows = lines(out)
    assert [(r["id"], r["line"]) for r in rows] == [("EXP001", "6"), ("EXP101", "6"), ("STAB002", "13")]  # Article 2's is gone
    assert code == 1  # Article 1's EXP001 is still high
    assert "1 suppressed" in err

    code, out, _ = run_cli("lint", "--show-suppressed", str(path))
    shown = [r for r in lines(out) if "(suppressed:" in r["msg"]]
    assert [(r["id"], r["line"]) for r in shown] == [("EXP001", "10")]
    assert shown[0]["msg"].endswith("(suppressed: copper duty ban accepted in round 4 for market access)")


def test_suppressing_every_high_finding_turns_the_exit_status_to_0(run_cli, tmp_path: Path) -> None:
    path = draft(tmp_path, "@suppress EXP001: accepted\n" + EXPORT_DUTY, RATCHET)
    code, out, _ = run_cli("lint", str(path))
    assert (code, ids(out)) == (0, ["STAB002"])


def test_suppression_without_reason_is_an_input_error(run_cli, tmp_path: Path) -> None:
    path = draft(tmp_path, "@suppress EXP001\n" + EXPORT_DUTY)
    code, _, err = run_cli("lint", str(path))
    assert code == 2
    assert "a suppression needs a reason" in err and "Traceback" not in err


def test_unused_suppression_is_reported_and_fails_only_at_low(run_cli, tmp_path: Path) -> None:
    path = draft(tmp_path, "@suppress ISDS001: no arbitration here any more\n" + COOPERATION)
    code, out, err = run_cli("lint", str(path))
    assert code == 0
    [row] = lines(out)
    assert (row["id"], row["grade"], row["line"]) == ("SUP001", "low", "5")
    assert "@suppress ISDS001 matches no finding" in row["msg"]
    assert "1 unused suppression" in err
    assert run_cli("lint", "--fail-on", "low", str(path))[0] == 1
    assert run_cli("lint", "--ignore", "SUP001", "--fail-on", "low", str(path))[0] == 0
    assert run_cli("lint", "--severity", "SUP001=high", str(path))[0] == 1


def test_suppression_naming_an_unknown_rule_is_reported(run_cli, tmp_path: Path) -> None:
    path = draft(tmp_path, "@suppress EXP999: typo\n" + EXPORT_DUTY)
    out = run_cli("lint", str(path))[1]
    assert any(r["id"] == "SUP001" and "unknown rule EXP999" in r["msg"] for r in lines(out))


def test_suppression_for_an_ignored_rule_is_not_reported_as_unused(run_cli, tmp_path: Path) -> None:
    path = draft(tmp_path, "@suppress ISDS001: accepted\n" + COOPERATION)
    code, out, _ = run_cli("lint", "--ignore", "isds", str(path))
    assert (code, out) == (0, "")


# ---------------------------------------------------------------- configuration


def test_config_ignoring_a_family_changes_the_result(run_cli, tmp_path: Path) -> None:
    path = draft(tmp_path, EXPORT_DUTY, RATCHET)
    assert run_cli("lint", str(path))[0] == 1
    (tmp_path / "policyspace.toml").write_text('ignore = ["export-restriction"]\n', encoding="utf-8")
    code, out, _ = run_cli("lint", str(path))
    assert (code, ids(out)) == (0, ["STAB002"])


def test_config_raising_a_severity_changes_the_result(run_cli, tmp_path: Path) -> None:
    path = draft(tmp_path / "drafts", RATCHET)
    assert run_cli("lint", str(path))[0] == 0
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "negotiation"\n\n[tool.policyspace.severity]\nstabilization = "high"\n', encoding="utf-8"
    )
    code, out, _ = run_cli("lint", str(path))
    assert code == 1
    assert [(r["id"], r["grade"]) for r in lines(out)] == [("STAB002", "high")]


def test_command_line_overrides_the_config(run_cli, tmp_path: Path) -> None:
    path = draft(tmp_path, EXPORT_DUTY, RATCHET)
    (tmp_path / "policyspace.toml").write_text('fail-on = "medium"\nselect = ["stabilization"]\n', encoding="utf-8")
    assert (run_cli("lint", str(path))[0], ids(run_cli("lint", str(path))[1])) == (1, ["STAB002"])
    assert run_cli("lint", "--fail-on", "high", str(path))[0] == 0
    assert ids(run_cli("lint", "--select", "EXP001", str(path))[1]) == ["EXP001"]
    assert ids(run_cli("lint", "--isolated", str(path))[1]) == ["EXP001", "EXP101", "STAB002"]


def test_severity_flag_overrides_one_rule(run_cli, tmp_path: Path) -> None:
    path = draft(tmp_path, EXPORT_DUTY, RATCHET)
    code, out, _ = run_cli("lint", "--severity", "EXP001=low", "--ignore", "EXP101", str(path))
    assert code == 0
    assert [(r["id"], r["grade"]) for r in lines(out)] == [("EXP001", "low"), ("STAB002", "medium")]


@pytest.mark.parametrize(
    "config, message",
    [
        ('fail-on = "severe"\n', "policyspace.toml: error: fail-on: 'severe' is not a severity"),
        ('ignore = ["EXP999"]\n', "policyspace.toml: error: ignore: unknown rule 'EXP999'"),
        ('colour = "red"\n', "policyspace.toml: error: colour: unknown key"),
    ],
)
def test_invalid_config_exits_2_naming_the_key(run_cli, tmp_path: Path, config: str, message: str) -> None:
    (tmp_path / "policyspace.toml").write_text(config, encoding="utf-8")
    code, out, err = run_cli("lint", str(draft(tmp_path, EXPORT_DUTY)))
    assert (code, out) == (2, "")
    assert message in err and "Traceback" not in err


def test_explicit_config_file_replaces_discovery(run_cli, tmp_path: Path) -> None:
    path = draft(tmp_path, EXPORT_DUTY)
    (tmp_path / "policyspace.toml").write_text('ignore = ["export-restriction"]\n', encoding="utf-8")
    other = tmp_path / "elsewhere" / "strict.toml"
    other.parent.mkdir()
    other.write_text('fail-on = "low"\n', encoding="utf-8")
    assert run_cli("lint", str(path))[0] == 0
    assert run_cli("lint", "--config", str(other), str(path))[0] == 1


# ---------------------------------------------------------------- output formats


def test_json_output_is_the_lint_result_with_a_summary(run_cli, tmp_path: Path) -> None:
    path = draft(tmp_path, "@suppress EXP001: accepted\n" + EXPORT_DUTY, MINERAL_DUTY, RATCHET)
    code, out, _ = run_cli("lint", "--format", "json", str(path))
    data = json.loads(out)
    [file] = data["files"]
    assert [f["rule_id"] for f in file["findings"]] == ["EXP001", "EXP101", "STAB002"]
    assert all(not f["suppressed"] for f in file["findings"])
    assert file["findings"][0]["start_line"] == 10
    assert data["summary"]["suppressed"] == 1
    assert data["summary"]["exit_status"] == code == 1
    shown = json.loads(run_cli("lint", "--format", "json", "--show-suppressed", str(path))[1])
    assert [f["suppressed"] for f in shown["files"][0]["findings"]] == [True, False, False, False]


def test_github_annotations(run_cli, tmp_path: Path) -> None:
    path = draft(tmp_path, EXPORT_DUTY, RATCHET)
    out = run_cli("lint", "--format", "github", str(path))[1].splitlines()
    assert out[0].startswith(f"::error file={path},line=6,col=4,")
    assert "title=EXP001 [high]::" in out[0]
    assert "title=EXP101 [high]::" in out[1]  # treaty-level: the ban has no shortage exception
    assert out[2].startswith("::warning ") and "title=STAB002 [medium]::" in out[2]


def test_sarif_output_validates_and_marks_suppressions(run_cli, tmp_path: Path, sarif_schema_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    first = draft(tmp_path, "@suppress EXP001: accepted\n" + EXPORT_DUTY, RATCHET, name="a.treaty")
    second = draft(tmp_path, "@suppress ISDS001: stale\n" + MINERAL_DUTY, name="b.treaty")
    code, out, _ = run_cli("lint", "--format", "sarif", str(first), str(second))
    log = json.loads(out)
    jsonschema.validate(log, json.loads(sarif_schema_path.read_text(encoding="utf-8")))
    [run] = log["runs"]
    results = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "suppressions" in r)
               for r in run["results"]]
    a, b = first.as_uri(), second.as_uri()  # absolute paths become file:// URIs
    assert sorted(results) == sorted([
        ("EXP001", a, True), ("STAB002", a, False), ("EXP001", b, False), ("EXP101", b, False), ("SUP001", b, False),
    ])
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert all(rule_ids[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    assert code == 1


def test_output_file_is_written(run_cli, tmp_path: Path) -> None:
    path = draft(tmp_path, EXPORT_DUTY)
    target = tmp_path / "out" / "lint.json"
    code, out, _ = run_cli("lint", "--format", "json", "-o", str(target), str(path))
    assert (code, out) == (1, "")
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["findings"] == 2  # EXP001 + EXP101


HOUSE_RULE = """
[[rules]]
id = "HSE001"
title = "Most-favoured-investor promise"
family = "stabilization"
severity = "medium"
message = "The State promises investors the best terms it grants anyone."
rationale = "A house rule of this negotiating team."
remediation = "Delete the promise."
keywords = ["best"]
[rules.match]
pattern = '\\bbest terms\\b'
"""


def test_extra_rulesets_from_the_config_add_a_team_rule(run_cli, tmp_path: Path) -> None:
    (tmp_path / "team-rules").mkdir()
    (tmp_path / "team-rules" / "house.toml").write_text(HOUSE_RULE, encoding="utf-8")
    (tmp_path / "policyspace.toml").write_text(
        'extra-rulesets = ["team-rules"]\nselect = ["HSE001"]\nfail-on = "medium"\n', encoding="utf-8"
    )
    path = draft(tmp_path, "Article 9: Investment\n1. Each Party shall grant investors the best terms it grants any investor.\n",
                 EXPORT_DUTY)
    code, out, _ = run_cli("lint", str(path))
    assert (code, [(r["id"], r["line"]) for r in lines(out)]) == (1, [("HSE001", "6")])


def test_broken_extra_ruleset_exits_2_naming_file_and_rule(run_cli, tmp_path: Path) -> None:
    (tmp_path / "team-rules").mkdir()
    (tmp_path / "team-rules" / "house.toml").write_text(HOUSE_RULE.replace('"medium"', '"urgent"'), encoding="utf-8")
    code, out, err = run_cli("lint", "--extra-rulesets", str(tmp_path / "team-rules"), str(draft(tmp_path, EXPORT_DUTY)))
    assert (code, out) == (2, "")
    assert "house.toml" in err and "HSE001" in err and "Traceback" not in err
