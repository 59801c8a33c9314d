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
        "Prints per-family precision, recall and F1, the confusions, and a keyword-grep baseline. "
        "A CSV with a file column and no article_id column is a treaty-level coding (file, isds, pr, "
        "umbrella or flag names: yes/no, one row per ToTA treaty); for those, eval prints how often the "
        "treaty flags agree with the coder.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="label CSV files, .treaty files or folders")
    p.add_argument("--tota", metavar="DIR", help="the ToTA xml folder (default: $POLICYSPACE_TOTA or "
                   "../shared/tota/xml next to the repository)")
    p.add_argument("--rules", metavar="DIR", action="append", default=[], help="extra ruleset folder")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument("--confusions", type=int, default=40, metavar="N",
                   help="show at most N confusions (default 40; 0 hides them)")
    p.add_argument("--second-reading", metavar="CSV",
                   help="labels of the same articles by a second, independent reader (file,article_id,labels): "
                   "also print how far the two readers agree (F1, Cohen's kappa) and how the rules score "
                   "against each reader and on the articles both label the same way")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from rich.console import Console

    from ..errors import InputError
    from ..output_files import write_atomically
    from ..rules import load_ruleset
    from ..rules.evaluation import evaluate, load_gold
    from ..rules.treaty_coding import compare_coding, load_coding

    ruleset = load_ruleset([Path(d) for d in args.rules])
    from ..resources import default_tota_dir

    tota = Path(args.tota) if args.tota else default_tota_dir()
    label_paths, coding_paths = _split([Path(p) for p in args.paths])
    console = Console(highlight=False)
    output: dict[str, object] = {}
    if label_paths:
        gold = load_gold(label_paths, tota)
        result = evaluate(gold, ruleset)
        _print_articles(console, result, args.confusions)
        output = result.as_dict()
        if args.second_reading:
            from ..rules.second_reading import compare_readings, read_labels

            second = read_labels(Path(args.second_reading))
            readings = compare_readings(gold, second, ruleset, args.second_reading)
            _print_readings(console, readings, args.confusions)
            output["second_reading"] = readings.as_dict()
    elif args.second_reading:
        raise InputError("--second-reading needs the first reading's label files as PATH", args.second_reading)
    if coding_paths:
        if tota is None or not tota.is_dir():
            raise InputError("treaty codings refer to ToTA treaties: give the ToTA folder with --tota DIR "
                             "or the POLICYSPACE_TOTA environment variable", str(coding_paths[0]))
        coded = [item for path in coding_paths for item in load_coding(path, ruleset)]
        comparison = compare_coding(coded, tota, ruleset)
        _print_coding(console, comparison, args.confusions)
        output["treaty_coding"] = comparison.as_dict()
    if args.json:
        write_atomically(args.json, json.dumps(output, indent=2) + "\n")
    return 0


def _split(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Article label files and folders; treaty coding CSVs (also those inside the folders)."""
    from ..rules.treaty_coding import is_coding_file

    labels: list[Path] = []
    codings: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix == ".csv" and is_coding_file(p))
            codings.extend(inside)
            if any(p.suffix in (".csv", ".treaty") and p not in inside for p in path.iterdir()):
                labels.append(path)
        elif path.suffix.lower() == ".csv" and is_coding_file(path):
            codings.append(path)
        else:
            labels.append(path)
    return labels, codings


def _print_articles(console, result, limit: int) -> None:  # type: ignore[no-untyped-def]
    from rich.markup import escape
    from rich.table import Table

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
    if limit and result.confusions:
        console.print(f"[bold]Confusions[/bold] ({len(result.confusions)}; FP = rule fired without the label, "
                      "FN = label without a finding)")
        for c in result.confusions[:limit]:
            fired = f" [dim]{', '.join(c.rules)}[/dim]" if c.rules else ""
            console.print(f"  {c.kind} {c.family:<19} {escape(c.file)}:{escape(c.article_id)}{fired}  "
                          f"[dim]{escape(c.rationale[:70])}[/dim]")
        if len(result.confusions) > limit:
            console.print(f"  … {len(result.confusions) - limit} more (use --confusions N or --json)")


def _print_coding(console, comparison, limit: int) -> None:  # type: ignore[no-untyped-def]
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{comparison.treaties} coded treaties: treaty flags against the coder")
    for column in ("flag", "treaties", "agree", "agreement", "yes (rules)", "yes (coder)"):
        table.add_column(column, justify="left" if column == "flag" else "right")
    for name, tally in comparison.flags.items():
        table.add_row(name, str(tally.treaties), str(tally.agree), f"[bold]{tally.rate:.1%}[/bold]",
                      str(tally.ours_yes), str(tally.coder_yes))
    console.print(table)
    console.print(f"all coded flags agree on {comparison.all_agree} of {comparison.treaties} treaties")
    if limit and comparison.disagreements:
        console.print(f"[bold]Disagreements[/bold] ({len(comparison.disagreements)})")
        for d in comparison.disagreements[:limit]:
            said = "rules yes, coder no" if d.ours else "rules no, coder yes"
            rules = f" [dim]{', '.join(d.rules)}[/dim]" if d.rules else ""
            console.print(f"  {escape(d.file):<12} {d.flag:<36} {said}{rules}  [dim]{escape(d.notes[:70])}[/dim]")


def _print_readings(console, readings, limit: int) -> None:  # type: ignore[no-untyped-def]
    from rich.markup import escape
    from rich.table import Table

    readers = Table(title=f"second reading: {readings.articles} articles read twice; 2nd reader against 1st")
    for column in ("family", "yes (1st)", "yes (2nd)", "precision", "recall", "F1", "kappa"):
        readers.add_column(column, justify="left" if column == "family" else "right")
    rules = Table(title="rules against each reader, and on the articles both readers label alike")
    for column in ("family", "F1 vs 1st", "F1 vs 2nd", "alike", "precision", "recall", "F1"):
        rules.add_column(column, justify="left" if column == "family" else "right")
    for family, score in readings.readers.items():
        readers.add_row(family, str(score.tp + score.fn), str(score.tp + score.fp), f"{score.precision:.2f}",
                        f"{score.recall:.2f}", f"[bold]{score.f1:.2f}[/bold]", f"{readings.kappa(family):.2f}")
        agreed = readings.rules_agreed[family]
        rules.add_row(family, f"{readings.rules_first[family].f1:.2f}", f"{readings.rules_second[family].f1:.2f}",
                      str(readings.agreed[family]), f"{agreed.precision:.2f}", f"{agreed.recall:.2f}",
                      f"[bold]{agreed.f1:.2f}[/bold]")
    console.print(readers)
    console.print(rules)
    if limit and readings.disagreements:
        console.print(f"[bold]Readers disagree[/bold] ({len(readings.disagreements)}; 1st = the first reader's label)")
        for d in readings.disagreements[:limit]:
            said = "1st yes, 2nd no" if d.first else "1st no, 2nd yes"
            console.print(f"  {d.family:<19} {escape(d.file)}:{escape(d.article_id)}  {said}; rules "
                          f"{'yes' if d.rules else 'no'}")
        if len(readings.disagreements) > limit:
            console.print(f"  … {len(readings.disagreements) - limit} more (use --confusions N or --json)")
