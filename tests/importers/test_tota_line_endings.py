"""ToTA XML with old Mac line endings (a lone carriage return) imports, with spans into the file.

Expat counts a lone CR as a line break; the importer once looked up expat's line numbers in a
table of LF lines and failed with an IndexError on such a file.
"""

from __future__ import annotations

from policyspace.importers import load_bytes

XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\r<treaty>\r<meta>\r<name>Test Agreement</name>\r</meta>\r'
    '<body>\r<chapter number="CHAPTER 1" name="General">\r<article number="ARTICLE 1" name="Scope">\r'
    "1. Each Party shall publish its laws.\r2. Each Party shall respond to questions.\r"
    "</article>\r</chapter>\r</body>\r</treaty>\r"
)


def test_cr_line_endings_import_with_text_spans_into_the_file():
    treaty = load_bytes("cr.xml", XML.encode("utf-8"))
    [article] = treaty.articles()
    paragraphs = article.children
    assert [p.text for p in paragraphs] == ["Each Party shall publish its laws.",
                                            "Each Party shall respond to questions."]
    for paragraph in paragraphs:
        span = paragraph.text_span
        assert XML[span.start_offset : span.end_offset] == paragraph.text
