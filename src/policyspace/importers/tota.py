"""Import ToTA XML (<treaty><meta>…<body><chapter><article>) with exact source positions.

Expat (the C parser in the standard library) reports where each element's text starts, so every
unit's span points into the XML file. Entity declarations are refused outright: no external
entity is ever resolved or fetched (no XXE), and entity-expansion bombs cannot start.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from pydantic import ValidationError

from ..errors import InputError
from ..model import SourceInfo, Treaty, TreatyMeta, TreatyType, UnitKind
from ..structure import UnitTree
from ..treaty_parser import KEYWORD_KINDS, parse_body_into

_WS = re.compile(r"\s+")
_TOTA_TYPES = [
    ("customs union", TreatyType.CU),
    ("partial scope", TreatyType.PSA),
    ("free trade", TreatyType.FTA),
    ("economic integration", TreatyType.EIA),
]
_META_FIELDS = {"name", "type", "date_signed", "language"}
_LABEL = re.compile(r"^\s*([^\W\d_]+\.?)\s*[:\-–—.]?\s*(.*)$", re.DOTALL)


class _Refused(Exception):
    pass


def _collapse(text: str | None) -> str | None:
    if text is None:
        return None
    text = _WS.sub(" ", text).strip()
    return text or None


def _title(name: str | None) -> str | None:
    """Heading titles as the grammar reads them: one line, no leading separator."""
    collapsed = _collapse(name)
    return (collapsed.lstrip(" :.-–—").rstrip() or None) if collapsed else None


def split_label(label: str | None, default: UnitKind, fixed_kind: bool) -> tuple[UnitKind, str | None]:
    """'ARTICLE 7.2' -> (article, '7.2'); 'TITLE I' -> (part, 'I'); 'CHAPTER TWENTY ONE' -> ..."""
    label = _collapse(label)
    if not label:
        return default, None
    match = _LABEL.match(label)
    if match:
        word = match.group(1).lower()
        kind = KEYWORD_KINDS.get(word)
        if kind is None and word.startswith("art"):  # OCR slips: ARTIICLE, ARTÍTÍCULO, ARTICLES
            kind = UnitKind.ARTICLE
        if kind is not None:
            number = match.group(2).strip(" :-–—.") or None
            return (default if fixed_kind else kind), number
    return default, label.replace(":", " ").strip() or None


class _ToTAReader:
    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        self.data = data
        self.stack: list[str] = []
        self.meta_values: dict[str, str] = {}
        self.parties: list[str] = []
        # Positions are expat's byte indexes: asking expat for line and column makes it count
        # them over the whole file; _Positions converts the few needed afterwards.
        self.events: list[tuple[str, dict[str, str], int]] = []
        self.text_parts: list[str] = []
        self.text_start: int | None = None
        self.article_texts: list[tuple[str, int | None]] = []
        self.parser = expat.ParserCreate("utf-8")
        p = self.parser
        p.buffer_text = False  # the first chunk's position is where the text starts
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.chars
        p.EntityDeclHandler = self.refuse_entity
        p.ExternalEntityRefHandler = self.refuse_external
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse_entity(self, *args: object) -> None:
        raise _Refused("the XML declares entities (<!ENTITY …>); policyspace never expands them")

    def refuse_external(self, *args: object) -> int:
        raise _Refused("the XML refers to an external entity; policyspace never fetches or reads one")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.stack.append(name)
        if name in ("chapter", "article"):
            self.events.append((name, attrs, self.parser.CurrentByteIndex))
        if name == "article" or (len(self.stack) == 3 and self.stack[1] == "meta") or name == "partyisocode":
            self._restart_text()

    def _restart_text(self) -> None:
        self.text_parts = []
        self.text_start = None
        self.parser.CharacterDataHandler = self.chars

    def chars(self, data: str) -> None:
        """The first chunk of a text: its position is where the text starts."""
        self.text_start = self.parser.CurrentByteIndex
        self.text_parts.append(data)
        # Expat reports text in many chunks (one per line); the rest go straight into the list,
        # with no Python call per chunk.
        self.parser.CharacterDataHandler = self.text_parts.append

    def end(self, name: str) -> None:
        self.stack.pop()
        if name == "article":
            self.article_texts.append(("".join(self.text_parts), self.text_start))
        elif name == "partyisocode" and self.stack[-1:] == ["parties"]:
            self.parties.append("".join(self.text_parts).strip())
        elif len(self.stack) == 2 and self.stack[1] == "meta" and name != "source":
            value = _collapse("".join(self.text_parts))
            if value:
                self.meta_values[name] = value
        self._restart_text()

    def read(self) -> None:
        try:
            self.parser.Parse(self.data, True)
        except _Refused as exc:
            raise InputError(str(exc), self.path) from None
        except expat.ExpatError as exc:
            raise InputError(
                f"not well-formed XML at line {exc.lineno}, column {exc.offset + 1}: "
                f"{expat.errors.messages[exc.code]}",
                self.path,
            ) from None
        if not self.stack and not self.events and "name" not in self.meta_values:
            raise InputError("this XML is not a ToTA treaty (<treaty><meta>…<body>…)", self.path)


class _Positions:
    """Line, column and character offset of a byte index of the file, in increasing order.

    Lines are counted by line feeds. The column is worked out as it always has been here: the
    bytes from the line start, as many as expat counts characters to the position, decoded
    (so it comes out short after multi-byte characters on the same line; kept, because spans
    must not change under callers that stored them).
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.ascii = data.isascii()  # then characters are bytes
        self._last: tuple[int, int, int] = (0, 1, 0)  # (byte index, line, char offset) last converted

    def position(self, byte_index: int) -> tuple[int, int, int]:
        data = self.data
        last_byte, line, chars = self._last
        if byte_index < last_byte:
            last_byte, line, chars = 0, 1, 0
        line += data.count(b"\n", last_byte, byte_index)
        line_start = data.rfind(b"\n", 0, byte_index) + 1
        if self.ascii:
            chars, column = byte_index, byte_index - line_start + 1
        else:
            chars += len(data[last_byte:byte_index].decode("utf-8", "replace"))
            prefix = data[line_start:byte_index]
            if prefix.isascii():
                column = len(prefix) + 1
            else:
                expat_column = len(prefix.decode("utf-8", "replace"))
                column = len(data[line_start : line_start + expat_column].decode("utf-8", "replace")) + 1
        self._last = (byte_index, line, chars)
        return line, column, chars


def _treaty_type(raw: str | None) -> TreatyType | None:
    if not raw:
        return None
    lowered = raw.lower()
    for needle, kind in _TOTA_TYPES:
        if needle in lowered:
            return kind
    return TreatyType.OTHER


def import_tota(path: str, data: bytes) -> Treaty:
    reader = _ToTAReader(path, data)
    reader.read()
    positions = _Positions(data)
    values = reader.meta_values
    language = (values.get("language") or "").lower() or None
    try:
        meta = TreatyMeta(
            title=values.get("name"),
            parties=[p for p in reader.parties if p],
            type=_treaty_type(values.get("type")),
            date_signed=values.get("date_signed") or None,
            language=language,
            extra={k: v for k, v in values.items() if k not in _META_FIELDS},
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"])
        raise InputError(f"invalid ToTA metadata ({field}): {error['msg'].removeprefix('Value error, ')}", path) from None
    if values.get("type"):
        meta.extra["tota_type"] = values["type"]
    tree = UnitTree()
    bodies: list[tuple[str, tuple[int, int, int]] | None] = []  # per article: its text, where it starts
    texts = iter(reader.article_texts)
    for name, attrs, byte_index in reader.events:  # in document order, as _Positions wants them
        start_line, start_col, start_off = positions.position(byte_index)
        span = (start_line, start_col, start_off, start_line, start_col, start_off)
        if name == "chapter":
            kind, number = split_label(attrs.get("number"), UnitKind.CHAPTER, fixed_kind=False)
            if kind == UnitKind.ARTICLE:  # a chapter labelled "Article ..." is still a chapter
                kind = UnitKind.CHAPTER
            tree.heading(kind, number, _title(attrs.get("name")), span)
            continue
        _, number = split_label(attrs.get("number"), UnitKind.ARTICLE, fixed_kind=True)
        tree.heading(UnitKind.ARTICLE, number, _title(attrs.get("name")), span)
        text, text_start = next(texts)
        empty = text_start is None or not text or text.isspace()
        bodies.append(None if empty else (text, positions.position(text_start)))  # type: ignore[arg-type]
    units, _ = tree.finish()
    # Fill each article with its paragraphs, parsed by the grammar's `body` rule.
    article_units = [u for unit in units for u in unit.walk() if u.kind == UnitKind.ARTICLE]
    for unit, body in zip(article_units, bodies):
        if body is not None:
            text, (line, col, off) = body
            parse_body_into(unit, text, path, line - 1, col - 1, off)  # the article ends where its text ends
    return Treaty(meta=meta, units=units, source=SourceInfo(path=path, format="tota-xml"))
