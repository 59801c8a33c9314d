"""policyspace convert: write any supported document in the annotated treaty format."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "convert",
        help="convert a document (ToTA XML, .txt, .treaty) to the annotated format",
        description="Convert a document to the annotated treaty format (.treaty), so it can be "
        "annotated by hand. Without -o the result goes to standard output.",
    )
    p.add_argument("file", help="input document")
    p.add_argument("-o", "--output", help="output file (conventionally ending in .treaty)")
    p.add_argument("--plain", action="store_true", help="write plain headed text: no header or annotations")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..emitter import emit
    from ..importers import load_document
    from ..output_files import write_atomically

    treaty = load_document(args.file)
    text = emit(treaty, annotations=not args.plain)
    if args.output:
        write_atomically(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
