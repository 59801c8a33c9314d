"""Shared fixtures: where the real data lives, and how to run the CLI in-process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


def _shared_dir(*parts: str) -> Path:
    return REPO.parent.joinpath("shared", *parts)


@pytest.fixture(scope="session")
def tota_dir() -> Path:
    """The ToTA XML corpus (CC BY-NC, never copied into this repository)."""
    path = Path(os.environ.get("POLICYSPACE_TOTA", _shared_dir("tota", "xml")))
    if not path.is_dir() or not any(path.glob("pta_*.xml")):
        pytest.skip(f"ToTA corpus not found at {path}: set POLICYSPACE_TOTA to its xml/ folder")
    return path


@pytest.fixture(scope="session")
def sarif_schema_path() -> Path:
    path = _shared_dir("schemas", "sarif-schema-2.1.0.json")
    if not path.is_file():
        pytest.skip(f"SARIF schema not found at {path}")
    return path


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):
    """Run `policyspace ARGS...` in-process; returns (exit status, stdout, stderr)."""
    from policyspace.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        try:
            status = main(list(args))
        except SystemExit as exc:  # argparse usage errors and --version
            status = exc.code if isinstance(exc.code, int) else 0
        out, err = capsys.readouterr()
        return status, out, err

    return run
