"""policyspace diff: what a new draft gives away, or wins back, compared with the last one."""

from __future__ import annotations

import argparse
import sys

from .lint import SEVERITIES, add_config_options, config_overrides


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diff",
        help="compare two drafts: findings added/removed/changed, text changes, score delta",
        description="Compare two versions of a draft. Articles are matched by number and, when "
        "they were renumbered or moved, by their text; the diff lists findings added, removed and "
        "changed, the words that changed inside flagged clauses, and the policy-space score delta "
        "per family. The configuration is the one that governs NEW.",
    )
    p.add_argument("old", metavar="OLD", help="the earlier draft (.treaty, .txt, .xml, .docx, .pdf)")
    p.add_argument("new", metavar="NEW", help="the later draft")
    p.add_argument("--format", choices=["text", "json", "html"], default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of standard output")
    p.add_argument("--fail-on", choices=SEVERITIES, default=None,
                   help="exit 1 when NEW adds, or raises to, a restrictive finding at or above this severity")
    add_config_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..config import ConfigResolver
    from ..diffing import diff_drafts
    from ..errors import EXIT_FINDINGS, EXIT_OK
    from ..findings import Severity
    from ..importers import load_document
    from ..linting import ruleset_for
    from ..model import Family
    from ..rules import check_treaty

    overrides = config_overrides(args)
    overrides.pop("fail_on")  # diff's --fail-on is its own threshold, not the lint setting
    config = ConfigResolver().effective(args.new, overrides, args.config, args.isolated)
    ruleset = ruleset_for(config)
    old, new = load_document(args.old), load_document(args.new)
    old_findings = config.apply(check_treaty(old, ruleset))
    new_findings = config.apply(check_treaty(new, ruleset))
    diff = diff_drafts(old, new, old_findings, new_findings, ruleset)

    from ..writers import diff as writer

    if args.format == "json":
        output = writer.render_json(diff)
    elif args.format == "html":
        output = writer.render_html(diff, perspective=config.perspective)
    elif args.output:
        output = writer.render_text(diff)
    else:
        writer.print_text(diff)
        output = None
    if output is not None:
        if args.output:
            from ..output_files import write_atomically

            write_atomically(args.output, output)
        else:
            sys.stdout.write(output)

    if args.fail_on is None:
        return EXIT_OK
    threshold = Severity(args.fail_on).rank
    worse = [
        c for c in diff.findings
        if c.family != Family.SAFEGUARD and c.new is not None and not c.new.suppressed
        and c.severity.rank >= threshold
        and (c.change == "added" or (c.old is not None and c.old.severity.rank < c.severity.rank))
    ]
    return EXIT_FINDINGS if worse else EXIT_OK
