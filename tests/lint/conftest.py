"""Lint tests keep their caches (lint results, compiled rules) in a folder of their own."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def lint_cache_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("policyspace-cache")


@pytest.fixture(autouse=True)
def _private_cache(lint_cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # shared by the session, so the lint tests also run through cache hits, never in ~/.cache
    monkeypatch.setenv("POLICYSPACE_CACHE_DIR", str(lint_cache_root))
    monkeypatch.delenv("POLICYSPACE_LINT_CACHE", raising=False)
