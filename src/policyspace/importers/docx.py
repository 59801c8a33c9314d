"""Word (.docx) import via python-docx: heading styles and list numbering become treaty structure.

Each block of the document body (a paragraph, or one row of a table) becomes one line of text,
which is then read by the same grammar as a .treaty file (see `extracted_text`):

- a paragraph styled "Heading 1/2/3..." becomes a heading. Its keyword and number come from its
  text ("Article 8.1 Objective") or from its list numbering ("Article %1"); without a keyword,
  Heading 1 is a chapter, Heading 2 a section and Heading 3 or deeper an article;
- a paragraph whose text starts "Article N" (or Chapter, Annex ...) becomes a unit as in .treaty;
- Word list numbering, which is not part of the paragraph's text, is written out as the number
  the reader sees ("1.", "(a)", "(ii)"), so numbered paragraphs become paragraph units;
- the "Title" style sets the treaty's title;
- paragraphs typed as annotations (`@tags`, `@note`, `@suppress RULE: reason`) are annotations;
- tracked changes are read as if accepted: inserted and moved-in words are in, deleted and
  moved-out words are out (python-docx's own `Paragraph.text` would drop the insertions).

Spans: line N is the Nth block of the body (paragraphs and table rows, counted from 1, empty
paragraphs included); the column counts characters in that paragraph's text, with the written-out
list number in front of it (headings are written as "Keyword [number]: title").
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from ..errors import InputError
from ..model import Treaty
from .extracted_text import as_one_line, parse_extracted_lines

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: legacy .doc, or an encrypted .docx
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_HEADING_STYLE = re.compile(r"heading\s*(\d)", re.IGNORECASE)
_KEYWORD_BY_LEVEL = {1: "Chapter", 2: "Section"}  # level 3 and deeper: Article
_NUMBER_WORDS = frozenset({
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
    "thirty", "forty", "fifty", "sixty", "preliminary", "final",
})
_NUMBER_TOKEN = re.compile(r"\d[\w.\-]*|[IVXLCDM]+(?:[.\-]\d+)*|[A-Z](?:[.\-]\d+)*")
_GRAMMAR_MARKER = re.compile(r"\d{1,3}\.|\(\d{1,3}[a-z]?\)|\d{1,3}\)|\([a-z]{1,2}\)|\([ivxlc]{1,7}\)|[a-z]\)")


def _heading_keywords() -> re.Pattern[str]:
    from ..treaty_parser import KEYWORD_KINDS

    words = sorted(KEYWORD_KINDS, key=len, reverse=True)
    return re.compile(r"\s*(" + "|".join(re.escape(w) for w in words) + r")(?=[\s:.\-–—\[]|$)", re.IGNORECASE)


def import_docx(path: str, data: bytes) -> Treaty:
    """Read a Word document into the Treaty model (see the module docstring for the mapping)."""
    document = _open(path, data)
    numbering = _Numbering(document)
    keyword = _heading_keywords()
    lines: list[str] = []
    title: str | None = None
    for block in _body_blocks(document):
        if isinstance(block, str):  # a table row
            lines.append(as_one_line(block))
            continue
        text = paragraph_text(block._p).strip()
        style = _style_name(block)
        label = numbering.label(block)
        level = _heading_level(block, style)
        if style.lower() == "title" and text:
            title = title or " ".join(text.split())
            lines.append("// " + as_one_line(text).lstrip("\\"))
        elif level is not None and text:
            lines.append(_heading_line(text, label, level, keyword))
        elif label and text:
            lines.append(as_one_line(f"{_marker(label, numbering.last_format)} {text}"))
        else:
            lines.append(as_one_line(text))
    treaty = parse_extracted_lines(lines, path, "docx")
    _apply_properties(treaty, document, title)
    return treaty


def _open(path: str, data: bytes) -> Any:
    if data.startswith(_OLE_MAGIC):
        raise InputError(
            "this is a password-protected (encrypted) Word file or a legacy .doc file; "
            "save it from Word as an unprotected .docx",
            path,
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError("not a Word .docx file (the file is not a ZIP package); is it damaged?", path)
    try:
        import docx
    except ImportError:
        raise InputError(
            "reading Word files needs python-docx: pip install 'policyspace[docx]'", path
        ) from None
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many types for damaged packages
        raise InputError(f"this Word file cannot be read ({type(exc).__name__}: {exc})", path) from None


def _body_blocks(document: Any) -> Iterator[Any]:
    """Paragraphs in document order; each table row as one string of its cells, ' | '-separated."""
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:  # a merged cell appears once per grid column it spans
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        words = " ".join(paragraph_text(p) for p in cell._tc.iter(f"{_W}p"))
                        cells.append(" ".join(words.split()))
                yield " | ".join(cells)
        else:
            yield block


_TEXT_TAGS = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": " ", f"{_W}cr": " ", f"{_W}noBreakHyphen": "-"}
# Text under these is not part of the paragraph as it now reads: deleted or moved away by a
# tracked change, or inside a text box (a separate frame, with its own paragraphs).
_SKIP_UNDER = {f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent"}


def paragraph_text(p: Any) -> str:
    """A paragraph's text with tracked changes accepted (see the module docstring)."""
    parts = []
    for element in p.iter(*_TEXT_TAGS):
        ancestor = element.getparent()
        skipped = False
        while ancestor is not None and ancestor is not p:
            if ancestor.tag in _SKIP_UNDER:
                skipped = True
                break
            ancestor = ancestor.getparent()
        if not skipped:
            fixed = _TEXT_TAGS[element.tag]
            parts.append((element.text or "") if fixed is None else fixed)
    return "".join(parts)


def _style_name(paragraph: Any) -> str:
    try:
        style = paragraph.style
        return (style.name or "") if style is not None else ""
    except Exception:  # noqa: BLE001 - a style id missing from styles.xml: treat as plain
        return ""


def _heading_level(paragraph: Any, style: str) -> int | None:
    match = _HEADING_STYLE.fullmatch(style.strip())
    if match:
        return int(match.group(1))
    p_pr = paragraph._p.pPr
    outline = p_pr.find(f"{_W}outlineLvl") if p_pr is not None else None
    if outline is not None:  # a custom style marked as an outline level (0 = level 1)
        value = int(outline.get(f"{_W}val", "9"))
        return value + 1 if value < 9 else None
    return None


def _heading_line(text: str, label: str | None, level: int, keyword: re.Pattern[str]) -> str:
    """A heading in the grammar's bracketed form, which accepts any number: 'Article [8.1]: Objective'."""
    text = " ".join(text.split())
    if label and not keyword.match(text):
        text = f"{label} {text}"  # e.g. list numbering 'Article %1' in front of 'Objective'
    match = keyword.match(text)
    number: str | None = None
    if match:
        word = match.group(1).capitalize()
        rest = text[match.end():].lstrip()
        token = rest.split(maxsplit=1)[0].rstrip(":.,–—-") if rest else ""
        if token and (_NUMBER_TOKEN.fullmatch(token) or token.lower() in _NUMBER_WORDS):
            number = token
            rest = rest[len(rest.split(maxsplit=1)[0]):]
        title = rest.lstrip(" :.-–—")
    else:
        word = _KEYWORD_BY_LEVEL.get(level, "Article")
        number = label.strip("().") if label else None
        title = text
    title = title.replace("]", ")").strip()
    head = f"{word} [{number}]" if number else (f"{word}" if title else f"{word} []")
    return as_one_line(f"{head}: {title}" if title else head)


def _marker(label: str, number_format: str | None) -> str:
    """The written-out list number as a paragraph marker the grammar knows ('1.', '(a)', '(ii)')."""
    if _GRAMMAR_MARKER.fullmatch(label):
        return label
    value = re.sub(r"[^\w]", "", label.split(".")[-1] or label)
    if number_format == "decimal" and value.isdigit():
        return f"({value})"
    return f"({value.lower()})" if value else label


def _apply_properties(treaty: Treaty, document: Any, title: str | None) -> None:
    props = document.core_properties
    treaty.meta.title = treaty.meta.title or title or (props.title or "").strip() or None
    language = (props.language or "").split("-")[0].lower()
    if not treaty.meta.language and re.fullmatch(r"[a-z]{2,3}", language):
        treaty.meta.language = language


def _format_number(value: int, number_format: str) -> str | None:
    if number_format in ("decimal", "decimalZero"):
        return str(value)
    if number_format in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if number_format == "lowerLetter" else letter.upper()
    if number_format in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman if number_format == "lowerRoman" else roman.upper()
    return None  # bullet, none, and formats treaties do not use


def _roman(value: int) -> str:
    out = []
    for amount, digits in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while value >= amount:
            out.append(digits)
            value -= amount
    return "".join(out)


class _Numbering:
    """Word list numbering: which number each numbered paragraph shows, as the reader sees it.

    Counters belong to the abstract list definition, so two list instances of the same definition
    continue one sequence, as in Word; a deeper level restarts when a shallower one advances.
    """

    def __init__(self, document: Any) -> None:
        try:
            self._root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            self._root = None
        self._counters: dict[str, dict[int, int]] = {}
        self.last_format: str | None = None

    def label(self, paragraph: Any) -> str | None:
        """The paragraph's list number as displayed ('3.', '(b)', 'Article 4'), or None."""
        self.last_format = None
        if self._root is None:
            return None
        num_id, level = self._num_pr(paragraph)
        if num_id is None or num_id == "0":
            return None
        abstract_id = self._abstract_id(num_id)
        levels = self._levels(abstract_id) if abstract_id is not None else {}
        if level not in levels:
            return None
        counters = self._counters.setdefault(abstract_id or "", {})
        start, number_format, _ = levels[level]
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [lvl for lvl in counters if lvl > level]:
            del counters[deeper]
        self.last_format = number_format
        if _format_number(counters[level], number_format) is None:
            return None

        def substitute(match: re.Match[str]) -> str:
            at = int(match.group(1)) - 1
            if at not in levels:
                return ""
            value = counters.get(at, levels[at][0])
            return _format_number(value, levels[at][1]) or ""

        return re.sub(r"%(\d)", substitute, levels[level][2]).strip() or None

    def _num_pr(self, paragraph: Any) -> tuple[str | None, int]:
        num_id: str | None = None
        level: int | None = None
        sources = [paragraph._p.pPr]
        style = paragraph.style
        depth = 0
        while style is not None and depth < 10:  # style inheritance: basedOn chain
            sources.append(style.element.pPr)
            style = style.base_style
            depth += 1
        for p_pr in sources:
            num_pr = p_pr.find(f"{_W}numPr") if p_pr is not None else None
            if num_pr is None:
                continue
            id_el = num_pr.find(f"{_W}numId")
            lvl_el = num_pr.find(f"{_W}ilvl")
            if num_id is None and id_el is not None:
                num_id = id_el.get(f"{_W}val")
            if level is None and lvl_el is not None:
                level = int(lvl_el.get(f"{_W}val", "0"))
        return num_id, level or 0

    def _abstract_id(self, num_id: str) -> str | None:
        for num in self._root.findall(f"{_W}num"):
            if num.get(f"{_W}numId") == num_id:
                ref = num.find(f"{_W}abstractNumId")
                return ref.get(f"{_W}val") if ref is not None else None
        return None

    def _levels(self, abstract_id: str) -> dict[int, tuple[int, str, str]]:
        """ilvl -> (start, numFmt, lvlText) for one abstract list definition."""
        for abstract in self._root.findall(f"{_W}abstractNum"):
            if abstract.get(f"{_W}abstractNumId") != abstract_id:
                continue
            levels = {}
            for lvl in abstract.findall(f"{_W}lvl"):

                def val(tag: str, default: str, lvl: Any = lvl) -> str:
                    el = lvl.find(f"{_W}{tag}")
                    return el.get(f"{_W}val", default) if el is not None else default

                levels[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    int(val("start", "1")), val("numFmt", "decimal"), val("lvlText", "")
                )
            return levels
        return {}
