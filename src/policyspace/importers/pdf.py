"""PDF import via pypdf (pure Python): the text layer, read by the same grammar as .treaty files.

Text is extracted page by page; each page starts on a new line. A line that is only a page
number ("3", "- 3 -", "Page 3 of 12") at the top or bottom of a page is blanked, so it does not
split a paragraph; it is kept as an empty line, so line numbers still count every line.

Spans: line N is line N of the extracted text (all pages in order, counted from 1); the column
counts characters on that line. `policyspace convert draft.pdf` shows how the text was read.
Headings and paragraph numbers are recognised exactly as in a .treaty file ("Article 8.1:
Objective", "1.", "(a)"), so a PDF with one heading or number per line reads as well as typed text.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

from ..errors import InputError
from ..model import Treaty
from .extracted_text import as_one_line, parse_extracted_lines

_PAGE_NUMBER = re.compile(r"(?i)\s*(?:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?\s*(?:(?:of|/)\s*\d{1,4})?\s*")


def import_pdf(path: str, data: bytes) -> Treaty:
    """Read a PDF's text layer into the Treaty model."""
    reader = _open(path, data)
    lines: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception as exc:  # noqa: BLE001 - pypdf raises many types for damaged content streams
            raise InputError(f"page {number} of this PDF cannot be read ({type(exc).__name__}: {exc})", path) from None
        lines.extend(_page_lines(text))
    treaty = parse_extracted_lines(lines, path, "pdf")
    title = _document_title(reader)
    if title and not treaty.meta.title:
        treaty.meta.title = title
    return treaty


def _open(path: str, data: bytes) -> Any:
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise InputError("not a PDF file (it does not start with '%PDF-'); is it damaged?", path)
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError
    except ImportError:
        raise InputError("reading PDF files needs pypdf: pip install 'policyspace[pdf]'", path) from None
    # pypdf logs recoverable damage ("Ignoring wrong pointing object") as warnings; the user
    # sees a clear error only when the text cannot be read at all.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        # Many PDFs are encrypted only to restrict printing or copying, with an empty password
        # for reading; those open. A real password is a clear error.
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("this PDF is encrypted with a password; save an unprotected copy to lint it", path)
        _ = len(reader.pages)
    except InputError:
        raise
    except DependencyError as exc:
        raise InputError(
            f"this PDF is encrypted with AES and reading it needs the 'cryptography' package ({exc})", path
        ) from None
    except Exception as exc:  # noqa: BLE001 - damaged files raise many types
        raise InputError(f"this PDF cannot be read ({type(exc).__name__}: {exc})", path) from None
    return reader


def _page_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").removesuffix("\n")
    lines = [as_one_line(line) for line in text.split("\n")]
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for i in (filled[:1] + filled[-1:]) if filled else []:
        if _PAGE_NUMBER.fullmatch(lines[i]):
            lines[i] = ""
    return lines


def _document_title(reader: Any) -> str | None:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:  # noqa: BLE001 - damaged metadata is not worth failing the import for
        return None
    return " ".join(str(title).split()) or None if title else None
