"""The compiled ruleset kept on disk gives the same findings, and a rule edit is never missed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from policyspace.importers import load_document
from policyspace.resources import rulesets_dir
from policyspace.rules import check_treaty, loader
from policyspace.rules.ruleset_cache import _dumps, cached_ruleset

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYSPACE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("POLICYSPACE_RULESET_CACHE", raising=False)
    monkeypatch.setattr(loader, "_CACHE", {})  # the per-process cache would hide the disk cache
    return tmp_path / "cache"


def _load(folder: Path) -> loader.Ruleset:
    files = loader._rule_files([folder])
    return cached_ruleset(files, lambda: loader.build_ruleset([folder]), loader.Ruleset)


def _findings(ruleset: loader.Ruleset) -> list[dict]:
    treaty = load_document(CORPUS / "fta-investment-chapter.treaty")
    return [f.model_dump() for f in check_treaty(treaty, ruleset)]


def test_a_cached_ruleset_gives_the_same_findings(cache_dir):
    built = _load(rulesets_dir())
    assert len(list((cache_dir / "rulesets").glob("*.pickle"))) == 1
    cached = _load(rulesets_dir())
    assert cached is not built  # read back from disk
    assert _findings(cached) == _findings(built) != []


def test_an_edited_rule_file_is_read_again(cache_dir, tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(rulesets_dir(), folder)
    before = _load(folder)
    target = folder / "isds.toml"
    text = target.read_text(encoding="utf-8")
    first = before.rules[[r.source for r in before.rules].index("isds.toml")]
    target.write_text(text.replace(f'title = "{first.title}"', 'title = "Edited title"', 1), encoding="utf-8")
    after = _load(folder)
    assert after.get(first.id).title == "Edited title"


def test_a_damaged_cache_entry_is_only_a_miss(cache_dir):
    _load(rulesets_dir())
    (entry,) = (cache_dir / "rulesets").glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    assert _findings(_load(rulesets_dir())) == _findings(loader.build_ruleset([rulesets_dir()]))


def test_the_cache_can_be_turned_off(cache_dir, monkeypatch):
    monkeypatch.setenv("POLICYSPACE_RULESET_CACHE", "0")
    _load(rulesets_dir())
    assert not (cache_dir / "rulesets").exists()


def test_regexes_come_back_compiled_as_before():
    import pickle

    regex = re.compile(r"\bar[íi]t(?P<n>\d+)\s+x", re.IGNORECASE)
    restored = pickle.loads(_dumps(regex))
    assert restored == regex  # same pattern, flags and compiled code
    assert restored.search("see ARÍT12  X").group("n") == "12"
