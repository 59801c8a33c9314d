"""Fixtures for scan tests: a small mixed corpus written for the purpose, and a private cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from scan_support import SAMPLES

# A malformed header (unknown treaty type) is a parse error with a position.
BROKEN_TREATY = "---\ntitle: Broken draft\ntype: not-a-type\n---\nArticle 1: Scope\n1. Text.\n"


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the user's ~/.cache in tests."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("POLICYSPACE_CACHE_DIR", str(cache))
    return cache


@pytest.fixture
def good_corpus(tmp_path: Path) -> Path:
    """The repository's sample drafts, in a folder with a subfolder (scans recurse)."""
    folder = tmp_path / "good"
    (folder / "more").mkdir(parents=True)
    for i, sample in enumerate(SAMPLES):
        shutil.copy(sample, folder / ("more" if i % 2 else "") / sample.name)
    return folder


@pytest.fixture
def mixed_corpus(good_corpus: Path) -> Path:
    """Good drafts plus files that cannot be scanned, each for a different reason."""
    (good_corpus / "binary.txt").write_bytes(b"\x00\x01\x02\x03PK\x00\x00" * 64)
    (good_corpus / "empty.treaty").write_bytes(b"")
    (good_corpus / "broken.treaty").write_text(BROKEN_TREATY, encoding="utf-8")
    (good_corpus / "not-tota.xml").write_text("<html><body>a web page</body></html>", encoding="utf-8")
    return good_corpus
