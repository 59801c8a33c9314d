"""Orchestrate a scan: discover, triage (journal, cache), run an engine, write tables and report."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import InputError, PolicyspaceError

if TYPE_CHECKING:
    from .analysis import Analyser
    from .cache import ScanCache
    from .corpus_stats import CorpusStats
    from .records import ScanRecord
    from .work import Outcome

JOURNAL_NAME = "scan-journal.jsonl"
MANIFEST_NAME = "scan.json"
REPORT_NAME = "corpus-report.html"
MANIFEST_FORMAT = 1


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
    up_to_date: bool = False  # OUTDIR already held the tables of exactly these inputs
    seconds: float = 0.0
    stats: CorpusStats | None = None  # None when up to date: see `corpus_stats()`
    stored_stats: dict[str, Any] | None = None  # the summary kept in scan.json, when up to date

    def corpus_stats(self) -> CorpusStats | None:
        """The corpus summary (validated from scan.json only when asked: `--quiet` never asks)."""
        if self.stats is None and self.stored_stats is not None:
            from .corpus_stats import CorpusStats

            self.stats = CorpusStats.model_validate(self.stored_stats)
        return self.stats
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _content_key(path: str, cache: ScanCache | None) -> tuple[str | None, int | None]:
    """(sha256, size), without reading the file when the stat index knows it; (None, None) if unreadable."""
    try:
        st = os.stat(path)
        if cache is not None:
            known = cache.known_sha256(path, st)
            if known:
                return known, st.st_size
        with open(path, "rb") as handle:  # hashed in chunks: a 100 MB file never sits in memory here
            sha = hashlib.file_digest(handle, "sha256").hexdigest()
            size = handle.tell()
    except OSError:
        return None, None  # the worker reports why, as the document's error
    if cache is not None:
        cache.remember_sha256(path, st, sha)
    return sha, size


def _previous_records(lines: list[tuple[int, bytes]]) -> dict[str, tuple[str | None, bool, int, int]]:
    """file -> (sha256, ok, offset, length) from a journal; the last line for a file wins."""
    previous: dict[str, tuple[str | None, bool, int, int]] = {}
    for offset, line in lines:
        try:
            head = json.loads(line)
            previous[head["file"]] = (head.get("sha256"), head.get("analysis") is not None, offset, len(line))
        except (ValueError, KeyError, TypeError):
            continue  # a damaged line is simply scanned again
    return previous


def _inputs_fingerprint(keys: dict[str, tuple[str | None, int | None]], header: dict[str, object],
                        options: ScanOptions) -> str | None:
    """Identifies everything the outputs depend on; None when a file could not be read."""
    if any(sha is None for sha, _ in keys.values()):
        return None
    digest = hashlib.sha256(json.dumps([header, options.formats, options.report], sort_keys=True).encode())
    for path in sorted(keys):
        digest.update(f"{path}\0{keys[path][0]}\n".encode())
    return digest.hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _up_to_date(outdir: Path, inputs: str | None) -> dict[str, Any] | None:
    """The manifest, if OUTDIR holds untouched outputs of exactly these inputs."""
    if inputs is None:
        return None
    try:
        manifest = json.loads((outdir / MANIFEST_NAME).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT or manifest.get("inputs") != inputs:
        return None
    outputs = manifest.get("outputs")
    if not isinstance(outputs, dict):
        return None
    for name, digest in outputs.items():
        if _file_digest(outdir / name) != digest:
            return None
    return manifest


def run_scan(options: ScanOptions, progress: Progress | None = None, analyser: Analyser | None = None) -> ScanSummary:
    """Scan every document under `options.paths` into `options.outdir`. Raises PolicyspaceError
    for usage problems before any work starts; per-document problems become error rows.

    `analyser` replaces the installed rules (tests); by default they are loaded only when some
    document is not in the cache, and identified by `cache.rules_fingerprint()`.
    """
    from ..discovery import iter_document_paths
    from .cache import ScanCache, default_cache_dir, rules_fingerprint, tool_fingerprint
    from .journal import Journal, journal_header, read_journal
    from .table_writers import check_formats

    started = time.perf_counter()
    check_formats(options.formats)
    if options.engine not in ("local", "dask"):
        raise PolicyspaceError(f"unknown engine {options.engine!r}; choose local or dask")
    if options.scheduler and options.engine != "dask":
        raise PolicyspaceError("--scheduler needs --engine dask")
    paths = iter_document_paths(options.paths)
    if not paths:
        from ..importers import supported_extensions

        raise InputError(f"no documents found (policyspace reads {', '.join(supported_extensions())} files)",
                         ", ".join(options.paths))
    outdir = options.outdir
    if outdir.exists() and not outdir.is_dir():
        raise PolicyspaceError(f"the output folder {outdir} is a file")

    rules = analyser.version if analyser is not None else rules_fingerprint()
    header = journal_header(tool_fingerprint(), rules)
    cache = ScanCache(options.cache_dir or default_cache_dir(), rules) if options.use_cache else None
    summary = ScanSummary(total=len(paths))
    keys = {path: _content_key(path, cache) for path in paths}
    if cache is not None:
        cache.save_stat_index()

    inputs = _inputs_fingerprint(keys, header, options)
    manifest = _up_to_date(outdir, inputs) if cache is not None else None
    if manifest is not None and isinstance(manifest.get("summary"), dict) and isinstance(manifest.get("failed"), int):
        summary.up_to_date = True
        summary.stored_stats = manifest["summary"]
        summary.cached = len(paths)
        summary.failed = manifest["failed"]
        summary.written = [outdir / name for name in sorted(manifest["outputs"])]
        summary.seconds = time.perf_counter() - started
        return summary

    from .work import Outcome

    journal_path = outdir / JOURNAL_NAME
    previous: dict[str, tuple[str | None, bool, int, int]] = {}
    resume_from: int | None = None
    if options.resume:
        old_header, lines, end = read_journal(journal_path)
        if old_header is None:
            summary.notes.append("nothing to resume in this folder: starting a new scan")
        elif old_header != header:
            summary.notes.append("the journal was written by another policyspace or ruleset version: "
                                 "scanning everything again")
        else:
            previous = _previous_records(lines)
            resume_from = end

    # Where each document's record sits in the journal: the tables are written from there at the
    # end, one document at a time, so memory does not grow with the corpus.
    index: dict[str, tuple[int, int]] = {}
    to_scan: list[tuple[int, str]] = []
    hits: list[tuple[str, bytes]] = []
    for path in paths:
        sha, size = keys[path]
        old = previous.get(path)
        if old is not None and old[1] and sha is not None and old[0] == sha:
            index[path] = (old[2], old[3])
            summary.resumed += 1
            continue
        cached = cache.get_result(sha) if cache is not None and sha is not None else None
        if cached is not None:
            hits.append((path, Outcome(path, sha, size, analysis_json=cached).journal_line()))
            summary.cached += 1
            continue
        to_scan.append((size or 0, path))

    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PolicyspaceError(f"cannot create the output folder {outdir}: {exc.strerror or exc}") from None
    journal = Journal(journal_path, header, resume_from)
    try:
        if hits:  # cache hits: one write, one fsync
            offset = journal.append(b"".join(line for _, line in hits))
            for path, line in hits:
                index[path] = (offset, len(line) - 1)
                offset += len(line)

        def on_outcome(outcome: Outcome) -> None:
            line = outcome.journal_line()
            index[outcome.file] = (journal.append(line), len(line) - 1)
            if cache is not None and outcome.analysis_json is not None and outcome.sha256:
                cache.put_result(outcome.sha256, outcome.analysis_json)
            summary.scanned += 1
            if progress is not None:
                progress.advance(outcome)

        if progress is not None:
            progress.start(len(paths), len(paths) - len(to_scan))
        if to_scan:
            # Largest documents first: the last ones to finish are then small (a shorter tail).
            queue = [path for _, path in sorted(to_scan, key=lambda item: (-item[0], item[1]))]
            _run_engine(options, queue, on_outcome, analyser, rules, cache)
    finally:
        journal.close()

    summary.stats, summary.written = write_outputs(journal_path, index, outdir, options, header, inputs)
    summary.failed = summary.stats.failed
    summary.seconds = time.perf_counter() - started
    return summary


def _run_engine(options: ScanOptions, queue: list[str], on_outcome: Any, analyser: Analyser | None,
                rules: str, cache: ScanCache | None) -> None:
    from .engines import DaskEngine, LocalEngine, default_jobs

    if analyser is None:
        from .analysis import load_analyser

        analyser = load_analyser()
        # The cache was keyed by the rule files read a moment ago; if they changed since, the
        # results would be filed under the wrong key: refuse rather than poison the cache.
        from .cache import rules_fingerprint

        if rules_fingerprint() != rules:
            raise PolicyspaceError("the rule files changed while the scan started; run it again")
    jobs = options.jobs or default_jobs()
    queue = largest_first(queue)
    if options.engine == "dask":
        DaskEngine(analyser, jobs, options.scheduler).run(queue, on_outcome)
        return
    from ..treaty_parser import get_parser

    get_parser()  # build the grammar once, before the workers fork
    LocalEngine(analyser, min(jobs, len(queue)), cache, options.timeout).run(queue, on_outcome)


def largest_first(paths: list[str]) -> list[str]:
    """The biggest documents first (files that cannot be read keep their turn at the end): with
    several workers, a big treaty started last would leave the others idle while it finishes.
    The tables are written in file order whatever the order of work."""
    def size(path: str) -> int:
        try:
            return os.stat(path).st_size
        except OSError:
            return -1

    return sorted(paths, key=size, reverse=True)


def _records_in_file_order(journal_path: Path, index: dict[str, tuple[int, int]]) -> Iterator[ScanRecord]:
    from .records import ScanRecord

    try:
        with open(journal_path, "rb") as journal:
            for path in sorted(index):
                offset, length = index[path]
                journal.seek(offset)
                yield ScanRecord.model_validate_json(journal.read(length))
    except OSError as exc:
        raise PolicyspaceError(f"cannot read the scan journal {journal_path}: {exc.strerror or exc}") from None


def write_outputs(journal_path: Path, index: dict[str, tuple[int, int]], outdir: Path, options: ScanOptions,
                  header: dict[str, object], inputs: str | None) -> tuple[CorpusStats, list[Path]]:
    """Tables, report and manifest from the journal's records, streamed in file order."""
    from .. import __version__
    from ..output_files import write_atomically
    from .corpus_stats import FindingTally, corpus_stats
    from .table_writers import TableFiles, write_table
    from .tables import FINDING_COLUMNS, TableBuilder

    builder, tally = TableBuilder(), FindingTally()
    findings = TableFiles(outdir, "findings", FINDING_COLUMNS, options.formats)
    try:
        for record in _records_in_file_order(journal_path, index):
            rows = builder.add(record)
            findings.write(rows)
            tally.add(rows)
    except BaseException:
        findings.abort()
        raise
    treaties, errors = builder.treaties(), builder.errors()
    written = write_table(treaties, outdir, options.formats) + findings.commit()
    written += write_table(errors, outdir, options.formats)
    stats = corpus_stats(treaties, errors, tally)
    if options.report:
        from .corpus_report import render_corpus_report

        report_path = outdir / REPORT_NAME
        write_atomically(report_path, render_corpus_report(stats))
        written.append(report_path)
    manifest = {
        "format": MANIFEST_FORMAT,
        "policyspace": __version__,
        "tool": header["tool"],
        "rules": header["ruleset"],
        "documents": stats.documents,
        "failed": stats.failed,
        "inputs": inputs,  # with "outputs", lets an unchanged re-scan skip rewriting the tables
        "outputs": {p.name: _file_digest(p) for p in sorted(written)},
        "summary": stats.model_dump(mode="json"),
    }
    write_atomically(outdir / MANIFEST_NAME, json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return stats, written
