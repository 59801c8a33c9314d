"""JSON: the Report model dumped as is; its shape is docs/report-schema.json (schema_version inside)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..output_files import write_atomically

if TYPE_CHECKING:
    from ..report import Report


def render(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"


def write(report: Report, path: str | Path) -> None:
    write_atomically(path, render(report))
