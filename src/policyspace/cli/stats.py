"""policyspace stats: units and sizes per document, and totals over a folder."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "stats",
        help="count units and characters per document or folder",
        description="Count chapters, articles, paragraphs and characters in each document; "
        "folders are searched recursively. Files that cannot be read are listed with the reason.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or glob patterns")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(run=run)


def document_stats(path: str) -> dict[str, object]:
    from ..importers import load_document
    from ..model import UnitKind

    treaty = load_document(path)
    counts = {kind.value: 0 for kind in UnitKind}
    chars = 0
    for unit in treaty.walk():
        counts[unit.kind.value] += 1
        chars += len(unit.text)
    return {
        "file": path,
        "format": treaty.source.format if treaty.source else None,
        "language": treaty.meta.language,
        "chapters": counts["chapter"],
        "articles": counts["article"],
        "paragraphs": counts["paragraph"] + counts["subparagraph"] + counts["item"],
        "units": sum(counts.values()),
        "characters": chars,
    }


def run(args: argparse.Namespace) -> int:
    from ..discovery import iter_document_paths
    from ..errors import EXIT_FINDINGS, PolicyspaceError

    rows: list[dict[str, object]] = []
    errors: list[dict[str, str]] = []
    for path in iter_document_paths(args.paths):
        try:
            rows.append(document_stats(path))
        except PolicyspaceError as exc:
            errors.append({"file": path, "error": exc.render().splitlines()[0]})
    keys = ["chapters", "articles", "paragraphs", "units", "characters"]
    totals = {k: sum(int(r[k]) for r in rows) for k in keys}  # type: ignore[call-overload]
    if args.format == "json":
        json.dump({"documents": rows, "totals": totals, "errors": errors}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=None if len(rows) < 2 else f"{len(rows)} documents")
        table.add_column("file", overflow="fold")
        table.add_column("format")
        for k in keys:
            table.add_column(k, justify="right")
        for r in rows:
            table.add_row(str(r["file"]), str(r["format"]), *(f"{int(r[k]):,}" for k in keys))  # type: ignore[call-overload]
        if len(rows) > 1:
            table.add_row("[bold]total[/bold]", "", *(f"[bold]{totals[k]:,}[/bold]" for k in keys))
        console = Console(highlight=False)
        console.print(table)
        for e in errors:
            Console(stderr=True, highlight=False).print(f"[red]{e['error']}[/red]", markup=True)
    if errors:
        print(f"{len(errors)} of {len(rows) + len(errors)} files could not be read", file=sys.stderr)
        return EXIT_FINDINGS if rows else 2
    return 0
