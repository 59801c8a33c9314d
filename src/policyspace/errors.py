"""Errors a user sees: one clear message with the file, position and the offending line."""

from __future__ import annotations

#: Exit statuses shared by every command (documented in docs/guarantees.md).
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE_OR_INPUT = 2
EXIT_INTERNAL_ERROR = 3  # a bug in policyspace; never expected, fuzz tests check for it


class PolicyspaceError(Exception):
    """Base class: an error the user can act on. Never shown with a traceback."""

    exit_status = EXIT_USAGE_OR_INPUT

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def render(self) -> str:
        prefix = f"{self.path}: " if self.path else ""
        return f"{prefix}error: {self.message}"


class InputError(PolicyspaceError):
    """The input file cannot be read or decoded (empty, binary, undecodable, unknown type)."""


class ParseError(PolicyspaceError):
    """The text does not follow the treaty format; carries the position and the source line."""

    def __init__(
        self,
        message: str,
        path: str | None,
        line: int,
        column: int,
        source_line: str = "",
    ) -> None:
        super().__init__(message, path)
        self.line = line
        self.column = column
        self.source_line = source_line

    def render(self) -> str:
        where = f"{self.path or '<input>'}:{self.line}:{self.column}"
        shown = self.source_line.expandtabs(1).rstrip("\n")
        if len(shown) > 160:  # keep the caret readable on very long lines
            start = max(0, self.column - 80)
            shown = shown[start : start + 160]
            caret_at = self.column - 1 - start
        else:
            caret_at = self.column - 1
        caret = " " * max(caret_at, 0) + "^"
        return f"{where}: error: {self.message}\n    {shown}\n    {caret}"


class RuleFileError(PolicyspaceError):
    """A ruleset or configuration file is invalid; names the file, rule id and field."""
