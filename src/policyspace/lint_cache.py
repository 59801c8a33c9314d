"""The lint result cache: an unchanged draft linted with unchanged rules and settings is not
parsed or checked again, as ruff's cache does for unchanged source files.

One entry per linted path, under the cache folder (`$POLICYSPACE_CACHE_DIR`, else
`$XDG_CACHE_HOME/policyspace`, else ~/.cache/policyspace):

    lint/<sha256 of the path>[:2]/<sha256 of the path>.json

An entry holds its key on the first line and the file's `FileResult` as JSON after it. The key
covers everything a result depends on: the file's bytes (SHA-256), policyspace's code and grammar
(`tool_fingerprint`), the bundled rule files and those of any extra ruleset folder (their bytes),
the effective configuration (select, ignore, severity, fail-on, extra rulesets, perspective, the
configuration file's path), the Python version and the installed lark, lark-cython, pydantic,
pydantic-core and pyahocorasick. A new draft, rule or setting rewrites the path's entry, so the
folder holds one entry per file linted. A file that could not be read is never cached.

Any failure to read, decode or write an entry is a miss, never an error: delete the folder at
any time. `policyspace lint --no-cache` or POLICYSPACE_LINT_CACHE=0 turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import ProjectConfig
    from .linting import FileResult

_FORMAT = 1  # bump when the entry layout or FileResult's meaning changes in a way the code key misses
#: Libraries whose behaviour can change a result: the parser, the models, the keyword prefilter.
_LIBRARIES = ("lark", "lark_cython", "pydantic", "pydantic_core", "ahocorasick")


def cache_enabled(no_cache: bool = False) -> bool:
    return not no_cache and os.environ.get("POLICYSPACE_LINT_CACHE", "1") != "0"


def _library_stamp() -> str:
    """Where each library is installed and its build's size and time, without importing it
    (importing lark alone costs more than a cache hit saves to look up)."""
    from importlib.util import find_spec

    parts = []
    for name in _LIBRARIES:
        try:
            spec = find_spec(name)
            origin = spec.origin if spec is not None else None
            stat = os.stat(origin) if origin else None
        except (ImportError, ValueError, OSError):
            stat, origin = None, None
        parts.append(f"{name}={origin}:{stat.st_size}:{stat.st_mtime_ns}" if stat else f"{name}=absent")
    return ";".join(parts)


def _folder_digest(folder: Path) -> str:
    """The bytes of every file in an extra ruleset folder (a missing one: the rules loader says so)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _settings(config: ProjectConfig) -> list[object]:
    # read from the fields, not model_dump: a run without configuration never builds the model
    return [
        sorted(config.select) if config.select is not None else None,
        sorted(config.ignore),
        sorted((key, severity.value) for key, severity in config.severity.items()),
        config.fail_on.value,
        [str(folder) for folder in config.extra_rulesets],
        config.perspective,
        str(config.source) if config.source else None,
    ]


class LintCache:
    """Look up and store per-file lint results; every failure is a miss, never an error."""

    def __init__(self, root: Path | None = None) -> None:
        from .scanning.cache import default_cache_dir

        self.root = (root or default_cache_dir()) / "lint"
        self._environment: str | None = None

    def _environment_key(self) -> str:
        """The part of the key shared by every file of this run: code, bundled rules, libraries."""
        if self._environment is None:
            from .scanning.cache import rules_fingerprint, tool_fingerprint

            self._environment = f"{_FORMAT}|{sys.version}|{tool_fingerprint()}|{rules_fingerprint()}|{_library_stamp()}"
        return self._environment

    def key(self, data: bytes, config: ProjectConfig) -> str:
        """The key of a result: the document's bytes, the code, the rules and the settings."""
        digest = hashlib.sha256(self._environment_key().encode())
        digest.update(json.dumps(_settings(config)).encode())
        for folder in config.extra_rulesets:
            digest.update(_folder_digest(Path(folder)).encode())
        digest.update(hashlib.sha256(data).digest())
        return digest.hexdigest()

    def _entry(self, path: str) -> Path:
        name = hashlib.sha256(f"{os.path.abspath(path)}\0{path}".encode()).hexdigest()
        return self.root / name[:2] / f"{name}.json"

    def get(self, path: str, key: str) -> FileResult | None:
        from .linting import FileResult

        try:
            stored_key, _, result = self._entry(path).read_bytes().partition(b"\n")
            if stored_key.decode("ascii") != key:
                return None
            return FileResult.model_validate_json(result)
        except Exception:  # noqa: BLE001 - missing, damaged, or written by other code: a miss
            return None

    def put(self, path: str, key: str, result: FileResult) -> None:
        from .scanning.cache import _write_atomically

        try:
            _write_atomically(self._entry(path), key.encode("ascii") + b"\n" + result.model_dump_json().encode())
        except (OSError, ValueError):  # read-only or full disk: only a miss next time
            pass
