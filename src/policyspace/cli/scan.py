"""policyspace scan: a whole corpus into tables (CSV, Parquet, JSON Lines) and a corpus report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EPILOG = """\
exit status:
  0  every document was scanned
  1  some documents could not be scanned: they are listed at the end, in errors.csv and in the
     corpus report; every other document is in the tables
  2  usage error (bad option, no documents found, missing optional library, broken rule file)
  130 interrupted (Ctrl-C or kill): finished documents are kept; rerun with --resume

outputs in OUTDIR: treaties.*, findings.*, errors.* (one per --format), corpus-report.html,
scan.json (what was written), scan-journal.jsonl (one line per finished document, for --resume).
Columns are described in docs/scan.md.
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scan",
        help="scan a corpus into tables and a corpus report",
        description="Scan every document under the given files, folders and glob patterns (mixed "
        "formats welcome) in parallel, and write tidy tables of treaties, findings and errors plus "
        "an HTML corpus report. One bad file never stops the scan. Results are cached by content, "
        "so scanning an unchanged corpus again is near-instant.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders (searched recursively) or glob patterns")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", type=Path, help="folder for tables and report")
    p.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                   help="worker processes (default: every core; Dask: local workers to start)")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted scan in OUTDIR: documents already finished are kept")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary; errors only")
    p.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="local worker processes (default) or a Dask distributed cluster (extra 'dask')")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: start a local cluster)")
    p.add_argument("--format", default="csv,jsonl", metavar="LIST",
                   help="table formats, comma-separated: csv, parquet (extra 'parquet'), jsonl (default: csv,jsonl)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    p.add_argument("--cache-dir", type=Path, metavar="DIR",
                   help="cache folder (default: $POLICYSPACE_CACHE_DIR, else ~/.cache/policyspace)")
    p.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                   help="stop reading a document after this long and record an error (local engine; default 600)")
    p.add_argument("--no-report", action="store_true", help="write the tables only, no corpus-report.html")
    p.set_defaults(run=run)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


class _RichProgress:
    """A progress bar with rate and ETA on stderr (only used on a terminal)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(stderr=True), transient=True,
        )
        self.task: Any = None
        self.failed = 0

    def start(self, total: int, done: int) -> None:
        import time

        self.started = time.monotonic()
        self.fresh = 0
        self.progress.start()
        self.task = self.progress.add_task("scan", total=total, completed=done, rate="")

    def advance(self, outcome: Any) -> None:
        import time

        self.fresh += 1
        rate = self.fresh / max(1e-6, time.monotonic() - self.started)
        self.progress.update(self.task, advance=1, rate=f"{rate:,.1f} docs/s")

    def stop(self) -> None:
        self.progress.stop()


def _sigterm_as_interrupt() -> None:
    import signal

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def _console(stderr: bool = False) -> Any:
    from rich.console import Console  # only when something is printed: --quiet runs skip rich

    return Console(stderr=stderr, highlight=False)


def run(args: argparse.Namespace) -> int:
    from ..errors import EXIT_FINDINGS, EXIT_OK, PolicyspaceError
    from ..scanning import ScanOptions, run_scan

    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    if not formats:
        raise PolicyspaceError("--format needs at least one of csv, parquet, jsonl")
    options = ScanOptions(
        paths=args.paths, outdir=args.output, jobs=args.jobs, resume=args.resume, engine=args.engine,
        scheduler=args.scheduler, use_cache=not args.no_cache, cache_dir=args.cache_dir,
        formats=list(dict.fromkeys(formats)), timeout=args.timeout if args.timeout > 0 else None,
        report=not args.no_report,
    )
    progress = _RichProgress() if sys.stderr.isatty() and not args.quiet else None
    _sigterm_as_interrupt()
    try:
        summary = run_scan(options, progress)
    except KeyboardInterrupt:
        if progress is not None:
            progress.stop()  # before printing, so the message is not drawn over
        _console(stderr=True).print(f"policyspace: scan interrupted; {_journal_count(args.output)} finished documents are "
                  f"kept in {args.output}. Run the same command with --resume to finish.", markup=False)
        return 130
    finally:
        if progress is not None:
            progress.stop()
    for note in summary.notes:
        _console(stderr=True).print(f"note: {note}", markup=False)
    stats = summary.corpus_stats() if not args.quiet or summary.failed else None
    if not args.quiet and stats is not None:
        from ..scanning.corpus_report import print_terminal_summary

        out = _console()
        print_terminal_summary(stats, out)
        how = ("unchanged since the last scan: tables kept" if summary.up_to_date else
               f"{summary.scanned} scanned, {summary.cached} from the cache, {summary.resumed} resumed")
        out.print(f"{summary.total} documents ({how}), {summary.failed} failed, in {summary.seconds:.2f} s. "
                  f"Tables and report in {args.output}/", markup=False)
    if summary.failed and stats is not None:
        err = _console(stderr=True)
        for error in stats.errors:
            err.print(f"{error['message']}  [{error['kind']}]", markup=False)
        err.print(f"{summary.failed} of {summary.total} documents could not be scanned "
                  f"(listed in {args.output}/errors.*)", markup=False)
        return EXIT_FINDINGS
    return EXIT_OK


def _journal_count(outdir: Path) -> int:
    from ..scanning.journal import read_journal
    from ..scanning.runner import JOURNAL_NAME

    try:
        return len(read_journal(outdir / JOURNAL_NAME)[1])
    except Exception:  # noqa: BLE001 - only a count for a message
        return 0
