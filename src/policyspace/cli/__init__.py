"""The `policyspace` command line. Commands only orchestrate; domain logic lives elsewhere.

Each command is a module in this package with `register(subparsers)` and `run(args) -> int`.
Heavy imports happen inside `run`, so `policyspace lint` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from .. import __version__
from ..errors import EXIT_INTERNAL_ERROR, EXIT_USAGE_OR_INPUT, PolicyspaceError

#: Command modules, in the order `--help` lists them. A new command is one module + one entry.
COMMANDS = ["convert", "show", "stats", "lint", "diff", "report", "scan", "check", "rules", "explain", "eval"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with one clear line
        self.print_usage(sys.stderr)
        print(f"policyspace: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE_OR_INPUT)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with `only` one command registered (what running it needs)."""
    parser = _Parser(
        prog="policyspace",
        description="Policy-space checks for trade and investment agreements: ISDS, stabilization, "
        "local-content and export-restriction clauses, and the safeguards that keep policy space.",
    )
    parser.add_argument("--version", action="version", version=f"policyspace {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in [only] if only else COMMANDS:
        module = importlib.import_module(f".{name}", __name__)
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # `policyspace lint ...` builds only lint's parser: registering all commands costs more than
    # a short lint run can spare (each argparse parser looks up its message translations).
    # Anything else (--help, --version, no or an unknown command) gets the whole parser.
    parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USAGE_OR_INPUT
    try:
        return int(args.run(args) or 0)
    except PolicyspaceError as exc:
        print(exc.render(), file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print("policyspace: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `policyspace show x | head`
        return 0
    except Exception as exc:
        print(
            f"policyspace: internal error: {type(exc).__name__}: {exc} "
            "(this is a bug in policyspace; set POLICYSPACE_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        if os.environ.get("POLICYSPACE_DEBUG"):
            raise
        return EXIT_INTERNAL_ERROR
