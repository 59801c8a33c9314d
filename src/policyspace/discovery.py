"""Find the documents named on a command line: files, folders (recursively) and globs."""

from __future__ import annotations

import glob
import os
from pathlib import Path

from .errors import InputError
from .importers import supported_extensions


def iter_document_paths(paths: list[str]) -> list[str]:
    """Expand folders and globs into a sorted, de-duplicated list of supported documents.

    Files named explicitly are kept whatever their extension (the importer then says what is
    wrong); folders contribute only files with a supported extension. Symbolic-link loops are
    not followed twice.
    """
    extensions = set(supported_extensions())
    found: list[str] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            found.append(path)

    for raw in paths:
        matches = sorted(glob.glob(raw, recursive=True)) if glob.has_magic(raw) else [raw]
        if not matches:
            raise InputError("no file matches this pattern", raw)
        for match in matches:
            if os.path.isdir(match):
                visited: set[str] = set()
                for root, dirs, files in os.walk(match, followlinks=True):
                    real = os.path.realpath(root)
                    if real in visited:
                        dirs[:] = []
                        continue
                    visited.add(real)
                    dirs.sort()
                    for name in sorted(files):
                        if Path(name).suffix.lower() in extensions and not name.startswith("."):
                            add(os.path.join(root, name))
            elif os.path.exists(match) or glob.has_magic(raw):
                add(match)
            else:
                raise InputError("no such file or folder", match)
    return found
