"""Parse the annotated treaty format (and plain treaty text) with the Lark grammar in grammar/."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import ParseError
from .garbage_collection import paused
from .line_scanner import read_header, scan_body, scan_document
from .model import Span, Treaty, TreatyMeta, Unit
from .resources import grammar_path
from .structure import (
    AnnotationItem,
    HeadingItem,
    Item,
    ItemList,
    MarkerItem,
    Piece,
    SpanTuple,
    TextItem,
    UnitTree,
    build_units,
    feed,
    headings_without_body_as_text,
)
from .treaty_format import (  # KEYWORD_KINDS, TYPE_ALIASES and unescape are imported from here elsewhere
    KEYWORD_KINDS,
    TYPE_ALIASES,
    HeaderField,
    header_meta,
    heading_number,
    heading_title,
    note_annotation,
    suppress_annotation,
    tags_annotation,
    unescape,
)

__all__ = ["KEYWORD_KINDS", "TYPE_ALIASES", "get_parser", "grammar_body_items", "parse_body_into", "parse_treaty",
           "unescape"]

# Words a lawyer understands, for the grammar's terminal names (used in error messages).
EXPECTED_WORDS = {
    "HEADER_DELIMITER": "the '---' line that closes the header",
    "FIELD_NAME": "a header field such as 'title: ...'",
    "FIELD_VALUE": "a value after the field name",
    "COLON": "':'",
    "COMMA": "','",
    "FAMILY": "a provision family (isds, stabilization, local-content, export-restriction, safeguard)",
    "RULE_ID": "a rule id such as ISDS001",
    "REASON": "the reason for the suppression after ':'",
    "NOTE": "the text of the note",
    "HEADING_KEYWORD": "a heading such as 'Article 5'",
    "HEADING_NUMBER": "the number of the heading, e.g. 'Article 10.9' or 'Chapter Ten'",
    "NO_NUMBER": "':' for an unnumbered heading",
    "HEADING_TITLE": "the heading's title",
    "PARAGRAPH_MARKER": "a paragraph number such as '1.' or '(a)'",
    "TEXT": "treaty text",
    "_NL": "the end of the line",
    "$END": "the end of the document",
    "TAGS": "@tags",
    "NOTE_KEYWORD": "@note",
    "SUPPRESS": "@suppress",
}


def _grammar_cache_file() -> str | None:
    from .scanning.cache import default_cache_dir

    folder = default_cache_dir() / "grammar"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # read-only home: build the tables every time
        return None
    return str(folder / "treaty.lark.cache")


@lru_cache(maxsize=1)
def get_parser() -> Lark:
    """The compiled LALR parser (built once per process; lark-cython is used when installed)."""
    options: dict[str, Any] = {
        "parser": "lalr",
        "lexer": "contextual",
        "start": ["start", "body"],
        "maybe_placeholders": False,
    }
    grammar = grammar_path().read_text(encoding="utf-8")
    cache = _grammar_cache_file()
    if cache is not None:
        # Lark stores its LALR tables there and checks them against the grammar, the options and
        # its own version on load: start-up skips building them (about 45 ms)
        options["cache"] = cache
    try:
        import lark_cython  # optional accelerator

        return Lark(grammar, _plugins=lark_cython.plugins, **options)
    except Exception:  # noqa: BLE001 - any failure of the optional plugin falls back cleanly
        return Lark(grammar, **options)


def _span(first: Token, last: Token, line0: int = 0, col0: int = 0, off0: int = 0) -> SpanTuple:
    """From the start of `first` to the end of `last`, shifted when the text sits inside a
    larger file (e.g. an XML element: columns shift on the element's first line only)."""
    return (
        first.line + line0,
        first.column + (col0 if first.line == 1 else 0),
        first.start_pos + off0,
        last.end_line + line0,
        last.end_column + (col0 if last.end_line == 1 else 0),
        last.end_pos + off0,
    )


class _ToItems:
    """Turn the parse tree (two levels deep: document -> items -> tokens) into structure items.

    A hand-written walk rather than lark.Transformer: the tree is flat, and this runs once per
    article over a whole corpus, so the generic visitor's overhead shows up in benchmarks.
    """

    def __init__(
        self, path: str | None, line0: int = 0, col0: int = 0, off0: int = 0, escapes: bool = True
    ) -> None:
        self.path = path
        self.shift = (line0, col0, off0)
        self.escapes = escapes  # False for text from XML, where a backslash is just a backslash

    def transform(self, tree: Tree) -> Any:
        children = [
            getattr(self, child.data)(child.children) if isinstance(child, Tree) else child
            for child in tree.children
        ]
        return getattr(self, tree.data)(children)

    def _s(self, tok: Token) -> SpanTuple:
        return _span(tok, tok, *self.shift)

    def _model_span(self, tok: Token) -> Span:
        return Span.trusted(*_span(tok, tok, *self.shift))

    def _piece(self, tok: Token) -> Piece:
        return Piece(text=unescape(tok.value) if self.escapes else tok.value, span=self._s(tok))

    # ---- header
    def header(self, children: list[Any]) -> TreatyMeta:
        fields = []
        for child in children:
            if isinstance(child, Tree):
                name_tok, value_tok = child.children[0], child.children[1] if len(child.children) > 1 else None
                shown = value_tok or name_tok  # where an error in the field is shown
                fields.append(HeaderField(name_tok.value, value_tok.value if value_tok is not None else None,
                                          shown.line, shown.column))
        return header_meta(fields, self.path)

    # ---- structure
    def heading(self, children: list[Token]) -> HeadingItem:
        keyword = children[0]
        number: str | None = None
        title: str | None = None
        end = keyword
        for tok in children[1:]:
            end = tok
            if tok.type == "HEADING_NUMBER":
                number = heading_number(tok.value)
            elif tok.type == "HEADING_TITLE":
                title = heading_title(tok.value)
        span = _span(keyword, end, *self.shift)
        return HeadingItem(kind=KEYWORD_KINDS[keyword.value.lower()], number=number, title=title, span=span)

    def paragraph(self, children: list[Token]) -> MarkerItem:
        marker = children[0]
        text = self._piece(children[1]) if len(children) > 1 else None
        return MarkerItem(marker=marker.value, span=self._s(marker), text=text)

    def text(self, children: list[Token]) -> TextItem:
        return TextItem(self._piece(children[0]))

    # ---- annotations
    def tags(self, children: list[Token]) -> AnnotationItem:
        families = [t.value for t in children if t.type == "FAMILY"]
        return AnnotationItem(tags_annotation(families, self._model_span(children[0])))

    def note(self, children: list[Token]) -> AnnotationItem:
        return AnnotationItem(note_annotation(children[-1].value, self._model_span(children[-1])))

    def suppress(self, children: list[Token]) -> AnnotationItem:
        rule_ids = [t.value for t in children if t.type == "RULE_ID"]
        return AnnotationItem(suppress_annotation(rule_ids, children[-1].value, self._model_span(children[-1])))

    def start(self, children: list[Any]) -> tuple[TreatyMeta | None, list[Item]]:
        meta = children[0] if children and isinstance(children[0], TreatyMeta) else None
        items = children[1:] if meta is not None else children
        return meta, items

    def body(self, children: list[Any]) -> list[Item]:
        return children


def _describe_expected(expected: set[str]) -> str:
    words = []
    for name in sorted(expected):
        words.append(EXPECTED_WORDS.get(name, name.lower().replace("_", " ")))
    unique = list(dict.fromkeys(words))
    if len(unique) == 1:
        return unique[0]
    return ", ".join(unique[:-1]) + " or " + unique[-1]


def _annotation_problem(source_line: str, expected: set[str]) -> str | None:
    """A message for a bad annotation line, or None when the line is not an annotation."""
    stripped = source_line.lstrip()
    if not stripped.startswith("@"):
        return None
    word = stripped.split()[0].split(":")[0] if stripped.split() else "@"
    if word not in ("@tags", "@note", "@suppress"):
        return (
            f"unknown annotation {word!r}: a line starting with '@' must be @tags, @note or "
            "@suppress (write '\\@' at the start to keep such a line as treaty text)"
        )
    if word == "@suppress" and ("COLON" in expected or "REASON" in expected):
        return "a suppression needs a reason: write '@suppress RULE001: why this finding is accepted'"
    if word == "@suppress":
        return f"after @suppress: expected {_describe_expected(expected)}"
    return None


def _translate(exc: UnexpectedInput, text: str, path: str | None, line0: int, col0: int) -> ParseError:
    line = getattr(exc, "line", 1) or 1
    column = getattr(exc, "column", 1) or 1
    lines = text.split("\n")
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if isinstance(exc, UnexpectedCharacters):
        expected = set(exc.allowed or set())
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        message = _annotation_problem(source_line, expected) or (
            f"unexpected {char!r}; expected {_describe_expected(expected)}"
        )
    elif isinstance(exc, UnexpectedToken):
        tok = exc.token
        expected = set(exc.expected)
        problem = _annotation_problem(source_line, expected)
        if problem:
            message = problem
        elif tok.type in ("_NL", "$END"):
            message = f"the line ends too early; expected {_describe_expected(expected)}"
        else:
            shown = str(tok.value).split("\n")[0]
            message = f"unexpected {shown!r}; expected {_describe_expected(expected)}"
    elif isinstance(exc, UnexpectedEOF):
        message = f"the document ends too early; expected {_describe_expected(set(exc.expected))}"
    else:  # pragma: no cover - lark has no other UnexpectedInput subclasses today
        message = str(exc)
    return ParseError(message, path, line + line0, column + (col0 if line == 1 else 0), source_line)


def _prepare(text: str) -> str:
    # The grammar is line-based: every line, including the last, ends with a newline.
    return text if text.endswith("\n") else text + "\n"


def parse_treaty(
    text: str, path: str | None = None, source_format: str = "treaty", *, grammar_only: bool = False
) -> Treaty:
    """Parse a whole document in the annotated format (plain treaty text is a valid document).

    The line scanner reads it when it can, else the Lark grammar; both give the same document.
    `grammar_only` makes the grammar read it (the reference, for tests and benchmarks).
    """
    text = _prepare(text)
    with paused():
        return _parse_treaty(text, path, source_format, grammar_only)


def _parse_treaty(text: str, path: str | None, source_format: str, grammar_only: bool) -> Treaty:
    from .model import SourceInfo

    scanned = None if grammar_only else _scanned_items(text, path)
    if scanned is not None:
        meta, items = scanned
    else:
        try:
            tree = get_parser().parse(text, start="start")
            meta, items = _ToItems(path).transform(tree)
        except UnexpectedInput as exc:
            raise _translate(exc, text, path, 0, 0) from None
        except ParseError as exc:  # a header value was refused: show its line
            if not exc.source_line:
                exc.source_line = text.split("\n")[exc.line - 1]
            raise
    if source_format != "treaty":  # plain text (.txt, Word, PDF): tables of contents and stray headings
        items = headings_without_body_as_text(items, text)
    units, leftover = build_units(items, text)
    treaty = Treaty(meta=meta or TreatyMeta(), units=units, annotations=leftover)
    if path is not None:
        treaty.source = SourceInfo(path=path, format=source_format)
    return treaty


def _scanned_items(text: str, path: str | None) -> tuple[TreatyMeta | None, list[Item]] | None:
    """The header and items the grammar reads in `text`, found by the line scanner; None when
    the scanner leaves the document to Lark (which also reports any error)."""
    header = read_header(text)
    if header is None:
        return None
    fields, start = header
    try:
        meta = header_meta(fields, path) if fields is not None else None
    except ParseError:
        return None
    items = ItemList()
    return (meta, items) if scan_document(text, start, items) else None


def parse_body_into(
    unit: Unit, text: str, path: str | None, line0: int, col0: int, off0: int, escapes: bool = False
) -> None:
    """Parse the raw text of one unit (paragraphs, no headings) into `unit`, positions shifted.

    The unit's span then ends where the body's text ends (where its last marker ends, if the
    body has no text).
    """
    text = _prepare(text)
    tree = UnitTree(None, container=unit, ends_at_text=True)
    # The line scanner gives the grammar's result without Lark, unless the body holds something
    # it leaves to the grammar.
    if escapes or not scan_body(text, (line0, col0, off0), tree):
        tree = UnitTree(None, container=unit, ends_at_text=True)
        feed(tree, grammar_body_items(text, path, line0, col0, off0, escapes))
    tree.finish()


def grammar_body_items(
    text: str, path: str | None, line0: int, col0: int, off0: int, escapes: bool = False
) -> list[Item]:
    """The items of one unit's body (`text` ends with a newline) by the grammar's `body` rule."""
    try:
        tree = get_parser().parse(text, start="body")
        return _ToItems(path, line0, col0, off0, escapes).transform(tree)  # type: ignore[no-any-return]
    except UnexpectedInput as exc:
        raise _translate(exc, text, path, line0, col0) from None
