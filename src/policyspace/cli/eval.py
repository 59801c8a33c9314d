"""policyspace eval: precision, recall and F1 per family against reviewers' labels."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "eval",
        help="measure the rules against labelled articles (precision / recall / F1)",
        description="Compare the families the rules find in each article with reviewers' labels. "
        "PATH is a label CSV (file,article_id,labels,...; ToTA articles, resolved against the ToTA "
        "folder), an annotated .treaty file whose articles carry @tags, or a folder of either. "
        "Prints per-family precision, recall and F1, the confusions, and a keyword-grep baseline.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="label CSV files, .treaty files or folders")
    p.add_argument("--tota", metavar="DIR", help="the ToTA xml folder (default: $POLICYSPACE_TOTA or "
                   "../shared/tota/xml next to the repository)")
    p.add_argument("--rules", metavar="DIR", action="append", default=[], help="extra ruleset folder")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument("--confusions", type=int, default=40, metavar="N",
                   help="show at most N confusions (default 40; 0 hides them)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from ..output_files import write_atomically
    from ..rules import load_ruleset
    from ..rules.evaluation import evaluate, load_gold

    ruleset = load_ruleset([Path(d) for d in args.rules])
    from ..resources import default_tota_dir

    tota = Path(args.tota) if args.tota else default_tota_dir()
    gold = load_gold([Path(p) for p in args.paths], tota)
    result = evaluate(gold, ruleset)
    console = Console(highlight=False)
    table = Table(title=f"{result.articles} labelled articles")
    for column in ("family", "TP", "FP", "FN", "precision", "recall", "F1", "grep P", "grep R", "grep F1"):
        table.add_column(column, justify="left" if column == "family" else "right")
    for family, score in result.scores.items():
        base = result.baseline[family]
        table.add_row(
            family, str(score.tp), str(score.fp), str(score.fn),
            f"{score.precision:.2f}", f"{score.recall:.2f}", f"[bold]{score.f1:.2f}[/bold]",
            f"{base.precision:.2f}", f"{base.recall:.2f}", f"{base.f1:.2f}",
        )
    console.print(table)
    if args.confusions and result.confusions:
        console.print(f"[bold]Confusions[/bold] ({len(result.confusions)}; FP = rule fired without the label, "
                      "FN = label without a finding)")
        for c in result.confusions[: args.confusions]:
            fired = f" [dim]{', '.join(c.rules)}[/dim]" if c.rules else ""
            console.print(f"  {c.kind} {c.family:<19} {escape(c.file)}:{escape(c.article_id)}{fired}  "
                          f"[dim]{escape(c.rationale[:70])}[/dim]")
        if len(result.confusions) > args.confusions:
            console.print(f"  … {len(result.confusions) - args.confusions} more (use --confusions N or --json)")
    if args.json:
        write_atomically(args.json, json.dumps(result.as_dict(), indent=2) + "\n")
    return 0
