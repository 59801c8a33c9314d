"""Document import speed over the ToTA corpus, in MB/s of CPU time on one core.

Four figures, each the best of --repeat timed passes:

  ToTA XML import    load_document on the 450 XML files (expat, the line scanner for article
                     bodies, the document model): the work of a cold `policyspace scan`
  annotated format   parse_treaty on every treaty converted to the annotated format (converted
                     once, not timed): line scanner (header included) and document model
  ... grammar only   the same with parse_treaty(grammar_only=True): the Lark grammar, the
                     reference the scanner is tested against, and the model
  Lark parse alone   Lark's LALR parse of the same documents, no document model (issue 2's
                     grammar throughput, target >= 8 MB/s)

Usage:

    python bench/bench_parse.py [--tota DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _best(work: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def main() -> int:
    from policyspace.resources import default_tota_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tota", default=default_tota_dir() or REPO.parent / "shared" / "tota" / "xml")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the best is reported")
    args = parser.parse_args()
    tota = Path(args.tota)
    files = sorted(tota.glob("pta_*.xml"))
    if not files:
        print(f"ToTA corpus not found at {tota}", file=sys.stderr)
        return 2

    from policyspace.emitter import emit
    from policyspace.importers import load_document
    from policyspace.treaty_parser import _prepare, _scanned_items, get_parser, parse_treaty

    lark = get_parser()
    parser_impl = type(lark.parser.parser).__module__
    xml_mb = sum(f.stat().st_size for f in files) / 1e6
    documents = [emit(load_document(f)) for f in files]
    size_mb = sum(len(d.encode("utf-8")) for d in documents) / 1e6
    scanned = sum(_scanned_items(_prepare(d), None) is not None for d in documents)

    print(f"Lark parser: {parser_impl}")
    print(f"ToTA: {len(files)} XML files, {xml_mb:.1f} MB; as annotated documents {size_mb:.1f} MB, "
          f"{scanned} of them read by the line scanner")
    def each(work: Callable[[object], object], inputs: list) -> Callable[[], None]:
        def run() -> None:
            for item in inputs:
                work(item)  # the result is dropped at once, as in a scan: no heap built up

        return run

    runs: list[tuple[str, float, Callable[[], None]]] = [
        ("ToTA XML import (load_document)", xml_mb, each(load_document, files)),
        ("annotated format (parse_treaty)", size_mb, each(parse_treaty, documents)),
        ("... grammar only (grammar_only=True)", size_mb,
         each(lambda d: parse_treaty(d, grammar_only=True), documents)),
        ("Lark parse alone, no model", size_mb, each(lambda d: lark.parse(d, start="start"), documents)),
    ]
    for name, mb, work in runs:
        seconds = _best(work, args.repeat)
        print(f"{name:40s} {seconds:6.2f} s CPU -> {mb / seconds:5.1f} MB/s (best of {args.repeat})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
