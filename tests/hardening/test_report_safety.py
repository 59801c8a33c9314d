"""Arbitrary text in a treaty can never inject markup into a report, a formula into a spreadsheet,
or be altered in JSON and SARIF."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyspace.emitter import emit
from policyspace.model import Annotation, AnnotationKind, Treaty, TreatyMeta, Unit, UnitKind
from policyspace.report import build_report
from policyspace.rules import check_treaty, load_ruleset
from policyspace.treaty_parser import parse_treaty
from policyspace.writers import render_report

HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "=HYPERLINK(\"http://x\")",
           "+1+1", "-2", "@SUM(A1)", "\t=1", "&amp;", "</style>", "<!--", "]]>", "{{ 7*7 }}", "'\"", "\u202e"]
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12)), min_size=1, max_size=4).map(
    "".join
)
single_line = hostile_text.map(lambda s: " ".join(s.split()) or "x")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


def _treaty(title: str, heading: str, clause: str, note: str) -> Treaty:
    article = Unit(
        kind=UnitKind.ARTICLE, number="1", title=heading,
        text=f"{clause}\nNo Party may adopt or maintain any duty, tax or other charge on the export of any good. {clause}",
        annotations=[Annotation(kind=AnnotationKind.NOTE, text=note)],
    )
    treaty = Treaty(meta=TreatyMeta(title=title, parties=["COD", "DEU"]), units=[article])
    return parse_treaty(emit(treaty), "hostile.treaty")  # through the file format: real spans


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(single_line, single_line, hostile_text, single_line)
def test_hostile_text_is_escaped_kept_and_neutralised(title, heading, clause, note):
    treaty = _treaty(title, heading, clause, note)
    findings = check_treaty(treaty, load_ruleset())
    report = build_report(treaty, findings, load_ruleset(), perspective="COD")
    assert findings, "the export-duty clause must produce a finding for this test to mean anything"

    page = render_report(report, "html")
    parser = _Tags()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert parser.handlers == []

    data = json.loads(render_report(report, "json"))
    assert data["document"]["title"] == title  # lossless, character for character
    reported = [f for family in data["families"] for f in family["findings"]]
    assert reported and all(f["notes"] == [note] for f in reported)

    for row in csv.reader(io.StringIO(render_report(report, "csv"))):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell

    sarif = json.loads(render_report(report, "sarif"))
    results = sarif["runs"][0]["results"]
    assert len(results) == len(findings)
    excerpts = {f.excerpt for f in findings}
    assert all(r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"] in excerpts for r in results)
