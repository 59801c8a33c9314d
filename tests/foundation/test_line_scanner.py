"""The line scanner reads exactly what the Lark grammar reads.

Documents in the annotated format, plain text and the article bodies of ToTA XML are read by
policyspace.line_scanner instead of Lark; the grammar stays the reference. Wherever the scanner
answers (it may decline and leave a text to Lark), the document built must be the grammar's:
same units, text, spans and annotations; and errors must stay the grammar's errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyspace.emitter import emit, strip_to_plain_text
from policyspace.errors import ParseError
from policyspace.importers import load_document
from policyspace.importers.tota import _ToTAReader
from policyspace.line_scanner import scan_body
from policyspace.model import Span, Unit, UnitKind
from policyspace.structure import UnitTree, feed
from policyspace.treaty_parser import _prepare, _scanned_items, grammar_body_items, parse_treaty

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SHIFT = (11, 7, 300)  # as for a body that starts inside an XML element: line 12, column 8


# ---------------------------------------------------------------- unit bodies (ToTA articles)

def _article() -> Unit:
    return Unit.trusted(UnitKind.ARTICLE, "7", "Title", Span.trusted(12, 1, 250, 12, 1, 250))


def _body_both_ways(body: str) -> tuple[dict | None, dict | ParseError]:
    """The article built from `body` by the scanner (None when it declines) and by the grammar."""
    body = _prepare(body)
    try:
        items = grammar_body_items(body, "body.xml", *SHIFT)
    except ParseError as exc:
        reference: dict | ParseError = exc
    else:
        article = _article()
        tree = UnitTree(None, article, ends_at_text=True)
        feed(tree, items)
        tree.finish()
        reference = article.model_dump()
    article = _article()
    tree = UnitTree(None, article, ends_at_text=True)
    if not scan_body(body, SHIFT, tree):
        assert article == _article(), "a tree given up half way must leave the unit as it was"
        return None, reference
    tree.finish()
    return article.model_dump(), reference


def test_a_body_of_paragraphs_and_text_blocks_reads_as_the_grammar_reads_it():
    body = ("  Each Party shall:\n\n1. accord treatment;\n   continued here\n(a) no less favourable\n"
            "Article 5 applies.\n---\n2.\n   text under a bare marker\n(ii)\n")
    article, reference = _body_both_ways(body)
    assert article == reference
    assert article["text"] == "Each Party shall:"
    assert [(u["number"], u["text"]) for u in article["children"]] == [
        ("1.", "accord treatment;\n   continued here"), ("2.", "text under a bare marker")]
    first = article["children"][0]
    assert [(u["number"], u["text"]) for u in first["children"]] == [
        ("(a)", "no less favourable\nArticle 5 applies.\n---")]
    assert article["children"][1]["children"][0]["number"] == "(ii)"
    assert first["span"]["start_line"] == 12 + 2  # shifted by SHIFT's line0
    assert article["span"]["end_offset"] == 300 + body.index("text under a bare marker") + 24


def test_annotations_and_comments_in_a_body_read_as_the_grammar_reads_them():
    body = "1. text\n@tags isds, safeguard\n// a comment\n(a)  // marker, then a comment\n  more text\n"
    article, reference = _body_both_ways(body)
    assert article == reference
    assert article["children"][0]["children"][0]["annotations"][0]["families"] == ["isds", "safeguard"]


@pytest.mark.parametrize("body", [
    "(b)@tags isds\n", "@unknown line\n", "@tags isds // a comment inside\n", "@note\n", "@suppress AB001\n",
])
def test_what_the_scanner_does_not_model_is_left_to_the_grammar(body):
    article, _ = _body_both_ways(body)
    assert article is None


def test_every_tota_article_body(tota_dir):
    bodies = scanned = 0
    for path in sorted(tota_dir.glob("pta_*.xml")):
        reader = _ToTAReader(str(path), path.read_bytes())
        reader.read()
        for text, start in reader.article_texts:
            if start is None or not text.strip():
                continue
            bodies += 1
            article, reference = _body_both_ways(text)
            if article is not None:
                scanned += 1
                assert article == reference, f"{path.name}: {text[:200]!r}"
    print(f"\nline scanner: {scanned} of {bodies} ToTA article bodies read without Lark")
    assert scanned >= 0.99 * bodies


# ---------------------------------------------------------------- whole documents

def _parse_both_ways(text: str, source_format: str = "treaty") -> tuple[object, object]:
    """parse_treaty's result (a model dump, or the error message) with the scanner and by the
    grammar alone."""
    results = []
    for grammar_only in (False, True):
        try:
            results.append(parse_treaty(text, "doc.treaty", source_format, grammar_only=grammar_only).model_dump())
        except ParseError as exc:
            results.append(exc.render())
    return results[0], results[1]


def test_grammar_only_reads_with_the_grammar(monkeypatch):
    # The comparisons above are only worth something if the reference path never scans.
    def no_scanning(*args: object) -> bool:
        raise AssertionError("the line scanner was used")

    monkeypatch.setattr("policyspace.treaty_parser.scan_document", no_scanning)
    monkeypatch.setattr("policyspace.treaty_parser.read_header", no_scanning)
    assert parse_treaty("Article 1\n1. Text.\n", grammar_only=True).articles()[0].children[0].text == "Text."
    with pytest.raises(AssertionError):
        parse_treaty("Article 1\n1. Text.\n")


DOCUMENT = """\
// a reviewer's comment before the header

---
title: Agreement between A and B
parties: ZMB, DEU
type: BIT
---
---
The Parties, desiring to promote investment,
// a comment inside the preamble
have agreed as follows:

CHAPTER TEN: INVESTMENT
Section A - Definitions
@tags local-content, safeguard
@note Goes beyond TRIMs.
Article 10.9: Performance Requirements
1. No Party may impose or enforce any requirement:
  (a) to export a given level of goods;   
  (h) // a comment after a marker
      to transfer technology;
  (i) to appoint nationals, where
     (i) the enterprise is listed;
\\@tags this line is text
\\Article 3 is mentioned here
2. Article 10.9 applies to all investments.
@suppress ISDS001, LC002: accepted in round 2
Article [140 (A)]
Article: Unnumbered
ARTICLE 5
Annex 2-A (Schedules)
Art. 7 -   Final provisions   
Each Party consents.
"""


def test_a_document_with_every_construct_reads_as_the_grammar_reads_it():
    text = _prepare(DOCUMENT)
    assert _scanned_items(text, "doc.treaty") is not None, "the scanner reads this document"
    scanned, reference = _parse_both_ways(DOCUMENT)
    assert scanned == reference
    kinds = [u["kind"] for u in scanned["units"]]
    assert kinds[:2] == [UnitKind.PREAMBLE, UnitKind.CHAPTER]
    assert scanned["meta"]["title"] == "Agreement between A and B"


@pytest.mark.parametrize("text", [
    "---\ntitle: x\n",  # a header that does not close
    "---\ntype: not-a-type\n---\nText.\n",  # a header the grammar refuses
    "Article 5\n@tags isds // comment\n",
    "1. @x\n",
    "Article [abc\n",
])
def test_what_the_scanner_does_not_model_is_left_to_the_grammar_with_its_errors(text):
    assert _scanned_items(_prepare(text), "doc.treaty") is None
    scanned, reference = _parse_both_ways(text)
    assert scanned == reference


def test_a_header_reads_as_the_grammar_reads_it_and_its_errors_point_at_the_same_place():
    text = "// note\n\n---\ntitle:  Model BIT  \n// a comment\nround:\nparties: ZMB; deu\n---\nText.\n"
    scanned, reference = _parse_both_ways(text)
    assert scanned == reference
    assert scanned["meta"]["extra"] == {"round": ""}
    scanned, reference = _parse_both_ways("---\ntitle: T\ndate: 15 March 2024\n---\nText.\n")
    assert scanned == reference
    assert "doc.treaty:3:7" in scanned and "YYYY-MM-DD" in scanned


def test_every_corpus_document():
    compared = 0
    for path in sorted(CORPUS.glob("*.treaty")):
        text = path.read_text(encoding="utf-8")
        assert _scanned_items(_prepare(text), path.name) is not None, path.name
        scanned, reference = _parse_both_ways(text)
        assert scanned == reference, path.name
        plain_scanned, plain_reference = _parse_both_ways(strip_to_plain_text(text), "text")
        assert plain_scanned == plain_reference, path.name
        compared += 1
    assert compared >= 6


def test_every_tota_treaty_as_an_annotated_document_and_as_plain_text(tota_dir):
    for path in sorted(tota_dir.glob("pta_*.xml")):
        treaty = load_document(path)
        for text, source_format in ((emit(treaty), "treaty"),
                                    (strip_to_plain_text(emit(treaty, annotations=False)), "text")):
            scanned, reference = _parse_both_ways(text, source_format)
            assert scanned == reference, f"{path.name} ({source_format})"


LINE_STARTS = ["", "", "", "1.", "12.", "2)", "(3)", "(a)", "b)", "(ii)", "(xiv)", "(aa)", "1.5", "@tags isds",
               "@tags isds, safeguard", "@tags isdsx", "@note", "@note a note", "@suppress AB001: why",
               "@suppress AB001", "@x", "//", "// comment", "---", "Article 5", "Article 10.9: Title", "ARTICLE V",
               "Article: Title", "Article [2 (a)]", "Chapter Ten", "Art. 3 -", "Annex 1 (Lists)", "Party",
               "Capital", "Section", "Title", "ANNEX", "\\", "\\@tags", "-", "é", "“", "1995."]
WORDS = ["", "shall", "not", "(a)", "1.", "@", "//", "Article", "---", "x", "é", "Title", ":", "-"]
SPACES = ["", " ", "  ", "\t", "\xa0", "\u2003", "\x0c"]


@st.composite
def a_line(draw) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), max_size=4))
    return (draw(st.sampled_from(SPACES)) + draw(st.sampled_from(LINE_STARTS)) + draw(st.sampled_from(SPACES))
            + " ".join(words) + draw(st.sampled_from(SPACES)))


lines = st.lists(a_line(), min_size=1, max_size=8).map("\n".join)
header = st.sampled_from([
    "", "---\n", "---\ntitle: T\n---\n", "// c\n\n---\nlanguage: en\n// c\n\ntitle:\n---\n",
    "---\ntype: FTA\nparties: ZMB, deu\ndate: 2024-03-15\nround: 3 // kept\n---\n",
    "---\ntype: nope\n---\n", "---\ndate: 2024-13-01\n---\n", "---\nparties: X1\n---\n",
    "---\ntitle: // c\n---\n", "---\n---x\n---\n", "---\ntitle x: y\n---\n", "  ---  \ntitle:T\n---\n",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines)
def test_generated_bodies(body):
    article, reference = _body_both_ways(body)
    if article is not None:
        assert article == reference


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header, lines, st.sampled_from(["treaty", "text"]))
def test_generated_documents(head, body, source_format):
    scanned, reference = _parse_both_ways(head + body, source_format)
    assert scanned == reference
