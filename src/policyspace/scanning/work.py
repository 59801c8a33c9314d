"""One document's work, the same in every engine: bytes -> parsed treaty -> analysis JSON.

Errors are returned, never raised: one bad file must not stop the scan.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ParseError, PolicyspaceError
from .records import ErrorKind, ScanError

if TYPE_CHECKING:
    from .analysis import Analyser
    from .cache import ScanCache


@dataclass(slots=True)
class Outcome:
    """What a worker hands back: the analysis as JSON bytes (ready for cache and journal), or an error."""

    file: str
    sha256: str | None
    size: int | None
    analysis_json: bytes | None = None
    error: ScanError | None = None

    def journal_line(self) -> bytes:
        """The record as one JSON line, built around the analysis bytes without re-parsing them."""
        head = json.dumps({"file": self.file, "sha256": self.sha256, "size": self.size})[:-1]
        if self.analysis_json is not None:
            return f'{head}, "analysis": '.encode() + self.analysis_json + b', "error": null}\n'
        error = self.error.model_dump_json() if self.error else "null"
        return f'{head}, "analysis": null, "error": {error}}}\n'.encode()


def error_outcome(path: str, kind: ErrorKind, message: str, sha256: str | None = None,
                  size: int | None = None) -> Outcome:
    return Outcome(path, sha256, size, error=ScanError(kind=kind, message=message))


def _first_line(exc: PolicyspaceError) -> str:
    return exc.render().splitlines()[0]


def analyse_bytes(path: str, data: bytes, analyser: Analyser, cache: ScanCache | None = None) -> Outcome:
    """Parse (or take the parsed document from the cache) and analyse one document."""
    from ..importers import load_bytes
    from .cache import file_sha256

    sha256 = file_sha256(data)
    try:
        treaty = cache.get_document(sha256, path) if cache is not None else None
        if treaty is None:
            treaty = load_bytes(path, data)
            if cache is not None:
                cache.put_document(sha256, treaty)
        analysis = analyser.analyse(treaty)
    except ParseError as exc:
        return error_outcome(path, ErrorKind.PARSE, _first_line(exc), sha256, len(data))
    except PolicyspaceError as exc:
        return error_outcome(path, ErrorKind.INPUT, _first_line(exc), sha256, len(data))
    except RecursionError:
        return error_outcome(path, ErrorKind.INPUT, "the document is nested too deeply to read", sha256, len(data))
    except Exception as exc:  # noqa: BLE001 - a bug on one file is reported for that file; the scan goes on
        return error_outcome(
            path, ErrorKind.INTERNAL,
            f"internal error: {type(exc).__name__}: {exc} (a bug in policyspace; please report it)",
            sha256, len(data),
        )
    return Outcome(path, sha256, len(data), analysis_json=analysis.model_dump_json().encode())


def read_document(path: str) -> bytes | Outcome:
    """The file's bytes, or an error outcome saying why it cannot be read."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return error_outcome(path, ErrorKind.INPUT, f"{path}: error: the file disappeared during the scan")
    except IsADirectoryError:
        return error_outcome(path, ErrorKind.INPUT, f"{path}: error: this is a folder, not a document")
    except PermissionError:
        return error_outcome(path, ErrorKind.INPUT, f"{path}: error: permission denied: the file cannot be read")
    except OSError as exc:
        return error_outcome(path, ErrorKind.INPUT, f"{path}: error: cannot read the file: {exc.strerror or exc}")


def analyse_file(path: str, analyser: Analyser, cache: ScanCache | None = None) -> Outcome:
    data = read_document(path)
    if isinstance(data, Outcome):
        return data
    return analyse_bytes(path, data, analyser, cache)
