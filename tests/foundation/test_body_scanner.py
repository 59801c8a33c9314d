"""The line scanner for unit bodies gives exactly the items of the grammar's `body` rule.

ToTA articles are read by policyspace.body_scanner instead of Lark; the grammar stays the
reference. Wherever the scanner answers (it may decline and leave a body to Lark), its items,
and so the document built from them, must be the grammar's: same units, text and spans.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyspace.emitter import strip_to_plain_text
from policyspace.errors import ParseError
from policyspace.importers.tota import _ToTAReader
from policyspace.model import Span, Unit, UnitKind
from policyspace.structure import UnitTree, feed
from policyspace.treaty_parser import grammar_body_items, scan_body

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SHIFT = (11, 7, 300)  # as for a body that starts inside an XML element: line 12, column 8


def _article() -> Unit:
    return Unit.trusted(UnitKind.ARTICLE, "7", "Title", Span.trusted(12, 1, 250, 12, 1, 250))


def _both_ways(body: str) -> tuple[dict | None, dict | ParseError]:
    """The article built from `body` by the scanner (None when it declines) and by the grammar."""
    body = body if body.endswith("\n") else body + "\n"
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
        assert article == _article(), "a scanner that declines must leave the unit untouched"
        return None, reference
    tree.finish()
    return article.model_dump(), reference


def test_paragraphs_and_text_blocks_read_as_the_grammar_reads_them():
    body = ("  Each Party shall:\n\n1. accord treatment;\n   continued here\n(a) no less favourable\n"
            "Article 5 applies.\n---\n2.\n   text under a bare marker\n(ii)\n")
    scanned, reference = _both_ways(body)
    assert scanned is not None
    assert scanned == reference
    article = scanned
    assert article["text"] == "Each Party shall:"
    assert [(u["number"], u["text"]) for u in article["children"]] == [
        ("1.", "accord treatment;\n   continued here"), ("2.", "text under a bare marker")]
    first = article["children"][0]
    assert [(u["number"], u["text"]) for u in first["children"]] == [
        ("(a)", "no less favourable\nArticle 5 applies.\n---")]
    assert article["children"][1]["children"][0]["number"] == "(ii)"
    assert first["span"]["start_line"] == 12 + 2  # shifted by SHIFT's line0


@pytest.mark.parametrize("body", [
    "1. text\n@tags isds\n", "@note a reviewer's note\n", "(a) // a comment\n", "text\n  // comment\n",
    "(b)@tags isds\n", "@unknown line\n",
])
def test_markup_is_left_to_the_grammar(body):
    scanned, _ = _both_ways(body)
    assert scanned is None


def test_every_corpus_document_as_plain_body():
    compared = 0
    for path in sorted(CORPUS.glob("*.treaty")):
        plain = strip_to_plain_text(path.read_text(encoding="utf-8"))
        scanned, reference = _both_ways(plain)
        assert scanned is not None, path.name
        assert scanned == reference, path.name
        compared += 1
    assert compared >= 6


def test_every_tota_article_body(tota_dir):
    bodies = scanned_bodies = 0
    for path in sorted(tota_dir.glob("pta_*.xml")):
        reader = _ToTAReader(str(path), path.read_bytes())
        reader.read()
        for text, start in reader.article_texts:
            if start is None or not text.strip():
                continue
            bodies += 1
            scanned, reference = _both_ways(text)
            if scanned is not None:
                scanned_bodies += 1
                assert scanned == reference, f"{path.name}: {text[:200]!r}"
    print(f"\nbody scanner: {scanned_bodies} of {bodies} ToTA article bodies read without Lark")
    assert scanned_bodies >= 0.99 * bodies


LINE_STARTS = ["", "", "", "1.", "12.", "2)", "(3)", "(a)", "b)", "(ii)", "(xiv)", "(aa)", "1.5", "@tags isds",
               "@note", "@x", "//", "---", "Article 5", "Article 10.9: Title", "Party", "Capital", "Section",
               "Title", "ANNEX", "\\", "-", "é", "“", "1995."]
WORDS = ["", "shall", "not", "(a)", "1.", "@", "//", "Article", "---", "x", "é"]
SPACES = ["", " ", "  ", "\t", "\xa0", "\r", "\u2003", "\x0c"]


@st.composite
def body_line(draw) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), max_size=4))
    return (draw(st.sampled_from(SPACES)) + draw(st.sampled_from(LINE_STARTS)) + draw(st.sampled_from(SPACES))
            + " ".join(words) + draw(st.sampled_from(SPACES)))


@settings(max_examples=400, deadline=None)
@given(st.lists(body_line(), min_size=1, max_size=8).map("\n".join))
def test_generated_bodies(body):
    scanned, reference = _both_ways(body)
    if scanned is not None:
        assert scanned == reference
