"""Turn a file's bytes into text: detect BOMs and UTF-16, reject binary files, never guess silently."""

from __future__ import annotations

import codecs

from .errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters that never occur in a text document (tab, newlines and form feed are fine).
_BINARY_CONTROLS = set(range(9)) | {11} | set(range(14, 32))


def _looks_like_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII text has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.6 * half and even_nuls < 0.1 * half:
        return "utf-16-le"
    if even_nuls > 0.6 * half and odd_nuls < 0.1 * half:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, path: str | None = None) -> str:
    """Decode a document; line endings become "\\n". Raises InputError with a clear reason."""
    if not data.strip():
        raise InputError("the file is empty (no treaty text to read)", path)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _normalise(data[len(bom) :].decode(encoding), encoding, path)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"the file starts with a {encoding.upper()} byte-order mark but byte "
                    f"{exc.start + len(bom)} is not valid {encoding.upper()}",
                    path,
                ) from None
    utf16 = _looks_like_utf16(data)
    if utf16:
        try:
            return _normalise(data.decode(utf16), utf16, path)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise InputError(
            "this looks like a binary file, not treaty text (it contains NUL bytes); "
            "export the document as plain text, .treaty, .xml, .docx or .pdf",
            path,
        )
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        # Not UTF-8: legacy Windows/Latin-1 text is common in treaty archives. cp1252 decodes
        # the curly quotes and dashes such files use; bytes it cannot map fall back to Latin-1.
        try:
            text = data.decode("cp1252")
            encoding = "cp1252"
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            encoding = "latin-1"
    controls = sum(1 for ch in text[:65536] if ord(ch) in _BINARY_CONTROLS)
    if controls > 8 and controls > len(text[:65536]) // 1000:
        raise InputError(
            f"this looks like a binary file, not treaty text ({controls} control characters "
            "in the first 64 KB)",
            path,
        )
    return _normalise(text, encoding, path)


def _normalise(text: str, encoding: str, path: str | None) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("the file is empty (no treaty text to read)", path)
    return text
