"""Plain text: a heading with no body (a table of contents, a stray heading) opens no unit."""

from __future__ import annotations

from policyspace.emitter import emit
from policyspace.treaty_parser import parse_treaty

CONTENTS = """AGREEMENT ON TRADE IN RAW MATERIALS

Article 1 Definitions
Article 2 Export Duties
Article 3 Final Provisions

Article 1 Definitions
For the purposes of this Agreement, "export duty" means any duty levied on exports.

Article 2 Export Duties
1. Neither Party shall adopt or maintain any duty on the export of goods.

Article 3 Final Provisions
This Agreement shall enter into force on the sixtieth day after signature.
"""


def test_a_table_of_contents_is_text_not_articles():
    treaty = parse_treaty(CONTENTS, "draft.txt", source_format="text")
    articles = treaty.articles()
    assert [a.label for a in articles] == ["Article 1", "Article 2", "Article 3"]
    assert articles[1].children[0].text.startswith("Neither Party shall adopt")
    # the contents lines are kept, as text before the first article
    assert "Article 2 Export Duties" in treaty.units[0].text


def test_a_stray_heading_before_a_chapter_heading_is_kept_as_text():
    text = "Article 41\nThe Parties shall review this Agreement.\nARTICLE 42\n\nChapter 9 Final Provisions\nArticle 43\nThis Agreement is done in two originals.\n"
    treaty = parse_treaty(text, "draft.txt", source_format="text")
    assert [a.label for a in treaty.articles()] == ["Article 41", "Article 43"]
    assert treaty.articles()[0].text.endswith("ARTICLE 42")


def test_an_empty_article_in_the_annotated_format_survives_a_round_trip():
    text = "Article 1\nArticle 2\nThe Parties shall cooperate.\n"
    treaty = parse_treaty(text, "draft.treaty")
    assert [a.label for a in treaty.articles()] == ["Article 1", "Article 2"]
    assert parse_treaty(emit(treaty)).content_dump() == treaty.content_dump()
