"""Orchestrate a scan: discover, triage (journal, cache), run an engine, write tables and report."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..errors import InputError, PolicyspaceError

if TYPE_CHECKING:
    from .analysis import Analyser
    from .cache import ScanCache
    from .records import ScanRecord
    from .tables import Table
    from .work import Outcome

JOURNAL_NAME = "scan-journal.jsonl"
MANIFEST_NAME = "scan.json"
REPORT_NAME = "corpus-report.html"


class Progress(Protocol):
    def start(self, total: int, done: int) -> None: ...
    def advance(self, outcome: Outcome) -> None: ...


@dataclass
class ScanOptions:
    paths: list[str]
    outdir: Path
    jobs: int | None = None  # None: every core
    resume: bool = False
    engine: str = "local"  # "local" or "dask"
    scheduler: str | None = None
    use_cache: bool = True
    cache_dir: Path | None = None  # None: cache.default_cache_dir()
    formats: list[str] = field(default_factory=lambda: ["csv", "jsonl"])
    timeout: float | None = 600.0  # seconds per document (local engine)
    report: bool = True


@dataclass
class ScanSummary:
    total: int = 0  # documents discovered
    resumed: int = 0  # taken from the journal of an interrupted scan
    cached: int = 0  # taken from the cache
    scanned: int = 0  # analysed in this run
    failed: int = 0
    seconds: float = 0.0
    records: list[ScanRecord] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return self.total - self.failed


class _Triage:
    """Decide per document: reuse the journal's record, take the cache's result, or scan it."""

    def __init__(self, cache: ScanCache | None, previous: dict[str, tuple[str | None, bool, bytes]]) -> None:
        self.cache = cache
        self.previous = previous  # file -> (sha256, ok, journal line) from a resumable journal

    def content_key(self, path: str) -> tuple[str | None, int | None]:
        """(sha256, size) without reading the file when the stat index knows it; (None, None) if unreadable."""
        from .cache import file_sha256

        try:
            st = os.stat(path)
        except OSError:
            return None, None
        if self.cache is not None:
            known = self.cache.known_sha256(path, st)
            if known:
                return known, st.st_size
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None, None
        sha = file_sha256(data)
        if self.cache is not None:
            self.cache.remember_sha256(path, st, sha)
        return sha, len(data)


def _parse_previous(lines: list[bytes]) -> dict[str, tuple[str | None, bool, bytes]]:
    import json

    previous: dict[str, tuple[str | None, bool, bytes]] = {}
    for line in lines:
        try:
            head = json.loads(line)
            previous[head["file"]] = (head.get("sha256"), head.get("analysis") is not None, line + b"\n")
        except (ValueError, KeyError, TypeError):
            continue  # a damaged line is simply scanned again
    return previous


def run_scan(options: ScanOptions, progress: Progress | None = None, analyser: Analyser | None = None) -> ScanSummary:
    """Scan every document under `options.paths` into `options.outdir`. Raises PolicyspaceError
    for usage problems before any work starts; per-document problems become error rows."""
    from ..discovery import iter_document_paths
    from .cache import ScanCache, default_cache_dir, tool_fingerprint
    from .engines import DaskEngine, LocalEngine, default_jobs
    from .journal import Journal, journal_header, read_journal
    from .records import ScanRecord
    from .table_writers import check_formats

    started = time.perf_counter()
    check_formats(options.formats)
    if options.engine not in ("local", "dask"):
        raise PolicyspaceError(f"unknown engine {options.engine!r}; choose local or dask")
    if options.scheduler and options.engine != "dask":
        raise PolicyspaceError("--scheduler needs --engine dask")
    paths = iter_document_paths(options.paths)
    if not paths:
        raise InputError("no documents found (policyspace reads .treaty, .txt, .text and .xml files)",
                         ", ".join(options.paths))
    outdir = options.outdir
    if outdir.exists() and not outdir.is_dir():
        raise PolicyspaceError(f"the output folder {outdir} is a file")
    jobs = options.jobs or default_jobs()
    if analyser is None:
        from .analysis import load_analyser

        analyser = load_analyser()
    summary = ScanSummary(total=len(paths))
    cache = ScanCache(options.cache_dir or default_cache_dir(), analyser.version) if options.use_cache else None

    header = journal_header(tool_fingerprint(), analyser.version)
    journal_path = outdir / JOURNAL_NAME
    previous: dict[str, tuple[str | None, bool, bytes]] = {}
    resume_from: int | None = None
    if options.resume:
        old_header, lines, end = read_journal(journal_path)
        if old_header is None:
            summary.notes.append("nothing to resume in this folder: starting a new scan")
        elif old_header != header:
            summary.notes.append("the journal was written by another policyspace or ruleset version: "
                                 "scanning everything again")
        else:
            previous = _parse_previous(lines)
            resume_from = end
    triage = _Triage(cache, previous)

    records: dict[str, ScanRecord] = {}
    to_scan: list[tuple[int, str]] = []
    journal_lines: list[bytes] = []
    for path in paths:
        sha, size = triage.content_key(path)
        old = previous.get(path)
        if old is not None and old[1] and sha is not None and old[0] == sha:
            records[path] = ScanRecord.model_validate_json(old[2])
            summary.resumed += 1
            continue
        cached = cache.get_result(sha) if cache is not None and sha is not None else None
        if cached is not None:
            from .work import Outcome

            line = Outcome(path, sha, size, analysis_json=cached).journal_line()
            journal_lines.append(line)
            records[path] = ScanRecord.model_validate_json(line)
            summary.cached += 1
            continue
        to_scan.append((size or 0, path))
    if cache is not None:
        cache.save_stat_index()

    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PolicyspaceError(f"cannot create the output folder {outdir}: {exc.strerror or exc}") from None
    journal = Journal(journal_path, header, resume_from)
    try:
        for line in journal_lines:
            journal.append(line)

        def on_outcome(outcome: Outcome) -> None:
            line = outcome.journal_line()
            journal.append(line)
            if cache is not None and outcome.analysis_json is not None and outcome.sha256:
                cache.put_result(outcome.sha256, outcome.analysis_json)
            records[outcome.file] = ScanRecord.model_validate_json(line)
            summary.scanned += 1
            if progress is not None:
                progress.advance(outcome)

        if progress is not None:
            progress.start(len(paths), len(paths) - len(to_scan))
        # Largest documents first: the last ones to finish are then the small ones (shorter tail).
        queue = [path for _, path in sorted(to_scan, key=lambda item: (-item[0], item[1]))]
        if queue:
            engine = (
                DaskEngine(analyser, jobs, options.scheduler)
                if options.engine == "dask"
                else LocalEngine(analyser, jobs, cache, options.timeout)
            )
            if options.engine == "local":
                from ..treaty_parser import get_parser

                get_parser()  # build the grammar once, before the workers fork
            engine.run(queue, on_outcome)
    finally:
        journal.close()

    ordered = [records[path] for path in sorted(records)]
    summary.records = ordered
    summary.failed = sum(1 for r in ordered if not r.ok)
    summary.tables, summary.written = write_outputs(ordered, outdir, options, analyser.version)
    summary.seconds = time.perf_counter() - started
    return summary


def write_outputs(
    records: list[ScanRecord], outdir: Path, options: ScanOptions, ruleset_version: str
) -> tuple[list[Table], list[Path]]:
    import json

    from .. import __version__
    from ..output_files import write_atomically
    from .cache import tool_fingerprint
    from .table_writers import write_tables
    from .tables import build_tables

    tables = build_tables(records)
    written = write_tables(tables, outdir, options.formats)
    if options.report:
        from .corpus_report import write_corpus_report

        report_path = outdir / REPORT_NAME
        write_corpus_report(tables, report_path)
        written.append(report_path)
    manifest = {
        "policyspace": __version__,
        "tool": tool_fingerprint(),
        "ruleset": ruleset_version,
        "documents": len(records),
        "failed": sum(1 for r in records if not r.ok),
        "files": sorted(p.name for p in written),
    }
    write_atomically(outdir / MANIFEST_NAME, json.dumps(manifest, indent=2) + "\n")
    return tables, written
