"""Report writers: one module per output format, each usable alone.

Every module has `render(report) -> str` and `write(report, path)`; files are written atomically.
A new format is one new module here plus one entry in FORMATS.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import PolicyspaceError

if TYPE_CHECKING:
    from ..report import Report

#: Format name -> writer module (imported only when used, so the CLI starts fast).
FORMATS: dict[str, str] = {
    "terminal": "terminal",
    "json": "json_writer",
    "sarif": "sarif",
    "csv": "csv_writer",
    "html": "html",
}


def writer_module(fmt: str) -> ModuleType:
    try:
        name = FORMATS[fmt]
    except KeyError:
        raise PolicyspaceError(
            f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}"
        ) from None
    return importlib.import_module(f".{name}", __name__)


def render_report(report: Report, fmt: str) -> str:
    """The report in format `fmt` as text."""
    return writer_module(fmt).render(report)


def write_report(report: Report, fmt: str, path: str | Path) -> None:
    """Write the report in format `fmt` to `path`, atomically (temp file + rename)."""
    writer_module(fmt).write(report, path)
