"""PDF import: the text layer read by the treaty grammar; clear errors for encrypted or damaged files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed (pip install 'policyspace[pdf]')")

from policyspace.errors import InputError
from policyspace.importers import load_document


def make_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A minimal PDF written object by object: Helvetica text, one line per string, one list per page."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    pages_id = add(b"")  # filled in once the page ids are known
    page_ids = []
    for lines in pages:
        ops = ["BT", "/F1 10 Tf", "13 TL", "50 800 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("cp1252")
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        page_ids.append(add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (pages_id, font, content)
        ))
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    info = add(b"<< /Title (%s) >>" % title.encode("latin-1")) if title else None

    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    trailer += b" /Info %d 0 R >>" % info if info else b" >>"
    out += b"trailer\n%s\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref)
    return bytes(out)


DRAFT_PAGES = [
    [
        "CHAPTER 8: TRADE IN GOODS",  # line 1
        "Article 8.1: Export Duties",  # 2
        "1. Neither Party shall adopt or maintain any export duty on a good",  # 3
        "exported to the territory of the other Party.",  # 4
        "2. Paragraph 1 does not apply to copper ores (HS 26.03).",  # 5
        "1",  # 6: page number, blanked
    ],
    [
        "Article 8.2: Critical Shortages",  # 7
        "A Party may temporarily apply export prohibitions to relieve a critical shortage.",  # 8
        "Page 2 of 2",  # 9: page number, blanked
    ],
]


def write(tmp_path: Path, data: bytes, name: str = "draft.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_pdf_text_becomes_chapters_articles_and_paragraphs(tmp_path: Path) -> None:
    treaty = load_document(write(tmp_path, make_pdf(DRAFT_PAGES, title="Draft FTA")))
    assert treaty.meta.title == "Draft FTA"
    assert treaty.source is not None and treaty.source.format == "pdf"
    assert [(u.kind.value, u.number, u.title, u.span.start_line) for u in treaty.walk()] == [
        ("chapter", "8", "TRADE IN GOODS", 1),
        ("article", "8.1", "Export Duties", 2),
        ("paragraph", "1.", None, 3),
        ("paragraph", "2.", None, 5),
        ("article", "8.2", "Critical Shortages", 7),
    ]
    first, second = treaty.articles()[0].children
    # a paragraph wrapped over two lines stays one paragraph
    assert " ".join(first.text.split()) == (
        "Neither Party shall adopt or maintain any export duty on a good exported to the territory of the other Party."
    )
    assert second.text == "Paragraph 1 does not apply to copper ores (HS 26.03)."
    # page numbers are not treaty text
    assert treaty.articles()[1].text == (
        "A Party may temporarily apply export prohibitions to relieve a critical shortage."
    )


def test_spans_are_lines_of_the_extracted_text(tmp_path: Path) -> None:
    treaty = load_document(write(tmp_path, make_pdf(DRAFT_PAGES)))
    paragraph = treaty.articles()[0].children[1]
    assert paragraph.text_span is not None
    assert (paragraph.text_span.start_line, paragraph.text_span.start_column) == (5, 4)


def _encrypted(user_password: str) -> bytes:
    writer = pypdf.PdfWriter()
    writer.append(pypdf.PdfReader(io.BytesIO(make_pdf(DRAFT_PAGES))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_with_a_password_gives_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="encrypted with a password"):
        load_document(write(tmp_path, _encrypted("secret")))


def test_pdf_encrypted_only_against_copying_still_opens(tmp_path: Path) -> None:
    treaty = load_document(write(tmp_path, _encrypted("")))
    assert [a.number for a in treaty.articles()] == ["8.1", "8.2"]


def test_pdf_without_text_layer_asks_for_ocr(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no text found.*OCR"):
        load_document(write(tmp_path, make_pdf([[]])))


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"PK\x03\x04 a zip file renamed", "not a PDF file"),
        (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "this PDF cannot be read"),
    ],
)
def test_damaged_pdf_gives_a_clear_error(tmp_path: Path, content: bytes, expected: str) -> None:
    with pytest.raises(InputError, match=expected):
        load_document(write(tmp_path, content))


def test_cli_exits_2_without_traceback_for_a_password_protected_pdf(tmp_path: Path, run_cli) -> None:
    path = write(tmp_path, _encrypted("secret"))
    status, _out, err = run_cli("show", str(path))
    assert status == 2
    assert f"{path}: error: this PDF is encrypted with a password" in err
    assert "Traceback" not in err


def test_lint_reads_a_pdf_draft_and_points_at_the_line(tmp_path: Path, run_cli) -> None:
    path = write(tmp_path, make_pdf(DRAFT_PAGES))
    status, out, err = run_cli("lint", "--isolated", str(path))
    assert status == 1, err
    assert out.startswith(f"{path}:3:4: EXP001 [high] ")


def test_diff_accepts_pdf_and_treaty_drafts_of_the_same_text(tmp_path: Path, run_cli) -> None:
    typed = tmp_path / "typed.treaty"
    typed.write_text("\n".join(line for page in DRAFT_PAGES for line in page[:-1]) + "\n", encoding="utf-8")
    status, out, err = run_cli("diff", "--isolated", "--format", "json", str(typed), str(write(tmp_path, make_pdf(DRAFT_PAGES))))
    assert status == 0, err
    import json

    diff = json.loads(out)
    assert diff["findings"] == []
    assert all(not u["text_changed"] for u in diff["units"] if u["old"] and u["new"])
