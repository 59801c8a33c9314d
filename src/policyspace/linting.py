"""Lint drafts like code: findings after configuration, suppressions, and the exit status.

`lint_paths` runs the rules engine over each document with the configuration that governs it,
and returns a `LintResult`; `policyspace lint` prints it in one of the formats below. The exit
status follows the linters a team's IT staff know: 0 nothing at or above the threshold,
1 findings at or above `fail-on`, 2 a document or the configuration could not be read.
Reference: docs/lint.md.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, PrivateAttr

from . import __version__
from .config import ConfigResolver, ProjectConfig
from .errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE_OR_INPUT, PolicyspaceError
from .findings import Finding, Severity
from .model import Family

if TYPE_CHECKING:
    from .lint_cache import LintCache

#: The pseudo-rule under which a suppression that silences nothing is reported (as ruff's RUF100).
UNUSED_SUPPRESSION_ID = "SUP001"
UNUSED_SUPPRESSION_SEVERITY = Severity.LOW


class UnusedSuppression(BaseModel):
    """An `@suppress` annotation that silenced nothing: the rule did not fire there, or is unknown."""

    rule_id: str = UNUSED_SUPPRESSION_ID
    severity: Severity = UNUSED_SUPPRESSION_SEVERITY
    file: str
    start_line: int | None = None
    start_column: int | None = None
    suppressed_rule_ids: list[str]
    reason: str
    message: str


class FileResult(BaseModel):
    """What lint found in one document (findings already selected and re-graded by the config)."""

    file: str
    config_file: str | None = None
    fail_on: Severity
    findings: list[Finding] = Field(default_factory=list)  # suppressed ones included, marked
    unused_suppressions: list[UnusedSuppression] = Field(default_factory=list)
    error: str | None = None  # the document could not be read: exit status 2
    _treaty: Any = PrivateAttr(default=None)  # the parsed document, for writers that need it
    _ruleset: Any = PrivateAttr(default=None)

    @property
    def active(self) -> list[Finding]:
        """Findings that narrow policy space and are not suppressed."""
        return [f for f in self.findings if not f.suppressed and f.family != Family.SAFEGUARD]

    @property
    def safeguards(self) -> list[Finding]:
        """Safeguards found: they keep policy space, are listed, and never fail the lint."""
        return [f for f in self.findings if not f.suppressed and f.family == Family.SAFEGUARD]

    @property
    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed]

    def failing(self) -> list[Finding | UnusedSuppression]:
        """Findings and unused suppressions at or above this file's `fail-on` severity."""
        items: list[Finding | UnusedSuppression] = [*self.active, *self.unused_suppressions]
        return [item for item in items if item.severity.rank >= self.fail_on.rank]


class LintSummary(BaseModel):
    files: int
    unreadable_files: int
    findings: int  # restrictive findings, not suppressed
    by_severity: dict[str, int]
    safeguards: int
    suppressed: int
    unused_suppressions: int
    failing: int
    exit_status: int


class LintResult(BaseModel):
    """The whole lint run; `policyspace lint --format json` prints exactly this model."""

    tool: str = "policyspace"
    version: str = __version__
    files: list[FileResult]

    @property
    def exit_status(self) -> int:
        if any(f.error for f in self.files):
            return EXIT_USAGE_OR_INPUT
        return EXIT_FINDINGS if any(f.failing() for f in self.files) else EXIT_OK

    def summary(self) -> LintSummary:
        active = [finding for f in self.files for finding in f.active]
        counts = Counter(finding.severity.value for finding in active)
        return LintSummary(
            files=len(self.files),
            unreadable_files=sum(1 for f in self.files if f.error),
            findings=len(active),
            by_severity={s.value: counts[s.value] for s in reversed(Severity) if counts[s.value]},
            safeguards=sum(len(f.safeguards) for f in self.files),
            suppressed=sum(len(f.suppressed) for f in self.files),
            unused_suppressions=sum(len(f.unused_suppressions) for f in self.files),
            failing=sum(len(f.failing()) for f in self.files),
            exit_status=self.exit_status,
        )

    def to_json(self, show_suppressed: bool = False) -> str:
        """The run as JSON, with its summary; suppressed findings are listed only with `show_suppressed`."""
        import json

        data = self.model_dump(mode="json")
        if not show_suppressed:
            for file_data in data["files"]:
                file_data["findings"] = [f for f in file_data["findings"] if not f["suppressed"]]
        data["summary"] = self.summary().model_dump(mode="json")
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def lint_paths(
    paths: list[str],
    overrides: dict[str, Any] | None = None,
    config_file: str | None = None,
    isolated: bool = False,
    cache: LintCache | None = None,
) -> LintResult:
    """Lint documents, files or folders. `overrides` are command-line settings (None = not given);
    `config_file` replaces discovery; `isolated` ignores every configuration file; with a `cache`,
    a document whose bytes, rules and settings are unchanged is not parsed or checked again.

    A configuration error is raised (it concerns the whole run); a document that cannot be read
    is recorded in its FileResult and the other documents are still linted.
    """
    from .discovery import iter_document_paths

    resolver = ConfigResolver()
    if config_file is not None:
        resolver.read(Path(config_file))  # a broken file stops the run before any document is read
    results: list[FileResult] = []
    for raw in paths:
        try:
            documents = iter_document_paths([raw])
        except PolicyspaceError as exc:
            results.append(FileResult(file=raw, fail_on=Severity.HIGH, error=exc.render()))
            continue
        for document in documents:
            config = resolver.effective(document, overrides, config_file, isolated)
            results.append(lint_document(document, config) if cache is None else _lint_cached(document, config, cache))
    return LintResult(files=results)


def _lint_cached(path: str, config: ProjectConfig, cache: LintCache) -> FileResult:
    """`lint_document` through the result cache: a hit is read back instead of parsed and checked."""
    from .importers import MAX_DOCUMENT_MB

    try:
        if os.stat(path).st_size > MAX_DOCUMENT_MB * 1e6:
            return lint_document(path, config)  # which says the file is too big, without reading it
        data = Path(path).read_bytes()
        key = cache.key(data, config)
    except OSError:  # a folder, a missing or unreadable file or rule file: lint_document reports it
        return lint_document(path, config)
    found = cache.get(path, key)
    if found is not None:
        return found
    result = lint_document(path, config, data)
    if result.error is None:
        cache.put(path, key, result)
    return result


def lint_document(path: str, config: ProjectConfig, data: bytes | None = None) -> FileResult:
    """Lint one document with its configuration (`data`: its bytes, when already read)."""
    from .importers import load_bytes, load_document
    from .rules import check_treaty, unused_suppressions

    ruleset = ruleset_for(config)
    result = FileResult(
        file=path, config_file=str(config.source) if config.source else None, fail_on=config.fail_on
    )
    try:
        treaty = load_document(path) if data is None else load_bytes(path, data)
    except PolicyspaceError as exc:
        result.error = exc.render()
        return result
    result._treaty, result._ruleset = treaty, ruleset
    raw = check_treaty(treaty, ruleset)
    for finding in raw:
        finding.file = path  # as the user named it, so editors and CI can open it
    result.findings = sorted(config.apply(raw), key=Finding.sort_key)
    if config.is_rule_selected(UNUSED_SUPPRESSION_ID, None):
        result.unused_suppressions = _unused(path, unused_suppressions(treaty, raw), raw, ruleset, config)
    return result


def ruleset_for(config: ProjectConfig) -> Any:
    """The bundled rules plus the configuration's extra rulesets; a rule id the configuration
    names that no rule has is an error naming the key."""
    from .rules import load_ruleset

    ruleset = load_ruleset(config.extra_rulesets or None)
    config.check_rule_ids({rule.id for rule in ruleset.rules} | {UNUSED_SUPPRESSION_ID})
    return ruleset


def _unused(
    path: str, annotations: list[Any], findings: list[Finding], ruleset: Any, config: ProjectConfig
) -> list[UnusedSuppression]:
    """Unused suppressions worth reporting: not those for rules the configuration switched off."""
    used = {(f.rule_id, f.suppression_reason) for f in findings if f.suppressed}
    out = []
    for annotation in annotations:
        idle = [r for r in annotation.rule_ids if (r, annotation.text) not in used]
        unknown = [r for r in idle if r not in ruleset]
        idle = [r for r in idle if r in unknown or config.is_rule_selected(r, ruleset.get(r).family)]
        if not idle:
            continue
        if unknown:
            message = f"@suppress names unknown rule {', '.join(unknown)} (`policyspace rules` lists the rule ids)"
        else:
            message = (
                f"@suppress {', '.join(idle)} matches no finding here: remove it, or check that "
                "the clause still says what was accepted"
            )
        out.append(
            UnusedSuppression(
                severity=config.severity.get(UNUSED_SUPPRESSION_ID, UNUSED_SUPPRESSION_SEVERITY),
                file=path,
                # the annotation's span covers its reason; point at the start of its line
                start_line=annotation.span.start_line if annotation.span else None,
                start_column=1 if annotation.span else None,
                suppressed_rule_ids=idle,
                reason=annotation.text,
                message=message,
            )
        )
    return out


# ---------------------------------------------------------------- output formats


def _position(item: Finding | UnusedSuppression) -> tuple[int, int]:
    # treaty-level findings may have no position: they point at the top of the document
    return item.start_line or 1, item.start_column or 1


def format_text(result: LintResult, show_suppressed: bool = False) -> str:
    """One line per finding, `file:line:col: ID [severity] message`, in document order."""
    lines = []
    for file in result.files:
        items: list[tuple[Finding | UnusedSuppression, str]] = []
        for finding in file.findings:
            if finding.suppressed and not show_suppressed:
                continue
            suffix = f" (suppressed: {finding.suppression_reason})" if finding.suppressed else ""
            items.append((finding, f"{finding.message}{suffix}"))
        items.extend((unused, unused.message) for unused in file.unused_suppressions)
        items.sort(key=lambda pair: _position(pair[0]))
        for item, message in items:
            line, column = _position(item)
            lines.append(f"{file.file}:{line}:{column}: {item.rule_id} [{_grade(item)}] {message}")
    return "\n".join(lines) + ("\n" if lines else "")


def _grade(item: Finding | UnusedSuppression) -> str:
    """The bracketed word: the severity, or 'safeguard' for a clause that keeps policy space."""
    if isinstance(item, Finding) and item.family == Family.SAFEGUARD:
        return "safeguard"
    return item.severity.value


def summary_line(result: LintResult) -> str:
    """'3 findings (1 critical, 2 high) in 2 files; 1 suppressed; ...' for standard error."""
    s = result.summary()
    grades = ", ".join(f"{n} {severity}" for severity, n in s.by_severity.items())
    parts = [f"{s.findings} finding{'s' if s.findings != 1 else ''}" + (f" ({grades})" if grades else "")
             + f" in {s.files} file{'s' if s.files != 1 else ''}"]
    if s.safeguards:
        parts.append(f"{s.safeguards} safeguard{'s' if s.safeguards != 1 else ''} found")
    if s.suppressed:
        parts.append(f"{s.suppressed} suppressed (--show-suppressed lists them)")
    if s.unused_suppressions:
        parts.append(f"{s.unused_suppressions} unused suppression{'s' if s.unused_suppressions != 1 else ''}")
    if s.unreadable_files:
        parts.append(f"{s.unreadable_files} file{'s' if s.unreadable_files != 1 else ''} could not be read")
    thresholds = sorted({f.fail_on.value for f in result.files}, key=lambda v: Severity(v).rank)
    parts.append(f"{s.failing} at or above fail-on ({'/'.join(thresholds) or 'high'})")
    return "; ".join(parts)


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(result: LintResult, show_suppressed: bool = False) -> str:
    """GitHub Actions workflow commands: `::error file=…,line=…::message` annotations.

    Findings at or above `fail-on` are errors, other findings warnings; informational and
    suppressed findings are notices.
    """
    lines = []
    for file in result.files:
        failing = {id(item) for item in file.failing()}
        items: list[Finding | UnusedSuppression] = [
            f for f in file.findings if show_suppressed or not f.suppressed
        ] + list(file.unused_suppressions)
        for item in sorted(items, key=_position):
            suppressed = isinstance(item, Finding) and item.suppressed
            if id(item) in failing:
                level = "error"
            elif suppressed or item.severity == Severity.INFO or _grade(item) == "safeguard":
                level = "notice"
            else:
                level = "warning"
            line, column = _position(item)
            props = [f"file={_github_property(file.file)}", f"line={line}", f"col={column}"]
            if isinstance(item, Finding) and item.end_line:
                props += [f"endLine={item.end_line}", f"endColumn={item.end_column or column}"]
            props.append(f"title={_github_property(f'{item.rule_id} [{_grade(item)}]')}")
            message = item.message
            if suppressed:
                message += f" (suppressed: {item.suppression_reason})"  # type: ignore[union-attr]
            lines.append(f"::{level} {','.join(props)}::{_github_data(message)}")
        if file.error:
            lines.append(f"::error file={_github_property(file.file)}::{_github_data(file.error)}")
    return "\n".join(lines) + ("\n" if lines else "")


def format_sarif(result: LintResult) -> str:
    """One SARIF 2.1.0 run for the whole lint, built with the report's SARIF writer per document.

    Suppressed findings are always included, carrying SARIF's own `suppressions` marker (code
    scanning tools show them as dismissed); unused suppressions are results of rule SUP001.
    """
    import json

    from .report import build_report
    from .writers.sarif import LEVELS, SARIF_SCHEMA_URI, SARIF_VERSION, artifact_uri, to_sarif

    run: dict[str, Any] | None = None
    rules: dict[str, dict[str, Any]] = {}
    artifacts: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    for file in result.files:
        if file.error or file._treaty is None:
            continue
        log = to_sarif(build_report(file._treaty, file.findings, file._ruleset))
        part = log["runs"][0]
        run = run or part
        uris = [a["location"]["uri"] for a in part.get("artifacts", [])]
        for rule in part["tool"]["driver"]["rules"]:
            rules.setdefault(rule["id"], rule)
        for item in part["results"]:
            location = item["locations"][0]["physicalLocation"]["artifactLocation"]
            uri = uris[location["index"]] if uris else location["uri"]
            location["index"] = artifacts.setdefault(uri, len(artifacts))
            results.append(item)
        for unused in file.unused_suppressions:
            rules.setdefault(UNUSED_SUPPRESSION_ID, _unused_suppression_rule())
            uri = artifact_uri(file.file)
            region = {"startLine": unused.start_line or 1, "startColumn": unused.start_column or 1}
            results.append({
                "ruleId": UNUSED_SUPPRESSION_ID,
                "kind": "fail",
                "level": LEVELS[unused.severity.value],
                "message": {"text": unused.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri, "index": artifacts.setdefault(uri, len(artifacts))},
                    "region": region,
                }}],
                "properties": {"severity": unused.severity.value, "suppressedRuleIds": unused.suppressed_rule_ids},
            })
    driver_rules = sorted(rules.values(), key=lambda r: r["id"])
    index = {rule["id"]: i for i, rule in enumerate(driver_rules)}
    for item in results:
        item["ruleIndex"] = index[item["ruleId"]]
    driver = dict(run["tool"]["driver"]) if run else {"name": "policyspace", "version": __version__}
    driver["rules"] = driver_rules
    merged = {
        "tool": {"driver": driver},
        "artifacts": [{"location": {"uri": uri}} for uri in artifacts],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "invocations": [{
            "executionSuccessful": not any(f.error for f in result.files),
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": f.error}} for f in result.files if f.error
            ],
        }],
    }
    return json.dumps({"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [merged]},
                      indent=2, ensure_ascii=False) + "\n"


def _unused_suppression_rule() -> dict[str, Any]:
    text = "An @suppress annotation that silences no finding: the clause changed, or the rule id is wrong."
    return {
        "id": UNUSED_SUPPRESSION_ID,
        "name": "UnusedSuppression",
        "shortDescription": {"text": "Unused suppression"},
        "fullDescription": {"text": text},
        "help": {"text": text + " Remove it, or check that the clause still says what was accepted."},
        "defaultConfiguration": {"level": "note"},
        "properties": {"severity": UNUSED_SUPPRESSION_SEVERITY.value, "tags": ["policy-space", "suppression"]},
    }
