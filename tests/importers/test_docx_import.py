"""Word import: heading styles and list numbering become the same structure as a .treaty file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

docx = pytest.importorskip("docx", reason="python-docx is not installed (pip install 'policyspace[docx]')")

from policyspace.errors import InputError
from policyspace.importers import load_document
from policyspace.model import UnitKind


def save(document, tmp_path: Path, name: str = "draft.docx") -> Path:
    path = tmp_path / name
    document.save(str(path))
    return path


def outline(treaty) -> list[tuple[int, str, str | None, str | None, int]]:
    """(depth, kind, number, title, line) for every unit, in document order."""
    return [
        (len(ancestors), unit.kind.value, unit.number, unit.title, unit.span.start_line)
        for ancestors, unit in treaty.walk_with_path()
    ]


def test_heading_styles_and_list_numbering_become_units(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Agreement between Ruritania and Freedonia", style="Title")  # paragraph 1
    d.add_heading("Chapter 8: Trade in Goods", level=1)  # 2
    d.add_heading("Article 8.1 Objective", level=3)  # 3
    d.add_paragraph("The objective of this Chapter is to liberalise trade in goods.")  # 4
    d.add_heading("Critical Shortages", level=3)  # 5: no keyword -> an unnumbered article
    d.add_paragraph("A Party may temporarily apply export prohibitions.", style="List Number")  # 6
    d.add_paragraph("The Party shall notify the other Party.", style="List Number")  # 7
    d.add_paragraph("")  # 8
    d.add_paragraph("Article 8.3: Import Licensing")  # 9: typed heading in a Normal paragraph
    d.add_paragraph("1. Each Party shall ensure neutral procedures.")  # 10
    d.add_paragraph("(a) including automatic licensing;")  # 11
    treaty = load_document(save(d, tmp_path))

    assert treaty.meta.title == "Agreement between Ruritania and Freedonia"
    assert treaty.source is not None and treaty.source.format == "docx"
    assert outline(treaty) == [
        (0, "chapter", "8", "Trade in Goods", 2),
        (1, "article", "8.1", "Objective", 3),
        (1, "article", None, "Critical Shortages", 5),
        (2, "paragraph", "1.", None, 6),
        (2, "paragraph", "2.", None, 7),
        (1, "article", "8.3", "Import Licensing", 9),
        (2, "paragraph", "1.", None, 10),
        (3, "subparagraph", "(a)", None, 11),
    ]
    article = treaty.articles()[0]
    assert article.text == "The objective of this Chapter is to liberalise trade in goods."
    assert article.text_span is not None and article.text_span.start_line == 4


def _numbered_document(levels: list[tuple[str, str]]):
    """A document with one custom multi-level list: [(numFmt, lvlText) per level]."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    numbering = d.part.numbering_part.element
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{lvls}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return d


def _numbered(d, text: str, level: int, style: str | None = None):
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    p = d.add_paragraph(text, style=style)
    p._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
    )
    return p


def test_multilevel_list_numbers_are_written_out_as_the_reader_sees_them(tmp_path: Path) -> None:
    d = _numbered_document([("decimal", "%1."), ("lowerLetter", "(%2)"), ("lowerRoman", "(%3)")])
    d.add_paragraph("Article 5: Performance Requirements")
    _numbered(d, "Neither Party shall impose any of the following requirements:", 0)
    _numbered(d, "to achieve a given level of domestic content;", 1)
    _numbered(d, "to purchase goods produced in its territory;", 1)
    _numbered(d, "including services;", 2)
    _numbered(d, "Paragraph 1 does not apply to government procurement.", 0)
    _numbered(d, "restarted after a new level-0 number", 1)
    treaty = load_document(save(d, tmp_path))
    assert [(u.kind.value, u.number) for u in treaty.walk()] == [
        ("article", "5"),
        ("paragraph", "1."),
        ("subparagraph", "(a)"),
        ("subparagraph", "(b)"),
        ("item", "(i)"),
        ("paragraph", "2."),
        ("subparagraph", "(a)"),
    ]


def test_numbered_heading_style_takes_its_keyword_from_the_numbering(tmp_path: Path) -> None:
    d = _numbered_document([("decimal", "Article %1")])
    _numbered(d, "Scope", 0, style="Heading 3")
    d.add_paragraph("This Agreement applies to investments.")
    _numbered(d, "Definitions", 0, style="Heading 3")
    treaty = load_document(save(d, tmp_path))
    assert [(u.kind, u.number, u.title) for u in treaty.walk()] == [
        (UnitKind.ARTICLE, "1", "Scope"),
        (UnitKind.ARTICLE, "2", "Definitions"),
    ]


def test_tables_count_as_one_line_per_row_and_annotations_typed_in_word_work(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("@tags export-restriction")  # 1
    d.add_paragraph("Article 3: Export Duties")  # 2
    d.add_paragraph("@suppress EXP001: accepted for ores only")  # 3
    d.add_paragraph("1. Neither Party shall maintain any export duty on the goods listed:")  # 4
    table = d.add_table(rows=2, cols=2)  # rows are lines 5 and 6
    table.cell(0, 0).text, table.cell(0, 1).text = "HS 26.03", "copper ores"
    table.cell(1, 0).text, table.cell(1, 1).text = "HS 26.05", "cobalt ores"
    d.add_paragraph("@example: a line that only looks like an annotation")  # 7
    d.add_paragraph("Article 4: Final Provisions")  # 8
    treaty = load_document(save(d, tmp_path))
    article3, article4 = treaty.articles()
    assert article3.tags == {"export-restriction"}
    suppressions = [a for u in article3.walk() for a in u.annotations if a.kind.value == "suppress"]
    assert [(s.rule_ids, s.text, s.span.start_line) for s in suppressions] == [
        (["EXP001"], "accepted for ores only", 3)
    ]
    paragraph = article3.children[0]
    assert "HS 26.03 | copper ores" in paragraph.full_text()
    assert "@example: a line that only looks like an annotation" in paragraph.full_text()
    assert article4.span.start_line == 8


def test_language_comes_from_document_properties(tmp_path: Path) -> None:
    d = docx.Document()
    d.core_properties.language = "es-ES"
    d.core_properties.title = "Tratado bilateral"
    d.add_paragraph("Artículo 1: Definiciones")
    treaty = load_document(save(d, tmp_path))
    assert (treaty.meta.language, treaty.meta.title) == ("es", "Tratado bilateral")
    assert treaty.articles()[0].number == "1"


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "password-protected (encrypted) Word file or a legacy .doc"),
        (b"this is not a zip package at all", "not a Word .docx file"),
    ],
)
def test_unreadable_word_files_give_a_clear_error(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(content)
    with pytest.raises(InputError, match=expected.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        load_document(path)


def test_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not word")
    path = tmp_path / "archive.docx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(InputError, match="this Word file cannot be read"):
        load_document(path)


def test_empty_word_document_says_there_is_no_text(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no text found"):
        load_document(save(docx.Document(), tmp_path))


def test_cli_reports_encrypted_word_file_with_exit_2_and_no_traceback(tmp_path: Path, run_cli) -> None:
    path = tmp_path / "protected.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    status, _out, err = run_cli("show", str(path))
    assert status == 2
    assert "encrypted" in err and "Traceback" not in err


def test_lint_reads_a_word_draft_and_points_at_the_paragraph(tmp_path: Path, run_cli) -> None:
    d = docx.Document()
    d.add_heading("Chapter 8: Trade in Goods", level=1)  # paragraph 1
    d.add_heading("Article 8.5: Export Duties", level=3)  # 2
    d.add_paragraph(  # 3
        "Neither Party shall adopt or maintain any export duty on a good exported to the territory of the other Party.",
        style="List Number",
    )
    d.add_heading("Article 8.6: Cooperation", level=3)  # 4
    d.add_paragraph("The Parties shall cooperate on customs matters.")  # 5
    path = save(d, tmp_path)
    status, out, err = run_cli("lint", "--isolated", str(path))
    assert status == 1, err
    assert out.startswith(f"{path}:3:4: EXP001 [high] ")  # paragraph 3, after the written-out "1. "


def test_tracked_changes_are_read_as_accepted(tmp_path: Path) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def change(tag: str, text: str, text_tag: str = "w:t") -> object:
        return parse_xml(
            f'<w:{tag} {nsdecls("w")} w:id="1" w:author="GBR" w:date="2024-07-01T00:00:00Z">'
            f'<w:r><{text_tag} xml:space="preserve">{text}</{text_tag}></w:r></w:{tag}>'
        )

    d = docx.Document()
    d.add_paragraph("Article 8.7: Critical Shortages")
    p = d.add_paragraph("1. A Party may temporarily apply export prohibitions to relieve a critical shortage of ")
    p._p.append(change("del", "any product ", "w:delText"))  # struck out by the other side
    p._p.append(change("ins", "foodstuffs "))  # their insertion
    p.add_run("essential to that Party.")
    treaty = load_document(save(d, tmp_path))
    assert treaty.articles()[0].children[0].text == (
        "A Party may temporarily apply export prohibitions to relieve a critical shortage of "
        "foodstuffs essential to that Party."
    )
