"""The HTML report in a real browser: headless Chromium opens it, the console stays clean (the
page's Content-Security-Policy would report any injected script or outside resource there), the
finding count shown equals the JSON's, and a screenshot is saved under test-output/ for review.

Needs Chromium (Debian: `apt-get install chromium`; or set POLICYSPACE_CHROMIUM to a binary);
skipped with that message when none is installed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .chromium import Chromium, find_browser

REPO = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("POLICYSPACE_TEST_OUTPUT", REPO / "test-output")) / "reports"
CORPUS = sorted((REPO / "corpus").glob("*.treaty"))

COUNTS_JS = """JSON.stringify({
  articles: document.querySelectorAll('article.finding').length,
  shown: document.querySelector('#finding-count .count').textContent.trim(),
  data: document.getElementById('finding-count').dataset.count,
  scripts: document.querySelectorAll('script, img, iframe, object, embed').length,
  title: document.title
})"""


@pytest.fixture(scope="module")
def browser():
    binary = find_browser()
    if binary is None:
        pytest.skip("no Chromium found: install Debian's `chromium` (CI does) or set POLICYSPACE_CHROMIUM")
    with Chromium(binary) as chromium:
        yield chromium


def check_in_browser(browser: Chromium, html_path: Path, report_json: dict, shot_name: str) -> dict:
    page = browser.open(html_path, width=1200, height=1400)
    try:
        counts = json.loads(page.evaluate(COUNTS_JS))
        errors = page.console_errors()
        page.screenshot(SHOTS / f"{shot_name}-top.png", full_page=False)  # what a reader sees first
        page.screenshot(SHOTS / f"{shot_name}.png")
    finally:
        page.close()
    assert errors == [], f"console errors in {html_path.name}: {errors}"
    expected = report_json["summary"]["findings"]
    in_json = sum(len(s["findings"]) for s in report_json["families"]) + len(report_json["safeguards"]["findings"])
    assert expected == in_json
    assert counts["articles"] == expected, counts
    assert counts["shown"] == str(expected) and counts["data"] == str(expected)
    assert counts["scripts"] == 0
    assert (SHOTS / f"{shot_name}.png").stat().st_size > 10_000
    return counts


def write_both(report, folder: Path) -> tuple[Path, dict]:
    from policyspace.writers import write_report

    write_report(report, "html", folder / "r.html")
    write_report(report, "json", folder / "r.json")
    return folder / "r.html", json.loads((folder / "r.json").read_text(encoding="utf-8"))


def test_the_browser_check_catches_console_errors_and_blocked_loads(browser, tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!doctype html><meta http-equiv='Content-Security-Policy' content=\"default-src 'none'\">"
        "<p>x</p><script>console.error('boom')</script><img src='http://example.invalid/x.png' alt=''>",
        encoding="utf-8",
    )
    page = browser.open(bad)
    errors = page.console_errors()
    page.close()
    assert any("inline script" in e for e in errors) and any("example.invalid" in e for e in errors)


def test_the_sample_report_renders_cleanly(browser, sample_report, tmp_path):
    html, data = write_both(sample_report, tmp_path)
    check_in_browser(browser, html, data, "sample")


def test_an_injection_attempt_renders_as_text(browser, stub_ruleset, tmp_path):
    from policyspace.findings import Finding
    from policyspace.report import build_report
    from policyspace.treaty_parser import parse_treaty

    from .test_writers import EVIL, IMG, SCRIPT

    treaty = parse_treaty(EVIL, "evil.treaty")
    finding = Finding(rule_id="EXP001", family="export-restriction", severity="high", title=f"Ban {SCRIPT}",
                      message=IMG, excerpt=f"export duty {IMG} {SCRIPT}", unit_path=[f"Article 1: {SCRIPT}"],
                      start_offset=EVIL.index("Neither"), start_line=7, start_column=4)
    html, data = write_both(build_report(treaty, [finding], ruleset=stub_ruleset), tmp_path)
    counts = check_in_browser(browser, html, data, "injection")
    assert SCRIPT in counts["title"]  # the title shows the payload as text


@pytest.fixture(scope="module")
def engine():
    from policyspace.rules import check_treaty, load_ruleset

    return check_treaty, load_ruleset()


@pytest.mark.parametrize("source", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_reports_render_cleanly(browser, engine, tmp_path, source):
    from policyspace.importers import load_document
    from policyspace.report import build_report

    check_treaty, ruleset = engine
    treaty = load_document(source)
    html, data = write_both(build_report(treaty, check_treaty(treaty, ruleset), ruleset=ruleset), tmp_path)
    check_in_browser(browser, html, data, source.stem)


def test_a_tota_treaty_report_renders_cleanly(browser, engine, tmp_path, tota_dir):
    from policyspace.importers import load_document
    from policyspace.report import build_report

    check_treaty, ruleset = engine
    treaty = load_document(tota_dir / "pta_442.xml")
    report = build_report(treaty, check_treaty(treaty, ruleset), ruleset=ruleset, perspective="HND")
    html, data = write_both(report, tmp_path)
    counts = check_in_browser(browser, html, data, "pta_442")
    assert counts["articles"] > 0
