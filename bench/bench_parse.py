"""Parse throughput of the annotated-format grammar over the ToTA corpus, in MB/s (one core).

Each ToTA treaty is converted to the annotated format once (not timed); then every converted
document is parsed by `parse_treaty`, the full path a `.treaty` file takes (grammar, structure
building, document model). Usage:

    python bench/bench_parse.py [--tota DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


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
    from policyspace.treaty_parser import get_parser, parse_treaty

    parser_impl = type(get_parser().parser.parser).__module__
    documents = [emit(load_document(f)) for f in files]
    size_mb = sum(len(d.encode("utf-8")) for d in documents) / 1e6
    lark = get_parser()

    def grammar_only() -> None:
        for text in documents:
            lark.parse(text, start="start")

    def full_document_model() -> None:
        for text in documents:
            parse_treaty(text)

    print(f"parser: {parser_impl}")
    print(f"documents: {len(documents)}  size: {size_mb:.1f} MB (annotated format)")
    for name, work in (("grammar (Lark LALR parse)", grammar_only), ("grammar + document model", full_document_model)):
        best = float("inf")
        for _ in range(args.repeat):
            start = time.process_time()
            work()
            best = min(best, time.process_time() - start)
        print(f"{name}: {best:.2f} s CPU -> {size_mb / best:.1f} MB/s (best of {args.repeat}; target >= 8 MB/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
