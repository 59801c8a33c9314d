"""The lint result cache: a hit prints exactly what a fresh lint prints, and nothing stale."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from policyspace import importers

REPO = Path(__file__).resolve().parents[2]
HEADER = "---\ntitle: Cache test draft\nparties: GBR, ZMB\n---\n"
EXPORT_DUTY = (
    "Article 1: Export Duties\n"
    "1. Neither Party shall adopt or maintain any export duty on a good exported to the territory of the other Party.\n"
)
ARBITRATION = (
    "Article 2: Settlement of Disputes\n"
    "1. Each Party hereby consents to the submission of a claim by an investor of the other Party to "
    "arbitration under the ICSID Convention.\n"
)
HOUSE_RULE = """
[[rules]]
id = "HOUSE001"
title = "House rule"
family = "isds"
severity = "{severity}"
message = "house rule: an export duty article"
rationale = "r"
remediation = "x"
keywords = ["export"]
[rules.match]
pattern = 'export duty'
[[rules.examples]]
match = true
text = "No export duty shall apply."
[[rules.examples]]
match = false
text = "Consultations."
"""


def entries(root: Path) -> list[Path]:
    return sorted((root / "lint").rglob("*.json"))


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("POLICYSPACE_CACHE_DIR", str(root))
    return root


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the documents read from now on (a cache hit reads none)."""
    parsed: list[str] = []
    real_bytes, real_document = importers.load_bytes, importers.load_document

    def load_bytes(path, data):
        parsed.append(str(path))
        return real_bytes(path, data)

    def load_document(path):
        parsed.append(str(path))
        return real_document(path)

    monkeypatch.setattr(importers, "load_bytes", load_bytes)
    monkeypatch.setattr(importers, "load_document", load_document)
    return parsed


@pytest.mark.parametrize("options", [[], ["--show-suppressed"], ["--format", "json"], ["--format", "github"],
                                     ["--fail-on", "medium", "--severity", "export-restriction=critical"]])
@pytest.mark.parametrize("sample", ["corpus/model-bit.treaty", "corpus/draft-2024-round4.treaty"])
def test_a_cache_hit_prints_what_a_fresh_lint_prints(run_cli, cache_root, monkeypatch, sample, options) -> None:
    fresh = run_cli("lint", "--no-cache", *options, sample)
    assert entries(cache_root) == []  # --no-cache writes nothing
    assert run_cli("lint", *options, sample) == fresh  # a miss, which fills the cache
    assert len(entries(cache_root)) == 1
    with monkeypatch.context() as patch:
        parsed = count_parses(patch)
        assert run_cli("lint", *options, sample) == fresh
        assert parsed == []


def test_an_edited_draft_is_linted_again(run_cli, cache_root, tmp_path) -> None:
    path = tmp_path / "draft.treaty"
    path.write_text(HEADER + EXPORT_DUTY, encoding="utf-8")
    status, out, _ = run_cli("lint", str(path))
    assert status == 1 and "EXP001" in out
    path.write_text(HEADER + "@suppress EXP001: accepted in round 4 for market access\n" + EXPORT_DUTY, encoding="utf-8")
    status, out, err = run_cli("lint", str(path))
    assert (status, out) == (0, "")
    assert "1 suppressed" in err
    assert len(entries(cache_root)) == 1  # one entry per file: the new result replaced the old


def test_changed_settings_are_not_served_from_the_cache(run_cli, cache_root, tmp_path) -> None:
    path = tmp_path / "draft.treaty"
    path.write_text(HEADER + EXPORT_DUTY + ARBITRATION, encoding="utf-8")
    _, everything, _ = run_cli("lint", str(path))
    assert "EXP001" in everything and "ISDS" in everything
    _, selected, _ = run_cli("lint", "--select", "isds", str(path))
    assert "EXP001" not in selected and "ISDS" in selected
    (tmp_path / "policyspace.toml").write_text('ignore = ["isds"]\n', encoding="utf-8")
    _, configured, _ = run_cli("lint", str(path))
    assert "EXP001" in configured and "ISDS" not in configured
    (tmp_path / "policyspace.toml").write_text('severity = { EXP001 = "critical" }\n', encoding="utf-8")
    _, regraded, _ = run_cli("lint", str(path))
    assert "EXP001 [critical]" in regraded and "ISDS" in regraded


def test_a_damaged_entry_is_a_miss_and_is_rewritten(run_cli, cache_root) -> None:
    sample = "corpus/model-bit.treaty"
    fresh = run_cli("lint", "--no-cache", "--format", "json", sample)
    run_cli("lint", sample)
    [entry] = entries(cache_root)
    good = entry.read_bytes()
    for damage in (b"", b"\x00\xff garbage", good[: len(good) // 2], good.replace(b'"rule_id"', b'"rule"', 1)):
        entry.write_bytes(damage)
        assert run_cli("lint", "--format", "json", sample) == fresh
        assert entry.read_bytes() == good


def test_the_cache_can_be_turned_off(run_cli, cache_root, monkeypatch) -> None:
    sample = "corpus/model-bit.treaty"
    monkeypatch.setenv("POLICYSPACE_LINT_CACHE", "0")
    run_cli("lint", sample)
    assert entries(cache_root) == []
    monkeypatch.delenv("POLICYSPACE_LINT_CACHE")
    run_cli("lint", "--format", "sarif", sample)  # SARIF needs the parsed document: never cached
    assert entries(cache_root) == []


def test_unreadable_files_are_not_cached(run_cli, cache_root, tmp_path) -> None:
    broken = tmp_path / "broken.treaty"
    broken.write_text(HEADER + "@suppress EXP001:\n" + EXPORT_DUTY, encoding="utf-8")  # no reason: an input error
    for _ in range(2):
        status, _, err = run_cli("lint", str(broken), str(tmp_path / "missing.treaty"))
        assert status == 2 and "broken.treaty" in err and "missing.treaty" in err
    assert entries(cache_root) == []


def test_a_cache_folder_that_cannot_be_written_does_not_stop_the_lint(run_cli, cache_root) -> None:
    cache_root.write_text("a file where the cache folder should be", encoding="utf-8")
    fresh = run_cli("lint", "--no-cache", "corpus/model-bit.treaty")
    assert fresh[0] == 1
    assert run_cli("lint", "corpus/model-bit.treaty") == fresh


def test_other_code_is_a_miss(run_cli, cache_root, monkeypatch) -> None:
    from policyspace.scanning import cache

    sample = "corpus/model-bit.treaty"
    fresh = run_cli("lint", sample)
    parsed = count_parses(monkeypatch)
    assert run_cli("lint", sample) == fresh and parsed == []
    # another version of policyspace, or edited code, has another fingerprint
    monkeypatch.setattr(cache, "tool_fingerprint", lambda: "another build")
    assert run_cli("lint", sample) == fresh and parsed == [sample]


def test_an_edited_extra_ruleset_is_not_served_from_the_cache(tmp_path) -> None:
    # separate processes, as a user runs them (the rules loader keeps rules per process)
    rules = tmp_path / "house"
    rules.mkdir()
    (rules / "house.toml").write_text(HOUSE_RULE.format(severity="low"), encoding="utf-8")
    path = tmp_path / "draft.treaty"
    path.write_text(HEADER + EXPORT_DUTY, encoding="utf-8")
    env = {**os.environ, "POLICYSPACE_CACHE_DIR": str(tmp_path / "cache")}

    def lint() -> str:
        run = subprocess.run([sys.executable, "-m", "policyspace", "lint", "--extra-rulesets", str(rules), str(path)],
                             capture_output=True, text=True, env=env, cwd=REPO, check=False)
        assert run.returncode in (0, 1), run.stderr
        return run.stdout

    assert "HOUSE001 [low]" in lint()
    assert "HOUSE001 [low]" in lint()  # from the cache
    (rules / "house.toml").write_text(HOUSE_RULE.format(severity="critical"), encoding="utf-8")
    assert "HOUSE001 [critical]" in lint()
