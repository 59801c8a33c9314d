"""Importers: every input format becomes the same Treaty model.

A new input format is one new module here plus one entry in IMPORTERS.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..decoding import decode_bytes
from ..errors import InputError
from ..garbage_collection import paused

if TYPE_CHECKING:  # annotations only: finding files (scan, discovery) needs no pydantic import
    from ..model import Treaty

TREATY_EXTENSION = ".treaty"
#: Largest document read, in MB. A document's model takes about 18x its size in memory, so this
#: bounds memory per document (per worker in a scan) at about 600 MB. The largest ToTA treaty is
#: about 1.6 MB; a legitimate treaty over 32 MB is unlikely, a 100 MB log or dump is not.
MAX_DOCUMENT_MB = float(os.environ.get("POLICYSPACE_MAX_DOCUMENT_MB", "32"))


def _import_annotated(path: str, data: bytes) -> Treaty:
    from ..treaty_parser import parse_treaty

    return parse_treaty(decode_bytes(data, path), path, source_format="treaty")


def _import_plain_text(path: str, data: bytes) -> Treaty:
    from ..treaty_parser import parse_treaty

    # Plain text copied from a PDF goes through the same grammar: headings and numbered
    # paragraphs are recognised, annotations are simply absent.
    return parse_treaty(decode_bytes(data, path), path, source_format="text")


def _import_xml(path: str, data: bytes) -> Treaty:
    from .tota import import_tota

    return import_tota(path, data)


def _import_docx(path: str, data: bytes) -> Treaty:
    from .docx import import_docx

    return import_docx(path, data)


def _import_pdf(path: str, data: bytes) -> Treaty:
    from .pdf import import_pdf

    return import_pdf(path, data)


IMPORTERS: dict[str, Callable[[str, bytes], Treaty]] = {
    TREATY_EXTENSION: _import_annotated,
    ".txt": _import_plain_text,
    ".text": _import_plain_text,
    ".xml": _import_xml,
    ".docx": _import_docx,  # needs the `docx` extra (python-docx)
    ".pdf": _import_pdf,  # needs the `pdf` extra (pypdf)
}


def supported_extensions() -> list[str]:
    return sorted(IMPORTERS)


def _check_size(path: str, size: int) -> None:
    if size > MAX_DOCUMENT_MB * 1e6:
        raise InputError(
            f"the file is {size / 1e6:.0f} MB; policyspace reads documents up to {MAX_DOCUMENT_MB:.0f} MB "
            "(set POLICYSPACE_MAX_DOCUMENT_MB to raise the limit; memory use is about 18x the size)",
            path,
        )


def load_bytes(path: str, data: bytes) -> Treaty:
    """Import `data` read from `path`, choosing the importer by file extension."""
    _check_size(path, len(data))
    suffix = Path(path).suffix.lower()
    importer = IMPORTERS.get(suffix)
    if importer is None:
        raise InputError(
            f"unsupported file type {suffix or '(no extension)'!r}; policyspace reads "
            + ", ".join(supported_extensions()),
            path,
        )
    with paused():
        return importer(path, data)


def load_document(path: str | Path) -> Treaty:
    """Read and import one document. Raises InputError/ParseError with a clear message."""
    path = str(path)
    try:
        _check_size(path, os.stat(path).st_size)  # before reading: a huge file is never loaded
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise InputError("this is a folder, not a document (use `policyspace scan` for folders)", path) from None
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except PermissionError:
        raise InputError("permission denied: the file cannot be read", path) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path) from None
    return load_bytes(path, data)
