"""Batch scanning at corpus scale: parallel workers, a content-hash cache, results streamed to a
journal so an interrupted scan resumes, tidy tables (CSV, Parquet, JSON Lines) and a corpus report.

The flow, one way:

    discovery -> triage (hash, cache, journal) -> engine (local processes or Dask)
              -> journal (one JSON line per document, fsync'd) -> tables + corpus report

Everything here orchestrates: parsing is `importers`, findings are `rules`, scores are `scoring`.
`policyspace.cli.scan` is the command line; `run_scan` is the entry point for Python callers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .runner import ScanOptions, ScanSummary, run_scan

__all__ = ["ScanOptions", "ScanSummary", "run_scan"]


def __getattr__(name: str) -> Any:
    # Imported on first use: `policyspace lint` reaches scanning.cache (the cache folder) and
    # should not pay for the scan runner.
    if name in __all__:
        from . import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
