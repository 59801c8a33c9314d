"""Text extracted from a layout format (Word, PDF), read through the same grammar as .treaty files.

The docx and pdf importers turn a document into lines of plain text, one source block per line,
and parse those lines with `parse_treaty`; headings and numbered paragraphs then follow exactly
the rules of the annotated format. Line N of the rendered text is block N of the document, so a
finding's line number points back to the Word paragraph or the PDF text line it came from.
"""

from __future__ import annotations

import re

from ..errors import InputError, ParseError
from ..model import Treaty

# Lines that the grammar would read as markup rather than treaty text: a header delimiter, a
# comment, or an '@' line that is not one of the three annotations. A backslash keeps them as text.
_MARKUP_LOOKALIKE = re.compile(r"[ \t]*(?:---|//|@(?!(?:tags|note|suppress)\b))")
# Inside a block, any line break (soft return, vertical tab, form feed) becomes a space: one
# block must stay one line.
_LINE_BREAKS = re.compile(r"[\r\n\v\f\u2028\u2029\x85]+")


def as_one_line(text: str) -> str:
    """One block of extracted text as a single line, markup look-alikes escaped."""
    line = _LINE_BREAKS.sub(" ", text).rstrip()
    if _MARKUP_LOOKALIKE.match(line):
        return "\\" + line
    return line


def parse_extracted_lines(lines: list[str], path: str, source_format: str) -> Treaty:
    """Parse lines of extracted text (each already passed through `as_one_line`) as a treaty."""
    from ..treaty_parser import parse_treaty

    if not any(line.strip() for line in lines):
        raise InputError(
            f"no text found in this {source_format} file (a scanned document needs OCR first)", path
        )
    text = "\n".join(lines) + "\n"
    try:
        return parse_treaty(text, path, source_format=source_format)
    except ParseError as exc:
        # Only an annotation written into the document (e.g. '@suppress' without a reason) can
        # fail to parse; say where it is in the document's own terms.
        unit = "paragraph" if source_format == "docx" else "text line"
        raise ParseError(
            f"{exc.message} ({unit} {exc.line} of the document)", path, exc.line, exc.column, exc.source_line
        ) from None
