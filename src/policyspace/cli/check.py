"""policyspace check: run the rules over documents and print the findings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="find ISDS, stabilization, local-content, export-restriction clauses and safeguards",
        description="Run the rulesets over each document and print one line per finding: "
        "file:line:col, rule id, severity, message and the clause excerpt. Suppressed findings "
        "are hidden unless --show-suppressed. Exit status 0, or 2 when a file cannot be read.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="documents (.treaty, .txt, ToTA .xml)")
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="text (default) or json: a list of findings")
    p.add_argument("--rules", metavar="DIR", action="append", default=[],
                   help="also load the rulesets in DIR (repeatable)")
    p.add_argument("--show-suppressed", action="store_true", help="also list suppressed findings")
    p.add_argument("--family", action="append", default=[], metavar="FAMILY",
                   help="only this family (repeatable): isds, stabilization, local-content, "
                   "export-restriction, safeguard")
    p.set_defaults(run=run)


def format_finding(finding) -> str:  # type: ignore[no-untyped-def]
    """One line: file:line:col ID severity message "excerpt"."""
    excerpt = finding.excerpt
    if len(excerpt) > 160:
        excerpt = excerpt[:159] + "…"
    mark = " [suppressed: " + (finding.suppression_reason or "") + "]" if finding.suppressed else ""
    scope = " (treaty-level)" if finding.scope.value == "treaty" else ""
    return (f"{finding.location} {finding.rule_id} {finding.severity.value} {finding.message}{scope}{mark}"
            + (f' "{excerpt}"' if excerpt else ""))


def run(args: argparse.Namespace) -> int:
    import json

    from ..errors import EXIT_USAGE_OR_INPUT, PolicyspaceError
    from ..importers import load_document
    from ..model import Family
    from ..rules import check_treaty, load_ruleset

    families = set()
    for name in args.family:
        try:
            families.add(Family(name))
        except ValueError:
            raise PolicyspaceError(
                f"unknown family {name!r}; use one of " + ", ".join(f.value for f in Family)
            ) from None
    ruleset = load_ruleset([Path(d) for d in args.rules])
    findings = []
    failed = 0
    for path in args.files:
        try:
            treaty = load_document(path)
        except PolicyspaceError as exc:
            print(exc.render(), file=sys.stderr)
            failed += 1
            continue
        for finding in check_treaty(treaty, ruleset):
            if families and finding.family not in families:
                continue
            if finding.suppressed and not args.show_suppressed and args.format == "text":
                continue
            findings.append(finding)
    if args.format == "json":
        json.dump([f.model_dump(mode="json") for f in findings], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for finding in findings:
            print(format_finding(finding))
        shown = len(findings)
        print(f"{shown} finding{'s' if shown != 1 else ''} in {len(args.files) - failed} file"
              f"{'s' if len(args.files) - failed != 1 else ''}", file=sys.stderr)
    return EXIT_USAGE_OR_INPUT if failed else 0
