"""Configuration: found by walking up from the document, validated, overridden by the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyspace.config import ConfigError, ProjectConfig, config_for, find_config_file, read_config
from policyspace.findings import Finding, Severity
from policyspace.model import Family


def finding(rule_id: str, family: Family, severity: Severity = Severity.HIGH) -> Finding:
    return Finding(rule_id=rule_id, family=family, severity=severity, title=rule_id, message="m")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_config_is_found_by_walking_up_from_the_document(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.policyspace]\nfail-on = "medium"\n')
    draft = write(tmp_path / "negotiations" / "round4" / "draft.treaty", "Article 1: Scope\n")
    assert find_config_file(draft) == tmp_path / "pyproject.toml"
    assert config_for(draft).fail_on == Severity.MEDIUM


def test_nearest_file_wins_and_policyspace_toml_beats_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.policyspace]\nfail-on = "low"\n')
    write(tmp_path / "sub" / "pyproject.toml", '[tool.policyspace]\nfail-on = "medium"\n')
    write(tmp_path / "sub" / "policyspace.toml", 'fail-on = "critical"\n')
    draft = write(tmp_path / "sub" / "draft.treaty", "x\n")
    assert find_config_file(draft) == tmp_path / "sub" / "policyspace.toml"
    assert config_for(draft).fail_on == Severity.CRITICAL


def test_pyproject_without_policyspace_table_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "policyspace.toml", "ignore = ['isds']\n")
    write(tmp_path / "team" / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    draft = write(tmp_path / "team" / "draft.treaty", "x\n")
    assert find_config_file(draft) == tmp_path / "policyspace.toml"


def test_no_config_file_gives_defaults(tmp_path: Path) -> None:
    draft = write(tmp_path / "draft.treaty", "x\n")
    assert find_config_file(draft) is None
    config = config_for(draft)
    assert (config.fail_on, config.select, config.ignore, config.severity) == (Severity.HIGH, None, [], {})


@pytest.mark.parametrize(
    "toml, message",
    [
        ('fail-on = "severe"\n', "fail-on: 'severe' is not a severity; use one of info, low, medium, high, critical"),
        ('ignore = ["isdss"]\n', "ignore[0]: 'isdss' is neither a rule id (such as ISDS001) nor a family"),
        ("select = 'isds'\n", "select: Input should be a valid list"),
        ('[severity]\nstabilisation = "high"\n', "severity: key 'stabilisation' is neither a rule id"),
        ('[severity]\nISDS001 = "urgent"\n', "severity.ISDS001: 'urgent' is not a severity"),
        ('perspective = "Zambia"\n', "perspective: 'Zambia' is not an ISO 3166-1 alpha-3 country code"),
        ('fail_on_severity = "high"\n', "fail_on_severity: unknown key; the keys are select, ignore, severity"),
        ('extra-rulesets = ["no-such-folder"]\n', "extra-rulesets: no such folder 'no-such-folder'"),
        ("fail-on = \n", "invalid TOML"),
    ],
)
def test_invalid_config_names_the_key(tmp_path: Path, toml: str, message: str) -> None:
    path = write(tmp_path / "policyspace.toml", toml)
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    assert message in caught.value.message
    assert caught.value.render().startswith(f"{path}: error: ")


def test_pyproject_errors_name_the_table(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", '[tool.policyspace]\nfail-on = "severe"\n')
    with pytest.raises(ConfigError, match=r"^\[tool\.policyspace\] fail-on: "):
        read_config(path)


def test_extra_rulesets_are_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "rules" / "house").mkdir(parents=True)
    config = read_config(write(tmp_path / "policyspace.toml", 'extra-rulesets = ["rules/house"]\n'))
    assert config.extra_rulesets == [tmp_path / "rules" / "house"]


def test_select_and_ignore_take_rule_ids_and_families() -> None:
    config = ProjectConfig(select=["isds", "EXP001"], ignore=["ISDS002"])
    assert config.is_selected(finding("ISDS001", Family.ISDS))
    assert not config.is_selected(finding("ISDS002", Family.ISDS))  # ignored by id
    assert config.is_selected(finding("EXP001", Family.EXPORT_RESTRICTION))
    assert not config.is_selected(finding("EXP002", Family.EXPORT_RESTRICTION))  # family not selected


def test_a_rule_id_is_more_specific_than_a_family() -> None:
    config = ProjectConfig(select=["SAFE003"], ignore=["safeguard"])
    assert config.is_selected(finding("SAFE003", Family.SAFEGUARD))
    assert not config.is_selected(finding("SAFE001", Family.SAFEGUARD))


def test_severity_overrides_rule_id_beats_family() -> None:
    config = ProjectConfig(severity={"stabilization": "critical", "STAB002": "low"})
    findings = config.apply([
        finding("STAB001", Family.STABILIZATION, Severity.MEDIUM),
        finding("STAB002", Family.STABILIZATION, Severity.HIGH),
        finding("ISDS001", Family.ISDS, Severity.MEDIUM),
    ])
    assert [(f.rule_id, f.severity) for f in findings] == [
        ("STAB001", Severity.CRITICAL), ("STAB002", Severity.LOW), ("ISDS001", Severity.MEDIUM)
    ]


def test_command_line_overrides_the_file_and_merges_severity_keys(tmp_path: Path) -> None:
    config = read_config(write(
        tmp_path / "policyspace.toml",
        'fail-on = "low"\nignore = ["isds"]\n[severity]\nstabilization = "critical"\nlocal-content = "low"\n',
    ))
    merged = config.with_overrides(fail_on="critical", ignore=["safeguard"], select=None,
                                   severity={"local-content": "high"})
    assert merged.fail_on == Severity.CRITICAL
    assert merged.ignore == ["safeguard"]
    assert merged.severity == {"stabilization": Severity.CRITICAL, "local-content": Severity.HIGH}
    assert merged.source == tmp_path / "policyspace.toml"


def test_bad_command_line_value_names_the_flag() -> None:
    with pytest.raises(ConfigError, match=r"--select\[0\]: 'isdss' is neither"):
        ProjectConfig().with_overrides(select=["isdss"])


def test_unknown_rule_id_in_config_is_an_error_naming_the_key(tmp_path: Path) -> None:
    config = read_config(write(tmp_path / "policyspace.toml", 'ignore = ["EXP999"]\n'))
    with pytest.raises(ConfigError, match="ignore: unknown rule 'EXP999'"):
        config.check_rule_ids({"EXP001", "ISDS001"})
