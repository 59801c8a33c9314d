"""Load ruleset files (TOML), expand macros, validate, and report errors a rule author can act on."""

from __future__ import annotations

import hashlib
import re
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import RuleFileError
from ..findings import Scope
from .schema import FamilyInfo, Rule, RuleFile, check_regex

_MACRO = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_INNER_CARET = re.compile(r"(?<![\\\[])\^")  # a '^' that is neither escaped nor a class negation
#: Keys whose string values are regular expressions (macros are expanded in them).
_REGEX_KEYS = {"pattern", "near", "heading", "headings", "not_headings", "extract"}


class Ruleset:
    """All rules loaded from the ruleset folders, in file then definition order."""

    def __init__(self, rules: list[Rule], families: list[FamilyInfo], version: str) -> None:
        self.rules = rules
        self.families = families
        self.version = version
        self._by_id = {rule.id: rule for rule in rules}

    def get(self, rule_id: str) -> Rule | None:
        return self._by_id.get(rule_id)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._by_id

    def __len__(self) -> int:
        return len(self.rules)

    @property
    def clause_rules(self) -> list[Rule]:
        return [r for r in self.rules if r.scope == Scope.CLAUSE]

    @property
    def treaty_rules(self) -> list[Rule]:
        return [r for r in self.rules if r.scope == Scope.TREATY]

    def flag_names(self) -> list[str]:
        return sorted({flag for rule in self.rules for flag in rule.flags})

    def rules_with_flag(self, flag: str) -> list[Rule]:
        return [r for r in self.rules if flag in r.flags]

    @cached_property
    def compiled(self):  # type: ignore[no-untyped-def]  # -> CompiledRuleset, imported lazily
        from .matcher import CompiledRuleset

        return CompiledRuleset(self)


def _expand(value: str, macros: dict[str, str], where: str, depth: int = 0) -> str:
    if depth > 10:
        raise ValueError(f"macros nest too deeply in {where} (a macro that refers to itself?)")

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise ValueError(f"unknown macro {{{name}}} in {where}; define it under [macros]")
        return "(?:" + _expand(macros[name], macros, f"macro {name}", depth + 1) + ")"

    return _MACRO.sub(replace, value)


def _expand_tree(node: Any, macros: dict[str, str], in_regex: bool, where: str) -> Any:
    if isinstance(node, str):
        return _expand(node, macros, where) if in_regex else node
    if isinstance(node, list):
        return [_expand_tree(item, macros, in_regex, where) for item in node]
    if isinstance(node, dict):
        return {
            key: _expand_tree(value, macros, in_regex or key in _REGEX_KEYS, f"{where}.{key}")
            for key, value in node.items()
        }
    return node


def _location(loc: tuple[Any, ...], raw_rules: list[Any]) -> tuple[str | None, str]:
    """Turn a pydantic error location into (rule id, dotted field path)."""
    parts = list(loc)
    rule_id = None
    if len(parts) >= 2 and parts[0] == "rules" and isinstance(parts[1], int):
        index = parts[1]
        raw = raw_rules[index] if index < len(raw_rules) else None
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        rule_id = rule_id or f"rule #{index + 1}"
        parts = parts[2:]
    field = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in parts).replace(".[", "[")
    return rule_id, field or "(file)"


def _error(path: Path, rule_id: str | None, field: str, message: str) -> RuleFileError:
    where = f"rule {rule_id}, field {field}" if rule_id else f"field {field}"
    return RuleFileError(f"{where}: {message}", str(path))


def _check_patterns(rule: Rule, path: Path) -> None:
    """Compile every pattern once at load time, so a bad regex names its rule and field."""

    def visit(condition: Any, field: str) -> None:
        if condition is None:
            return
        value = condition.pattern
        if value is not None:
            try:
                check_regex(value)
            except ValueError as exc:
                raise _error(path, rule.id, f"{field}.pattern", str(exc)) from None
            if _INNER_CARET.search(value[1:]):
                raise _error(
                    path, rule.id, f"{field}.pattern",
                    "'^' only anchors a whole pattern at the start of a sentence or paragraph; "
                    "write the anchored alternative as its own pattern inside `any`",
                )
        if condition.heading is not None:
            try:
                check_regex(condition.heading)
            except ValueError as exc:
                raise _error(path, rule.id, f"{field}.heading", str(exc)) from None
        for i, value in enumerate(condition.near or []):
            try:
                check_regex(value)
            except ValueError as exc:
                raise _error(path, rule.id, f"{field}.near[{i}]", str(exc)) from None
        for key in ("all", "any"):
            for i, child in enumerate(getattr(condition, key) or []):
                visit(child, f"{field}.{key}[{i}]")
        visit(condition.not_, f"{field}.not")

    visit(rule.match, "match")
    for i, carve_out in enumerate(rule.unless):
        visit(carve_out.when, f"unless[{i}].when")


def read_rule_file(path: Path, macros: dict[str, str]) -> RuleFile:
    """Parse and validate one file. `macros` collects macros shared by all files."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(f"not valid TOML: {exc}", str(path)) from None
    except UnicodeDecodeError:
        raise RuleFileError("not UTF-8 text", str(path)) from None
    except OSError as exc:
        raise RuleFileError(f"cannot read the file: {exc.strerror or exc}", str(path)) from None
    raw_rules = raw.get("rules", [])
    if not isinstance(raw_rules, list):
        raise _error(path, None, "rules", "write each rule as a [[rules]] table")
    file_macros = raw.get("macros", {})
    if not isinstance(file_macros, dict) or not all(isinstance(v, str) for v in file_macros.values()):
        raise _error(path, None, "macros", "macros are name = 'regex' pairs")
    for name, value in file_macros.items():
        if name in macros and macros[name] != value:
            raise _error(path, None, f"macros.{name}", "this macro is already defined differently in another file")
        macros[name] = value
    try:
        expanded = []
        for index, raw_rule in enumerate(raw_rules):
            rule_id = raw_rule.get("id", f"rule #{index + 1}") if isinstance(raw_rule, dict) else None
            expanded.append(_expand_tree(raw_rule, macros, False, str(rule_id)))
        raw = {**raw, "rules": expanded}
    except ValueError as exc:
        raise RuleFileError(str(exc), str(path)) from None
    try:
        rule_file = RuleFile.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        rule_id, field = _location(error["loc"], raw_rules)
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field (check the spelling against docs/rules.md)"
        raise _error(path, rule_id, field, message) from None
    rules = [rule.model_copy(update={"source": path.name}) for rule in rule_file.rules]
    for rule in rules:
        _check_patterns(rule, path)
    return rule_file.model_copy(update={"rules": rules})


def _rule_files(folders: list[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            raise RuleFileError("ruleset folder not found", str(folder))
        files.extend(sorted(folder.glob("*.toml")))
    return files


def build_ruleset(folders: list[Path]) -> Ruleset:
    files = _rule_files(folders)
    macros: dict[str, str] = {}
    digest = hashlib.sha256()
    rules: list[Rule] = []
    families = []
    # Macros may be used in any file: read all macro tables first.
    for path in files:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            continue  # reported with details by read_rule_file below
        for name, value in (raw.get("macros") or {}).items():
            if isinstance(value, str):
                macros.setdefault(name, value)
    seen: dict[str, Path] = {}
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        rule_file = read_rule_file(path, dict(macros))
        if rule_file.family is not None:
            families.append(rule_file.family)
        for rule in rule_file.rules:
            if rule.id in seen:
                raise _error(path, rule.id, "id", f"rule id already used in {seen[rule.id]}")
            seen[rule.id] = path
            rules.append(rule)
    _check_treaty_references(rules, files)
    return Ruleset(rules, families, digest.hexdigest()[:16])


def _check_treaty_references(rules: list[Rule], files: list[Path]) -> None:
    """Treaty rules name rule ids or flags; a typo would silently never fire, so refuse it."""
    known = {r.id for r in rules} | {flag for r in rules for flag in r.flags}
    extracted = {name for r in rules for name in r.extract}
    by_name = {p.name: p for p in files}
    for rule in rules:
        if rule.treaty is None:
            continue
        path = by_name.get(rule.source, Path(rule.source))
        for key in ("present", "absent"):
            for name in getattr(rule.treaty, key):
                if name not in known:
                    raise _error(path, rule.id, f"treaty.{key}", f"{name!r} is neither a rule id nor a flag")
        for name in rule.treaty.at_least:
            if name not in extracted:
                raise _error(path, rule.id, "treaty.at_least", f"no rule extracts a value named {name!r}")


_CACHE: dict[tuple[str, ...], Ruleset] = {}


def load_ruleset(extra_dirs: list[Path] | None = None) -> Ruleset:
    """The bundled rulesets plus `extra_dirs`, loaded and validated once per process."""
    from ..resources import rulesets_dir

    folders = [rulesets_dir(), *(Path(d) for d in extra_dirs or [])]
    key = tuple(str(f.resolve()) for f in folders)
    if key not in _CACHE:
        from .ruleset_cache import cached_ruleset

        _CACHE[key] = cached_ruleset(_rule_files(folders), lambda: build_ruleset(folders), Ruleset)
    return _CACHE[key]
