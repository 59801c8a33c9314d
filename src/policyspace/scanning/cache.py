"""The scan cache: results keyed by file content + rules version + tool version, parsed
documents keyed by file content + parser version, and a stat index that spares re-hashing.

Layout under the cache folder (default: $POLICYSPACE_CACHE_DIR, else $XDG_CACHE_HOME/policyspace,
else ~/.cache/policyspace):

    results/<tool>-<ruleset>/<sha256[:2]>/<sha256>.json     one DocumentAnalysis as JSON
    documents/<parser>/<sha256[:2]>/<sha256>.bin            one parsed Treaty (document_codec)
    stat-index.json                                          path -> size, mtime, inode, sha256

A rule change changes the ruleset version, so results are recomputed, but the parsed documents
stay valid: the scan skips parsing. Any change to policyspace's code changes the tool version.
Entries are written atomically (temporary file + rename); an unreadable entry is a cache miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..resources import grammar_path

if TYPE_CHECKING:
    from ..model import Treaty

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: The modules whose code decides how a file becomes a Treaty (the parsed-document cache key).
_RACY_NS = 2_000_000_000
#: Version of document_codec's encoding (kept here so computing cache keys imports no model).
DOCUMENT_CODEC_VERSION = 1
_PARSER_SOURCES = ("model.py", "structure.py", "treaty_parser.py", "treaty_format.py", "line_scanner.py",
                   "decoding.py", "importers")


def default_cache_dir() -> Path:
    explicit = os.environ.get("POLICYSPACE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "policyspace"


def _hash_sources(paths: list[Path]) -> str:
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(paths):
        digest.update(str(path.relative_to(_PACKAGE_DIR) if path.is_relative_to(_PACKAGE_DIR) else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def parser_fingerprint() -> str:
    """Changes whenever the code or grammar that parses documents changes."""
    paths = [grammar_path()]
    for name in _PARSER_SOURCES:
        target = _PACKAGE_DIR / name
        paths.extend(sorted(target.rglob("*.py")) if target.is_dir() else [target])
    return f"c{DOCUMENT_CODEC_VERSION}-{_hash_sources(paths)}"


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """Changes whenever any of policyspace's code changes (not its rulesets: see Ruleset.version)."""
    return _hash_sources([grammar_path(), *sorted(_PACKAGE_DIR.rglob("*.py"))])


def rules_fingerprint() -> str:
    """Changes whenever a rule file changes. Read from the files' bytes, without loading the
    rules, so a fully cached re-scan never compiles a pattern."""
    from ..resources import rulesets_dir

    folder = rulesets_dir()
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    """Temp file + rename. No fsync: a cache entry lost in a power cut is only a cache miss."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class ScanCache:
    """Read and write cache entries; every failure to read or write is a miss, never an error."""

    def __init__(self, root: Path, rules: str) -> None:
        self.root = root
        self.results_dir = root / "results" / f"{tool_fingerprint()}-{rules}"
        self._stat_index_path = root / "stat-index.json"
        self._stat_index: dict[str, list[int | str]] | None = None
        self._stat_index_dirty = False

    # ---- results
    def _result_path(self, sha256: str) -> Path:
        return self.results_dir / sha256[:2] / f"{sha256}.json"

    def get_result(self, sha256: str) -> bytes | None:
        try:
            data = self._result_path(sha256).read_bytes()
        except OSError:
            return None
        return data if data.startswith(b"{") and data.endswith(b"}") else None

    def put_result(self, sha256: str, analysis_json: bytes) -> None:
        try:
            _write_atomically(self._result_path(sha256), analysis_json)
        except OSError:
            pass

    # ---- parsed documents
    @property
    def documents_dir(self) -> Path:
        return self.root / "documents" / parser_fingerprint()

    def _document_path(self, sha256: str) -> Path:
        return self.documents_dir / sha256[:2] / f"{sha256}.bin"

    def get_document(self, sha256: str, path: str) -> Treaty | None:
        from .document_codec import SUPPORTED, decode_treaty

        if not SUPPORTED:
            return None
        try:
            return decode_treaty(self._document_path(sha256).read_bytes(), path)
        except Exception:  # noqa: BLE001 - a damaged or foreign entry is only a miss
            return None

    def put_document(self, sha256: str, treaty: Treaty) -> None:
        from .document_codec import SUPPORTED, encode_treaty

        if not SUPPORTED:
            return
        try:
            _write_atomically(self._document_path(sha256), encode_treaty(treaty))
        except (OSError, ValueError, TypeError):
            pass

    # ---- stat index: an unchanged file (same size, mtime, ctime, inode) keeps its hash
    def _load_stat_index(self) -> dict[str, list[int | str]]:
        if self._stat_index is None:
            try:
                loaded = json.loads(self._stat_index_path.read_bytes())
                self._stat_index = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self._stat_index = {}
        return self._stat_index

    @staticmethod
    def _stat_key(st: os.stat_result) -> list[int]:
        return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]

    def known_sha256(self, path: str, st: os.stat_result) -> str | None:
        entry = self._load_stat_index().get(os.path.abspath(path))
        if entry and entry[:4] == self._stat_key(st) and isinstance(entry[4], str):
            return entry[4]
        return None

    def remember_sha256(self, path: str, st: os.stat_result, sha256: str) -> None:
        # A file modified within the clock's granularity of our stat could change again with
        # the same mtime ("racily clean", as git calls it): hash such young files every time.
        if time.time_ns() - st.st_mtime_ns < _RACY_NS:
            return
        self._load_stat_index()[os.path.abspath(path)] = [*self._stat_key(st), sha256]
        self._stat_index_dirty = True

    def save_stat_index(self) -> None:
        if self._stat_index_dirty and self._stat_index is not None:
            try:
                _write_atomically(self._stat_index_path, json.dumps(self._stat_index).encode())
                self._stat_index_dirty = False
            except OSError:
                pass
