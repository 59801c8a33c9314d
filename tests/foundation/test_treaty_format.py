"""The annotated treaty format: structure, annotations and plain PDF-style text."""

from __future__ import annotations

import datetime as dt

import pytest

from policyspace.model import AnnotationKind, Family, TreatyType, UnitKind
from policyspace.treaty_parser import parse_treaty

ANNOTATED = """\
---
title: Agreement between A and B
parties: ZMB, deu
type: BIT
date: 2024-03-15
language: en
negotiating_round: 3
---
// reviewer comment: ignored
The Parties, desiring to promote investment,

CHAPTER TEN: INVESTMENT
Section A: Investment
@tags local-content, safeguard
@note Goes beyond TRIMs.
Article 10.9: Performance Requirements
1. No Party may impose or enforce any requirement:
  (a) to export a given level of goods;
  (h) to transfer technology;
  (i) to appoint nationals, where
     (i) the enterprise is listed;
     (ii) it is majority owned;
2. Article 10.9 applies to all investments.
@suppress ISDS001, LC002: accepted in round 2
Article 10.10: Investor-State Dispute Settlement
Each Party consents.
"""


@pytest.fixture(scope="module")
def treaty():
    return parse_treaty(ANNOTATED, "draft.treaty")


def test_header_becomes_metadata(treaty):
    meta = treaty.meta
    assert meta.title == "Agreement between A and B"
    assert meta.parties == ["ZMB", "DEU"]
    assert meta.type is TreatyType.BIT
    assert meta.date_signed == dt.date(2024, 3, 15)
    assert meta.language == "en"
    assert meta.extra == {"negotiating_round": "3"}


def test_text_before_the_first_heading_is_the_preamble(treaty):
    preamble = treaty.units[0]
    assert preamble.kind is UnitKind.PREAMBLE
    assert preamble.text == "The Parties, desiring to promote investment,"


def test_headings_nest_by_rank(treaty):
    chapter = treaty.units[1]
    assert (chapter.kind, chapter.number, chapter.title) == (UnitKind.CHAPTER, "TEN", "INVESTMENT")
    section = chapter.children[0]
    assert (section.kind, section.number, section.title) == (UnitKind.SECTION, "A", "Investment")
    articles = section.children
    assert [(a.number, a.title) for a in articles] == [
        ("10.9", "Performance Requirements"),
        ("10.10", "Investor-State Dispute Settlement"),
    ]


def test_paragraph_levels_and_the_letter_i_after_h(treaty):
    article = treaty.units[1].children[0].children[0]
    para1, para2 = article.children
    assert [c.number for c in para1.children] == ["(a)", "(h)", "(i)"]
    assert all(c.kind is UnitKind.SUBPARAGRAPH for c in para1.children)
    letter_i = para1.children[2]
    assert [(c.kind, c.number) for c in letter_i.children] == [(UnitKind.ITEM, "(i)"), (UnitKind.ITEM, "(ii)")]
    # a cross-reference at the start of a line is text, not a new article
    assert para2.text == "Article 10.9 applies to all investments."


def test_annotations_attach_to_the_unit_that_follows(treaty):
    article = treaty.units[1].children[0].children[0]
    assert article.tags == {Family.LOCAL_CONTENT, Family.SAFEGUARD}
    assert [a.text for a in article.annotations if a.kind is AnnotationKind.NOTE] == ["Goes beyond TRIMs."]
    isds_article = treaty.units[1].children[0].children[1]
    (suppression,) = isds_article.annotations
    assert suppression.kind is AnnotationKind.SUPPRESS
    assert suppression.rule_ids == ["ISDS001", "LC002"]
    assert suppression.text == "accepted in round 2"


def test_spans_point_at_the_source(treaty):
    article = treaty.units[1].children[0].children[0]
    assert article.span.start_line == 16 and article.span.start_column == 1
    para = article.children[0]
    assert para.text_span.start_line == 17
    assert para.text_span.start_column == 4  # after "1. "
    assert ANNOTATED[para.text_span.start_offset :].startswith("No Party may impose")
    letter_h = para.children[1]
    assert ANNOTATED[letter_h.text_span.start_offset : letter_h.text_span.end_offset] == "to transfer technology;"


PDF_TEXT = """\
CHAPTER TEN
INVESTMENT

ARTICLE 5
Scope
1. This Chapter applies to measures adopted or maintained by a Party relating to
investors of the other Party, as set out in
Article XX of the GATT 1994 and
Article 29.
(a) investments;

Article 10.9 Performance Requirements
No Party may impose the following.
Article 10.9 applies to all investments.
Artículo 3: Trato Nacional
"""


def test_plain_text_from_a_pdf_parses_into_the_same_structure():
    treaty = parse_treaty(PDF_TEXT, "copied.txt", source_format="text")
    chapter = treaty.units[0]
    assert (chapter.kind, chapter.number, chapter.title) == (UnitKind.CHAPTER, "TEN", None)
    assert chapter.text == "INVESTMENT"
    assert [(a.number, a.title) for a in treaty.articles()] == [
        ("5", None),
        ("10.9", "Performance Requirements"),
        ("3", "Trato Nacional"),
    ]
    article5 = treaty.articles()[0]
    assert article5.text == "Scope"
    para = article5.children[0]
    assert "Article XX of the GATT 1994 and\nArticle 29." in para.text
    assert para.children[0].number == "(a)"


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Article 5", ("5", None)),
        ("ARTICLE 7.2: Scope", ("7.2", "Scope")),
        ("Article 10.9 - Performance Requirements", ("10.9", "Performance Requirements")),
        ("Article 1bis: Other", ("1bis", "Other")),
        ("Article 25 bis", ("25 bis", None)),
        ("Article I. General Exceptions", ("I", "General Exceptions")),
        ("Article 3 (Definitions)", ("3", "(Definitions)")),
        ("Annex 10-A: Customary International Law", ("10-A", "Customary International Law")),
        ("Article [140 (A)]: Odd number", ("140 (A)", "Odd number")),
        ("Article []", (None, None)),
        ("Article: Preamble", (None, "Preamble")),
        # Spanish legal style: an ordinal sign after the number, ".-" before the title
        ("ARTÍCULO 1°", ("1", None)),
        ("Artículo 2º: Definiciones", ("2", "Definiciones")),
        ("Artículo 4.- Ámbito de aplicación", ("4", "Ámbito de aplicación")),
    ],
)
def test_heading_forms(line, expected):
    (unit,) = parse_treaty(line + "\ntext\n").units
    assert (unit.number, unit.title) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Article 10.9 applies to this Chapter.",
        "Article XX of the GATT 1994 is incorporated.",
        "Article 13.12, by delivering a written request.",
        "Article 43. It shall act after consulting the Parliament.",
        "Annex 2-A, it does not allocate any portion.",
        "Article III:2 of GATT 1994 in respect of like goods",
        "Title: voice telephone services",
        "\\Article 5",
        # a run-on article sentence after ".-" is not a title
        "Artículo 3.- El presente Acuerdo se aplicará a las inversiones existentes",
    ],
)
def test_lines_that_only_look_like_headings_stay_text(line):
    treaty = parse_treaty("Article 1\n" + line + "\n")
    assert len(treaty.articles()) == 1
    assert line.lstrip("\\") in treaty.articles()[0].text


def test_escaped_markup_lines_are_text_without_the_backslash():
    treaty = parse_treaty("Article 1\n\\@not an annotation\n\\(a) not a paragraph\n")
    article = treaty.articles()[0]
    assert article.children == []
    assert article.text == "@not an annotation\n(a) not a paragraph"


def test_trailing_annotations_belong_to_the_document():
    treaty = parse_treaty("Article 1\ntext\n@note reviewed by legal\n")
    assert [a.text for a in treaty.annotations] == ["reviewed by legal"]
