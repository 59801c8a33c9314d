"""policyspace report: the policy-space report of one agreement, in several formats at once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

#: Output options, in the order files are written: (option, format name, help).
OUTPUTS = (
    ("json", "json", "the report as JSON (schema: docs/report-schema.json)"),
    ("sarif", "sarif", "SARIF 2.1.0 for code-review and document tools"),
    ("csv", "csv", "a tidy table, one row per finding"),
    ("html", "html", "a self-contained HTML report that works offline"),
    ("text", "terminal", "the terminal report as plain text"),
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="policy-space report: scores, findings, LMIC context (terminal, HTML, JSON, SARIF, CSV)",
        description="Check one agreement and report how much policy space it leaves: a score per "
        "family with every point explained, each finding with its clause, whom it binds and the "
        "alternative drafting. The terminal summary is always printed; add any number of files.",
    )
    p.add_argument("path", metavar="FILE", help="the agreement (.treaty, .txt, ToTA .xml, ...)")
    for option, _fmt, text in OUTPUTS:
        p.add_argument(f"--{option}", metavar="OUT", help=f"write {text} to OUT")
    p.add_argument(
        "--perspective", metavar="ISO3",
        help="focus the report on one party, e.g. ZMB (must be a party, or a member of a bloc party)",
    )
    p.add_argument("--summary", action="store_true", help="print only the scorecard in the terminal")
    p.set_defaults(run=run)


def _planned_outputs(args: argparse.Namespace) -> list[tuple[str, Path]]:
    from ..errors import PolicyspaceError

    planned: list[tuple[str, Path]] = []
    source = Path(args.path).resolve()
    seen: dict[Path, str] = {}
    for option, fmt, _text in OUTPUTS:
        value = getattr(args, option)
        if not value:
            continue
        target = Path(value)
        resolved = target.resolve()
        if resolved == source:
            raise PolicyspaceError(f"--{option} {value} would overwrite the agreement being read")
        if resolved in seen:
            raise PolicyspaceError(f"--{option} and --{seen[resolved]} both write {value}")
        if target.is_dir():
            raise PolicyspaceError(f"--{option} {value} is a folder; give a file name")
        seen[resolved] = option
        planned.append((fmt, target))
    return planned


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..errors import PolicyspaceError
    from ..importers import load_document
    from ..report import build_report
    from ..writers import write_report
    from ..writers.terminal import print_report

    planned = _planned_outputs(args)  # refuse bad output paths before any work
    treaty = load_document(args.path)
    try:
        from ..rules import check_treaty, load_ruleset
    except ImportError as exc:
        raise PolicyspaceError(f"the rules engine is not available in this installation ({exc})") from None
    ruleset = load_ruleset()
    findings = check_treaty(treaty, ruleset)
    report = build_report(treaty, findings, ruleset=ruleset, perspective=args.perspective)

    for fmt, target in planned:
        write_report(report, fmt, target)
    print_report(report, Console(highlight=False), summary_only=args.summary)
    for fmt, target in planned:
        print(f"wrote {fmt} report to {target}", file=sys.stderr)
    return 0
