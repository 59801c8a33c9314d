"""Project configuration: `[tool.policyspace]` in pyproject.toml, or a policyspace.toml.

The file is found by walking up from the linted document's folder, as ruff does; the first
folder holding a policyspace.toml, or a pyproject.toml with a `[tool.policyspace]` table, wins
(policyspace.toml first when a folder has both). Command-line flags override it. Every key is
validated by `ProjectConfig`; a bad value is an error naming the file and the key (exit 2).
Reference: docs/config.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from .errors import RuleFileError
from .findings import Finding, Severity
from .model import KNOWN_BLOCS, Family

CONFIG_FILE = "policyspace.toml"
PYPROJECT_FILE = "pyproject.toml"
RULE_ID = re.compile(r"[A-Z]{2,5}\d{3}")
_ISO3 = re.compile(r"[A-Z]{3}")
_FAMILIES = ", ".join(f.value for f in Family)
_POLICYSPACE_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*policyspace\b|^\s*tool\s*\.\s*policyspace\s*[.=]", re.MULTILINE)


class ConfigError(RuleFileError):
    """The configuration file is invalid: names the file and the key."""


def _kebab(name: str) -> str:
    return name.replace("_", "-")


def _check_selector(value: str, where: str) -> str:
    if RULE_ID.fullmatch(value) or value in Family._value2member_map_:
        return value
    raise ValueError(f"{where}{value!r} is neither a rule id (such as ISDS001) nor a family ({_FAMILIES})")


#: A rule id such as ISDS001, or a family name such as stabilization.
Selector = Annotated[str, AfterValidator(lambda value: _check_selector(value.strip(), ""))]


class ProjectConfig(BaseModel):
    """What a team can set for every draft below the config file's folder."""

    # defer_build: the validator is built on first validation, i.e. only when a configuration
    # file or a command-line override is read; a run with neither never needs it (see `defaults`).
    model_config = ConfigDict(
        extra="forbid", alias_generator=_kebab, populate_by_name=True, frozen=True, defer_build=True
    )

    select: list[Selector] | None = Field(
        default=None, description="Rule ids or families to report; all rules when absent."
    )
    ignore: list[Selector] = Field(default_factory=list, description="Rule ids or families never to report.")
    severity: dict[str, Severity] = Field(
        default_factory=dict, description="Severity overrides: rule id or family -> severity."
    )
    fail_on: Severity = Field(
        default=Severity.HIGH, description="Lowest severity that makes `policyspace lint` exit 1."
    )
    extra_rulesets: list[Path] = Field(
        default_factory=list, description="Folders of extra ruleset files, relative to the config file."
    )
    perspective: str | None = Field(
        default=None, description="ISO 3166-1 alpha-3 code of the party whose policy space is assessed."
    )
    _source: Path | None = PrivateAttr(default=None)

    @field_validator("severity")
    @classmethod
    def _severity_keys(cls, values: dict[str, Severity]) -> dict[str, Severity]:
        for key in values:
            _check_selector(key, "key ")
        return values

    @field_validator("perspective")
    @classmethod
    def _party(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.strip().upper()
        if not (_ISO3.fullmatch(code) or code in KNOWN_BLOCS):
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-3 country code (e.g. ZMB) or a known bloc")
        return code

    @classmethod
    def defaults(cls) -> ProjectConfig:
        """The configuration when no file is found: the field defaults, which need no validation."""
        return cls.model_construct()

    @property
    def source(self) -> Path | None:
        """The file this configuration was read from (None: defaults or command line only)."""
        return self._source

    # ---- applying the configuration to findings

    def is_selected(self, finding: Finding) -> bool:
        """Whether a finding is reported (see `is_rule_selected`)."""
        return self.is_rule_selected(finding.rule_id, finding.family)

    def is_rule_selected(self, rule_id: str, family: Family | str | None) -> bool:
        """Whether a rule is reported. A rule id is more specific than a family and wins over it
        (`ignore = ["safeguard"]` with `select = ["SAFE003"]` keeps SAFE003); at equal
        specificity, ignore wins."""
        if rule_id in self.ignore:
            return False
        if self.select is not None and rule_id in self.select:
            return True
        family_name = Family(family).value if family is not None else None
        if family_name is not None and family_name in self.ignore:
            return False
        return self.select is None or (family_name is not None and family_name in self.select)

    def severity_of(self, finding: Finding) -> Severity:
        """The finding's severity after overrides (a rule id override beats a family override)."""
        return self.severity.get(finding.rule_id) or self.severity.get(finding.family.value) or finding.severity

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """Selected findings, with severity overrides applied (new objects; inputs untouched)."""
        applied = []
        for finding in findings:
            if not self.is_selected(finding):
                continue
            severity = self.severity_of(finding)
            if severity != finding.severity:
                finding = finding.model_copy(update={"severity": severity})
            applied.append(finding)
        return applied

    def check_rule_ids(self, known: set[str]) -> None:
        """Fail on a rule id that no loaded rule has: a typo must not silently select nothing."""
        for key, values in (("select", self.select or []), ("ignore", self.ignore), ("severity", list(self.severity))):
            for value in values:
                if RULE_ID.fullmatch(value) and value not in known:
                    raise self.error(key, f"unknown rule {value!r} (`policyspace rules` lists the rule ids)")

    def error(self, key: str, message: str) -> ConfigError:
        return config_error(self._source, key, message)

    def with_overrides(self, **overrides: Any) -> ProjectConfig:
        """A copy with command-line values (None = not given) replacing the file's values.

        `severity` overrides are merged key by key: the command line wins for the keys it names.
        """
        given = {k: v for k, v in overrides.items() if v is not None}
        if not given:
            return self
        if "severity" in given:
            given["severity"] = {**self.severity, **given["severity"]}
        data = self.model_dump(by_alias=False) | given
        try:
            merged = ProjectConfig.model_validate(data)
        except ValidationError as exc:
            raise _translate(exc, None, cli=True) from None
        merged._source = self._source
        return merged


def _translate(exc: ValidationError, path: Path | None, cli: bool = False) -> ConfigError:
    error = exc.errors()[0]
    key = _key(error["loc"], cli)
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        allowed = ", ".join(_kebab(name) for name in ProjectConfig.model_fields)
        message = f"unknown key; the keys are {allowed}"
    elif error["type"] == "enum":
        message = f"{error['input']!r} is not a severity; use one of {', '.join(s.value for s in Severity)}"
    return config_error(path, key, message)


def config_error(path: Path | None, key: str, message: str) -> ConfigError:
    """'pyproject.toml: error: [tool.policyspace] fail-on: ...' (or 'command line: error: ...')."""
    table = "[tool.policyspace] " if path is not None and path.name == PYPROJECT_FILE else ""
    return ConfigError(f"{table}{key}: {message}", str(path) if path is not None else "command line")


def _key(loc: tuple[Any, ...], cli: bool) -> str:
    parts = [str(p) for p in loc]
    key = parts[0] if parts else "?"
    if key in ProjectConfig.model_fields:  # as the user writes it; an unknown key stays as written
        key = _kebab(key)
    key = f"--{key}" if cli else key
    for part in parts[1:]:
        key += f"[{part}]" if part.isdigit() else f".{part}"
    return key


def read_config(path: Path) -> ProjectConfig:
    """Read and validate one configuration file (pyproject.toml or policyspace.toml)."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the configuration file: {exc}", str(path)) from None
    if path.name == PYPROJECT_FILE:
        data = data.get("tool", {}).get("policyspace", {})
        if not isinstance(data, dict):
            raise ConfigError("[tool.policyspace] must be a table", str(path))
    try:
        config = ProjectConfig.model_validate(data)
    except ValidationError as exc:
        raise _translate(exc, path) from None
    resolved = [p if p.is_absolute() else (path.parent / p) for p in config.extra_rulesets]
    for original, folder in zip(config.extra_rulesets, resolved, strict=True):
        if not folder.is_dir():
            raise config_error(path, "extra-rulesets", f"no such folder {str(original)!r} (looked in {folder})")
    config = config.model_copy(update={"extra_rulesets": resolved})
    config._source = path
    return config


def _config_file_in(folder: Path) -> Path | None:
    candidate = folder / CONFIG_FILE
    if candidate.is_file():
        return candidate
    pyproject = folder / PYPROJECT_FILE
    if pyproject.is_file():
        try:
            text = pyproject.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        # Only a pyproject.toml with a [tool.policyspace] table (or a dotted key into it) counts;
        # read_config then parses and validates it.
        if _POLICYSPACE_TABLE.search(text):
            return pyproject
    return None


class ConfigResolver:
    """Finds and reads the configuration of many documents, each folder and file once.

    One resolver serves one run (a lint of a folder); a new run sees edited files afresh.
    """

    def __init__(self) -> None:
        self._file_in: dict[Path, Path | None] = {}
        self._configs: dict[Path, ProjectConfig] = {}

    def file_for(self, document: str | Path) -> Path | None:
        """The configuration file that governs `document`: the nearest one in its folder or above."""
        folder = Path(document).resolve().parent
        for candidate in (folder, *folder.parents):
            if candidate not in self._file_in:
                self._file_in[candidate] = _config_file_in(candidate)
            if self._file_in[candidate] is not None:
                return self._file_in[candidate]
        return None

    def config_for(self, document: str | Path) -> ProjectConfig:
        """The configuration for one document (defaults when no configuration file is found)."""
        path = self.file_for(document)
        return self.read(path) if path is not None else ProjectConfig.defaults()

    def read(self, path: Path) -> ProjectConfig:
        if path not in self._configs:
            self._configs[path] = read_config(path)
        return self._configs[path]

    def effective(
        self,
        document: str | Path,
        overrides: dict[str, Any] | None = None,
        config_file: str | Path | None = None,
        isolated: bool = False,
    ) -> ProjectConfig:
        """What a command uses for `document`: `config_file` if given, else none when `isolated`,
        else the file found for the document; then the command-line `overrides` (None = not given)."""
        if config_file is not None:
            base = self.read(Path(config_file))
        else:
            base = ProjectConfig.defaults() if isolated else self.config_for(document)
        return base.with_overrides(**(overrides or {}))


def find_config_file(document: str | Path) -> Path | None:
    """The configuration file that governs `document`: the nearest one in its folder or above."""
    return ConfigResolver().file_for(document)


def config_for(document: str | Path) -> ProjectConfig:
    """The configuration for one document (defaults when no configuration file is found)."""
    return ConfigResolver().config_for(document)
