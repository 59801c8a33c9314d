"""The rules engine: declarative rulesets (rulesets/*.toml) run over the document model.

    ruleset = load_ruleset()
    findings = check_treaty(treaty, ruleset)
    flags = treaty_flags(findings)
"""

from __future__ import annotations

from .engine import check_treaty, counts_as_present, treaty_flags, unused_suppressions
from .loader import Ruleset, load_ruleset
from .schema import Example, Rule

__all__ = [
    "Example",
    "Rule",
    "Ruleset",
    "check_treaty",
    "counts_as_present",
    "load_ruleset",
    "treaty_flags",
    "unused_suppressions",
]
