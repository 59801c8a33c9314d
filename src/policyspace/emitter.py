"""Write any Treaty back in the annotated format, so a user can annotate an imported treaty.

parse(emit(doc)) reproduces doc (spans aside): markup-looking lines inside treaty text are
escaped with a backslash, and numbers the grammar would not read plainly are bracketed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .model import Annotation, AnnotationKind, Treaty, TreatyMeta, Unit, UnitKind

_KEYWORDS = {
    "en": {UnitKind.PART: "Part", UnitKind.CHAPTER: "Chapter", UnitKind.SECTION: "Section",
           UnitKind.ARTICLE: "Article", UnitKind.ANNEX: "Annex"},
    "es": {UnitKind.PART: "Parte", UnitKind.CHAPTER: "Capítulo", UnitKind.SECTION: "Sección",
           UnitKind.ARTICLE: "Artículo", UnitKind.ANNEX: "Anexo"},
    "fr": {UnitKind.PART: "Partie", UnitKind.CHAPTER: "Chapitre", UnitKind.SECTION: "Section",
           UnitKind.ARTICLE: "Article", UnitKind.ANNEX: "Annexe"},
}
_INDENT = {UnitKind.PARAGRAPH: "", UnitKind.SUBPARAGRAPH: "  ", UnitKind.ITEM: "    "}


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Heading, heading-number and paragraph-marker patterns, taken from the grammar itself."""
    from .treaty_parser import get_parser

    parser = get_parser()
    terminal = {t.name: t.pattern.to_regexp() for t in parser.terminals}
    heading = re.compile(terminal["HEADING_KEYWORD"])
    number = re.compile(terminal["HEADING_NUMBER"])
    marker = re.compile(terminal["PARAGRAPH_MARKER"])
    return heading, number, marker


def _needs_escape(line: str) -> bool:
    stripped = line.lstrip()
    if not stripped:
        return False
    if stripped[0] in "@\\" or stripped.startswith(("//", "---")):
        return True
    heading, _, marker = _patterns()
    # The grammar's patterns look ahead to the end of the line, so give them one.
    return bool(heading.match(stripped + "\n") or marker.match(stripped + "\n"))


def escape_text(text: str, first_line_free: bool = False) -> str:
    """Prefix markup-looking lines with a backslash (the first line too, unless it follows a marker)."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        if _needs_escape(line) and not (i == 0 and first_line_free and not line.lstrip().startswith(("@", "\\", "//"))):
            indent = len(line) - len(line.lstrip())
            line = line[:indent] + "\\" + line[indent:]
        out.append(line)
    return "\n".join(out)


def _number(number: str) -> str:
    _, pattern, _ = _patterns()
    plain = pattern.fullmatch(" " + number)
    return f" {number}" if plain else f" [{number}]"


def _heading(unit: Unit, language: str) -> str:
    keyword = _KEYWORDS.get(language, _KEYWORDS["en"])[unit.kind]
    line = keyword + (_number(unit.number) if unit.number else "")
    if unit.title:
        line += f": {unit.title}"
    elif not unit.number:
        line += " []"  # unnumbered and untitled
    return line


def _annotation(annotation: Annotation) -> str:
    if annotation.kind == AnnotationKind.TAGS:
        return "@tags " + ", ".join(f.value for f in annotation.families)
    if annotation.kind == AnnotationKind.NOTE:
        return "@note " + " ".join(annotation.text.split())
    return "@suppress " + ", ".join(annotation.rule_ids) + ": " + " ".join(annotation.text.split())


def _header(meta: TreatyMeta) -> list[str]:
    fields: list[tuple[str, str]] = []
    if meta.title:
        fields.append(("title", meta.title))
    if meta.parties:
        fields.append(("parties", ", ".join(meta.parties)))
    if meta.type:
        fields.append(("type", meta.type.value))
    if meta.date_signed:
        fields.append(("date", meta.date_signed.isoformat()))
    if meta.language:
        fields.append(("language", meta.language))
    fields.extend(meta.extra.items())
    if not fields:
        return []
    return ["---", *(f"{k}: {' '.join(v.split())}" for k, v in fields), "---", ""]


def _emit_unit(unit: Unit, language: str, out: list[str], annotations: bool) -> None:
    if annotations:
        out.extend(_annotation(a) for a in unit.annotations)
    if unit.kind in _INDENT:
        body = escape_text(unit.text, first_line_free=True) if unit.text else ""
        out.append(f"{_INDENT[unit.kind]}{unit.number} {body}".rstrip())
    else:
        if unit.kind != UnitKind.PREAMBLE:
            out.append(_heading(unit, language))
        if unit.text:
            out.append(escape_text(unit.text))
    for child in unit.children:
        _emit_unit(child, language, out, annotations)


def emit(treaty: Treaty, annotations: bool = True) -> str:
    """The treaty in the annotated format; `annotations=False` writes plain headed text."""
    language = (treaty.meta.language or "en")[:2]
    out: list[str] = _header(treaty.meta) if annotations else []
    for unit in treaty.units:
        _emit_unit(unit, language, out, annotations)
        if unit.kind not in _INDENT:
            out.append("")
    if annotations:
        out.extend(_annotation(a) for a in treaty.annotations)
    return "\n".join(out).rstrip("\n") + "\n"


def strip_to_plain_text(annotated: str) -> str:
    """What a user gets by copying the emitted text: no header, annotations or escapes."""
    lines = annotated.split("\n")
    if lines and lines[0].strip() == "---":
        end = next((i for i, l in enumerate(lines[1:], 1) if l.strip() == "---"), 0)
        lines = lines[end + 1 :]
    kept = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("@tags", "@note", "@suppress", "//")):
            continue
        if stripped.startswith("\\"):
            indent = len(line) - len(stripped)
            line = line[:indent] + stripped[1:]
        kept.append(line)
    return "\n".join(kept)
