"""One compiled ruleset shared by threads (a Dask worker with several threads, a web service)
gives each document the findings it gets alone."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from policyspace.rules import check_treaty, load_ruleset
from policyspace.treaty_parser import parse_treaty

# SAFE001 reads an article's heading: "may regulate" is a right to regulate only under a
# "Right to regulate" heading. Two drafts with the same sentence under different headings.
SENTENCE = "Subject to the provisions of Article 132, each Party may regulate the establishment of legal persons."


def _draft(heading: str) -> str:
    return "\n".join(f"Article {n}: {heading}\n{SENTENCE}\n" for n in range(1, 301))


@pytest.fixture()
def fast_thread_switching():
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter allows
    yield
    sys.setswitchinterval(before)


def test_threads_sharing_a_ruleset_get_the_findings_of_a_single_thread(fast_thread_switching):
    ruleset = load_ruleset()
    kept = parse_treaty(_draft("Right To Regulate"), "kept.treaty")
    other = parse_treaty(_draft("Establishment"), "other.treaty")

    def count(treaty):
        return sum(f.rule_id == "SAFE001" for f in check_treaty(treaty, ruleset))

    assert (count(kept), count(other)) == (300, 0)
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(count, [kept, other] * 8))
    assert together == [300, 0] * 8
