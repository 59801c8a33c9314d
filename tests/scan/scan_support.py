"""Helpers shared by the scan tests (conftest holds the fixtures)."""

from __future__ import annotations

import csv
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = sorted((REPO / "corpus").glob("*.treaty"))


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def table_bytes(outdir: Path, formats: tuple[str, ...] = ("csv", "jsonl")) -> dict[str, bytes]:
    return {f"{name}.{fmt}": (outdir / f"{name}.{fmt}").read_bytes()
            for name in ("treaties", "findings", "errors") for fmt in formats}
