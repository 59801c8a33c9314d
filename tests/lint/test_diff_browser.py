"""The HTML diff in a real browser (headless Chromium, via the report tests' driver): the
console stays clean under the page's Content-Security-Policy, the counts shown equal the JSON's,
and a screenshot is saved under test-output/diff/ for review. Skipped when no Chromium is found.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("POLICYSPACE_TEST_OUTPUT", REPO / "test-output")) / "diff"
PAIRS = [
    ("draft-2024-round3.treaty", "draft-2024-round4.treaty"),
    ("bit-ghana-netherlands-v1.treaty", "bit-ghana-netherlands-v2.treaty"),
]

COUNTS_JS = """JSON.stringify({
  cards: document.querySelectorAll('article.finding').length,
  added: document.getElementById('finding-count').dataset.added,
  removed: document.getElementById('finding-count').dataset.removed,
  changed: document.getElementById('finding-count').dataset.changed,
  inserted: document.querySelectorAll('.word-diff ins').length,
  active: document.querySelectorAll('script, img, iframe, object, embed').length
})"""


@pytest.fixture(scope="module")
def browser():
    try:
        from reports.chromium import Chromium, find_browser  # tests/reports: the report tests' driver
    except ImportError:
        pytest.skip("the Chromium driver of tests/reports is not available")
    binary = find_browser()
    if binary is None:
        pytest.skip("no Chromium found: install Debian's `chromium` (CI does) or set POLICYSPACE_CHROMIUM")
    with Chromium(binary) as chromium:
        yield chromium


@pytest.mark.parametrize("old, new", PAIRS)
def test_html_diff_renders_cleanly_and_matches_the_json(browser, run_cli, tmp_path: Path, old: str, new: str) -> None:
    html = tmp_path / "diff.html"
    args = ["diff", "--isolated", str(REPO / "corpus" / old), str(REPO / "corpus" / new)]
    assert run_cli(*args, "--format", "html", "-o", str(html))[0] == 0
    summary = json.loads(run_cli(*args, "--format", "json")[1])["summary"]
    page = browser.open(html, width=1100, height=1400)
    try:
        counts = json.loads(page.evaluate(COUNTS_JS))
        errors = page.console_errors()
        shot = SHOTS / f"{Path(new).stem}.png"
        page.screenshot(shot)
    finally:
        page.close()
    assert errors == []
    assert counts["active"] == 0
    assert (int(counts["added"]), int(counts["removed"]), int(counts["changed"])) == (
        summary["findings_added"], summary["findings_removed"], summary["findings_changed"]
    )
    assert counts["cards"] == summary["findings_added"] + summary["findings_removed"] + summary["findings_changed"]
    assert counts["inserted"] > 0
    assert shot.stat().st_size > 10_000
