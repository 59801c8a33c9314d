"""Batch scanning at corpus scale: parallel workers, a content-hash cache, results streamed to a
journal so an interrupted scan resumes, tidy tables (CSV, Parquet, JSON Lines) and a corpus report.

The flow, one way:

    discovery -> triage (hash, cache, journal) -> engine (local processes or Dask)
              -> journal (one JSON line per document, fsync'd) -> tables + corpus report

Everything here orchestrates: parsing is `importers`, findings are `rules`, scores are `scoring`.
`policyspace.cli.scan` is the command line; `run_scan` is the entry point for Python callers.
"""

from __future__ import annotations

from .runner import ScanOptions, ScanSummary, run_scan

__all__ = ["ScanOptions", "ScanSummary", "run_scan"]
