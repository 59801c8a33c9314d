"""policyspace lint: check drafts like code, with exit codes, suppressions and a config file."""

from __future__ import annotations

import argparse
import sys

SEVERITIES = ["info", "low", "medium", "high", "critical"]
FORMATS = ["text", "json", "sarif", "github"]


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _severity_override(value: str) -> tuple[str, str]:
    key, sep, severity = value.partition("=")
    if not sep or not key.strip() or severity.strip().lower() not in SEVERITIES:
        raise argparse.ArgumentTypeError(
            f"expected RULE_OR_FAMILY=SEVERITY with a severity among {', '.join(SEVERITIES)}, got {value!r}"
        )
    return key.strip(), severity.strip().lower()


def add_config_options(p: argparse.ArgumentParser) -> None:
    """The options that override the configuration file (shared by lint and diff)."""
    group = p.add_argument_group("configuration (overrides pyproject.toml [tool.policyspace] / policyspace.toml)")
    group.add_argument("--select", type=_list, action="extend", metavar="IDS",
                       help="only these rule ids or families, comma-separated (replaces the config's select)")
    group.add_argument("--ignore", type=_list, action="extend", metavar="IDS",
                       help="never report these rule ids or families (replaces the config's ignore)")
    group.add_argument("--severity", type=_severity_override, action="append", metavar="ID=SEVERITY",
                       help="override a rule's or family's severity, e.g. --severity stabilization=critical")
    group.add_argument("--extra-rulesets", action="append", metavar="DIR",
                       help="a folder of extra ruleset files (replaces the config's extra-rulesets)")
    group.add_argument("--perspective", metavar="ISO3", help="the party whose policy space is assessed")
    group.add_argument("--config", metavar="FILE", help="use this configuration file instead of searching for one")
    group.add_argument("--isolated", action="store_true", help="ignore all configuration files")


def config_overrides(args: argparse.Namespace) -> dict[str, object]:
    return {
        "select": args.select,
        "ignore": args.ignore,
        "severity": dict(args.severity) if args.severity else None,
        "extra_rulesets": args.extra_rulesets,
        "perspective": args.perspective,
        "fail_on": getattr(args, "fail_on", None),
    }


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "lint",
        help="lint drafts: one line per finding, exit 1 at or above --fail-on",
        description="Check drafts for clauses that narrow policy space, as a code linter does. "
        "Exit status: 0 nothing at or above the threshold, 1 findings at or above --fail-on, "
        "2 a file or the configuration could not be read. Suppress an accepted finding in the "
        "draft with '@suppress RULE001: reason'.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="documents or folders (.treaty, .txt, .xml, .docx, .pdf)")
    p.add_argument("--fail-on", choices=SEVERITIES, default=None,
                   help="lowest severity that makes the exit status 1 (default: config, else high)")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="text: file:line:col: ID [severity] message; github: workflow annotations")
    p.add_argument("--exit-zero", action="store_true",
                   help="exit 0 even when findings reach --fail-on (2 still means an input or config error)")
    p.add_argument("--show-suppressed", action="store_true", help="also list suppressed findings, with reasons")
    p.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE (written atomically)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line on standard error")
    p.add_argument("--no-cache", action="store_true",
                   help="neither read nor write the result cache ($POLICYSPACE_CACHE_DIR/lint, else "
                   "~/.cache/policyspace/lint; POLICYSPACE_LINT_CACHE=0 also turns it off); "
                   "--format sarif never uses it")
    add_config_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..lint_cache import LintCache, cache_enabled
    from ..linting import format_github, format_sarif, format_text, lint_paths, summary_line

    # SARIF is built from the parsed document and the rules, which a cached result does not keep
    cache = LintCache() if args.format != "sarif" and cache_enabled(args.no_cache) else None
    result = lint_paths(args.files, config_overrides(args), config_file=args.config, isolated=args.isolated,
                        cache=cache)
    if args.format == "json":
        output = result.to_json(show_suppressed=args.show_suppressed)
    elif args.format == "sarif":
        output = format_sarif(result)
    elif args.format == "github":
        output = format_github(result, show_suppressed=args.show_suppressed)
    else:
        output = format_text(result, show_suppressed=args.show_suppressed)
    if args.output:
        from ..output_files import write_atomically

        write_atomically(args.output, output)
    else:
        sys.stdout.write(output)
    sys.stdout.flush()  # findings first, then errors and the summary on standard error
    for file in result.files:
        if file.error:
            print(file.error, file=sys.stderr)
    if not args.quiet:
        print(summary_line(result), file=sys.stderr)
    status = result.exit_status
    return 0 if args.exit_zero and status == 1 else status
