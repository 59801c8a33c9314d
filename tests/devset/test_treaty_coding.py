"""Treaty-level flags against an independent coding of whole treaties (UNCTAD IIA Mapping style).

`treaty_coding/*.csv` holds, per ToTA treaty, a coder's yes/no for ISDS, prohibition of
performance requirements and umbrella clause (ids, answers and the coder's own notes only: the
text stays in ToTA). The suite fails when agreement drops below the floors in baseline.toml.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from policyspace.errors import InputError
from policyspace.rules import load_ruleset
from policyspace.rules.treaty_coding import compare_coding, is_coding_file, load_coding

HERE = Path(__file__).resolve().parent
FLOORS = tomllib.loads((HERE / "baseline.toml").read_text(encoding="utf-8"))["treaty_agreement"]

_TREATY = """<?xml version="1.0" encoding="utf-8"?>
<treaty><meta><name>Sample Investment Agreement</name><language>en</language></meta><body>
<chapter number="1" name="Investment">
<article number="Article 1" name="Umbrella" article_identifier="1">Each Party shall observe any obligation
it may have entered into with regard to investments of investors of the other Party.</article>
<article number="Article 2" name="Consent to Arbitration" article_identifier="2">Each Party consents to
the submission of a claim to arbitration under this Section by an investor of the other Party in
accordance with the ICSID Convention.</article>
</chapter></body></treaty>
"""


@pytest.fixture(scope="module")
def comparison(tota_dir):
    ruleset = load_ruleset()
    coded = [item for path in sorted((HERE / "treaty_coding").glob("*.csv")) for item in load_coding(path, ruleset)]
    assert len(coded) >= 60
    return compare_coding(coded, tota_dir, ruleset)


@pytest.mark.parametrize("flag", sorted(FLOORS))
def test_treaty_flags_agree_with_the_coder(comparison, flag):
    tally = comparison.flags[flag]
    disagreements = [f"{d.file} rules={d.ours} coder={d.coder} {d.rules}" for d in comparison.disagreements
                     if d.flag == flag]
    assert tally.rate >= FLOORS[flag], f"{flag}: {tally.agree}/{tally.treaties}; {disagreements}"


def _coding(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "coding.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_small_coding_is_compared_flag_by_flag(tmp_path):
    folder = tmp_path / "tota"
    folder.mkdir()
    (folder / "pta_1.xml").write_text(_TREATY, encoding="utf-8")
    path = _coding(tmp_path, "file,isds,pr,umbrella,notes\npta_1.xml,yes,yes,no,coder says no umbrella\n")
    assert is_coding_file(path)
    ruleset = load_ruleset()
    result = compare_coding(load_coding(path, ruleset), folder, ruleset)
    assert result.flags["isds_present"].agree == 1
    assert result.flags["umbrella_clause_present"].agree == 0  # the rules find the umbrella clause
    assert result.flags["performance_requirements_prohibited"].agree == 0  # nothing prohibits them
    assert {(d.flag, d.ours, d.coder) for d in result.disagreements} == {
        ("umbrella_clause_present", True, False), ("performance_requirements_prohibited", False, True)
    }
    assert result.all_agree == 0


def test_article_label_files_are_not_codings(tmp_path):
    assert not is_coding_file(_coding(tmp_path, "file,article_id,labels\npta_1.xml,1,isds\n"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("file,isds\npta_1.xml,maybe\n", "line 2: column isds must be yes or no, not 'maybe'"),
        ("file,notes\npta_1.xml,hello\n", "needs at least one coded column"),
        ("file,isds\n,yes\n", "line 2: the file column is empty"),
    ],
)
def test_bad_codings_are_refused_with_the_line(tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        load_coding(_coding(tmp_path, text), load_ruleset())


def test_eval_cli_reports_agreement_and_refuses_a_bad_coding(tmp_path, run_cli):
    folder = tmp_path / "tota"
    folder.mkdir()
    (folder / "pta_1.xml").write_text(_TREATY, encoding="utf-8")
    good = _coding(tmp_path, "file,isds,umbrella\npta_1.xml,yes,yes\n")
    status, out, _ = run_cli("eval", str(good), "--tota", str(folder), "--json", str(tmp_path / "r.json"))
    assert status == 0
    assert "all coded flags agree on 1 of 1 treaties" in out
    import json

    saved = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert saved["treaty_coding"]["flags"]["isds_present"]["agreement"] == 1.0
    bad = _coding(tmp_path, "file,isds\npta_1.xml,perhaps\n")
    status, _, err = run_cli("eval", str(bad), "--tota", str(folder))
    assert status == 2 and "must be yes or no" in err
