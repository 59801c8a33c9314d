"""A compiled ruleset kept on disk, so a command does not re-validate and re-compile every rule.

Loading the rule files (TOML, pydantic validation, regex checks) and compiling them (about 460
regular expressions, their required literals, the keyword automaton) costs about 0.3 s, a large
share of a `policyspace lint` run. The result is pickled under the cache folder
(`$POLICYSPACE_CACHE_DIR`, else `$XDG_CACHE_HOME/policyspace`, else ~/.cache/policyspace), keyed
by the rule files' bytes, the rules engine's code, the Python, pydantic and pyahocorasick
builds. Regular expressions are stored with their compiled code, so loading does not compile
them again.

Any failure to read or write the cache is a miss: the rules are then built from the files as
before. POLICYSPACE_RULESET_CACHE=0 turns this cache off.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .regex_warnings import quiet_regex_warnings

_FORMAT = 1  # bump when the pickled layout changes in a way the code fingerprint cannot see


def _restore_pattern(pattern: str, flags: int, code: list[int], groups: int, groupindex: dict[str, int],
                     indexgroup: tuple[str | None, ...]) -> re.Pattern[str]:
    import _sre

    return _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)


def _compiled_form(regex: re.Pattern[str]) -> tuple[Any, ...] | None:
    """What `regex` was compiled to (see regex_prefix), when it can be rebuilt identically from it."""
    try:
        from .regex_prefix import compiled_form

        with quiet_regex_warnings():
            form = compiled_form(regex.pattern, regex.flags)
        # re.Pattern equality compares pattern, flags and compiled code: rebuild and check
        return form if _restore_pattern(*form) == regex else None
    except Exception:  # noqa: BLE001 - another Python's re internals: store the plain pattern
        return None


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, re.Pattern) and isinstance(obj.pattern, str):
            form = _compiled_form(obj)
            if form is not None:
                return _restore_pattern, form
        return NotImplemented


def _dumps(value: object) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def _code_fingerprint() -> bytes:
    """The code whose classes the pickle holds: the rules engine and the models it uses."""
    from .. import __version__

    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(__version__.encode())
    for path in [*sorted((package / "rules").glob("*.py")), package / "model.py", package / "findings.py"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    # the libraries whose objects the pickle holds: pydantic models and the keyword automaton
    import pydantic

    digest.update(pydantic.VERSION.encode())
    try:
        import ahocorasick

        built = os.stat(ahocorasick.__file__)  # the extension has no version attribute
        digest.update(f"{ahocorasick.__file__}\0{built.st_size}\0{built.st_mtime_ns}".encode())
    except (ImportError, OSError, TypeError):
        digest.update(b"no ahocorasick")
    return digest.digest()


def _key(files: list[Path]) -> str:
    import _sre

    digest = hashlib.sha256(f"{_FORMAT}\0{sys.version}\0{_sre.MAGIC}\0".encode() + _code_fingerprint())
    for path in files:
        digest.update(str(path.resolve()).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _entry(files: list[Path]) -> Path | None:
    """Where the compiled ruleset of `files` is kept; None when the cache is turned off."""
    if os.environ.get("POLICYSPACE_RULESET_CACHE", "1") == "0":
        return None
    from ..scanning.cache import default_cache_dir

    try:
        return default_cache_dir() / "rulesets" / f"{_key(files)}.pickle"
    except OSError:  # a rule file vanished meanwhile: building reports it
        return None


def cached_ruleset(files: list[Path], build: Callable[[], Any], expected: type) -> Any:
    """The ruleset `build()` makes from `files`, compiled; from the cache when it is there."""
    entry = _entry(files)
    if entry is not None:
        try:
            found = pickle.loads(entry.read_bytes())
        except Exception:  # noqa: BLE001 - missing, unreadable or from other code: a miss
            found = None
        if isinstance(found, expected):
            return found
    ruleset = build()  # errors in the rule files are raised here, as without the cache
    ruleset.compiled  # noqa: B018 - compiled now, so the cached copy holds the compiled rules
    if entry is not None:
        from ..scanning.cache import _write_atomically

        try:
            _write_atomically(entry, _dumps(ruleset))
        except Exception:  # noqa: BLE001, S110 - read-only or full disk, unpicklable: only a miss next time
            pass
    return ruleset
