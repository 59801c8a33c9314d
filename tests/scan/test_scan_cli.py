"""policyspace scan through its command line: outputs, exit statuses, errors, determinism."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from scan_support import SAMPLES, read_csv, table_bytes


def test_scan_writes_tables_report_and_manifest(run_cli, good_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    status, stdout, _ = run_cli("scan", str(good_corpus), "-o", str(out), "--jobs", "2")
    assert status == 0
    for name in ("treaties.csv", "findings.csv", "errors.csv", "treaties.jsonl", "findings.jsonl",
                 "errors.jsonl", "corpus-report.html", "scan.json", "scan-journal.jsonl"):
        assert (out / name).is_file(), name
    treaties = read_csv(out / "treaties.csv")
    assert len(treaties) == len(SAMPLES)
    assert [row["file"] for row in treaties] == sorted(row["file"] for row in treaties)
    assert all(row["status"] == "ok" for row in treaties)
    assert f"{len(SAMPLES)} documents" in stdout
    manifest = json.loads((out / "scan.json").read_text())
    assert manifest["documents"] == len(SAMPLES) and manifest["failed"] == 0


def test_findings_table_matches_the_rules_engine(run_cli, good_corpus: Path, tmp_path: Path) -> None:
    """Every finding of `check_treaty` is one row, with its location, for the right file."""
    from policyspace.importers import load_document
    from policyspace.rules import check_treaty, load_ruleset

    out = tmp_path / "out"
    assert run_cli("scan", str(good_corpus), "-o", str(out), "-q")[0] == 0
    rows = read_csv(out / "findings.csv")
    treaties = {row["file"]: row for row in read_csv(out / "treaties.csv")}
    ruleset = load_ruleset()
    for file, treaty_row in treaties.items():
        expected = check_treaty(load_document(file), ruleset)
        mine = [(r["rule_id"], r["start_offset"]) for r in rows if r["file"] == file]
        assert sorted(mine) == sorted((f.rule_id, "" if f.start_offset is None else str(f.start_offset))
                                      for f in expected)
        counted = [f for f in expected if not f.suppressed and f.severity != "info"]
        assert int(treaty_row["findings"]) == len(counted)
        for family in ("isds", "stabilization", "local-content", "export-restriction", "safeguard"):
            present = any(f.family == family for f in counted)
            assert treaty_row[f"{family.replace('-', '_')}_present"] == ("true" if present else "false")


def test_one_bad_file_never_stops_the_scan(run_cli, mixed_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    status, _, stderr = run_cli("scan", str(mixed_corpus), "-o", str(out), "-q")
    assert status == 1  # documented: some documents failed
    errors = {Path(row["file"]).name: row for row in read_csv(out / "errors.csv")}
    assert set(errors) == {"binary.txt", "empty.treaty", "broken.treaty", "not-tota.xml"}
    assert errors["binary.txt"]["kind"] == "input" and "binary" in errors["binary.txt"]["message"]
    assert errors["empty.treaty"]["kind"] == "input" and "empty" in errors["empty.treaty"]["message"]
    assert errors["broken.treaty"]["kind"] == "parse" and ":3:" in errors["broken.treaty"]["message"]
    treaties = read_csv(out / "treaties.csv")
    assert len(treaties) == len(SAMPLES) + 4  # every file has a row; failed ones say so
    assert sum(row["status"] == "error" for row in treaties) == 4
    assert "4 of" in stderr and "could not be scanned" in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    "args, words",
    [
        (["scan", "corpus"], "-o/--output"),
        (["scan", "corpus", "-o", "OUT", "--jobs", "0"], "at least 1"),
        (["scan", "corpus", "-o", "OUT", "--format", "xlsx"], "unknown table format"),
        (["scan", "corpus", "-o", "OUT", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --engine dask"),
        (["scan", "no/such/folder", "-o", "OUT"], "no such file or folder"),
        (["scan", "no/such/*.xml", "-o", "OUT"], "no file matches"),
    ],
)
def test_usage_errors_exit_2_with_one_clear_line(run_cli, tmp_path: Path, monkeypatch, args, words) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    status, _, stderr = run_cli(*args)
    assert status == 2
    assert words in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "out").exists()  # nothing is written before the options are checked


def test_folder_without_documents_is_a_usage_error(run_cli, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    status, _, stderr = run_cli("scan", str(tmp_path / "empty"), "-o", str(tmp_path / "out"))
    assert status == 2 and "no documents found" in stderr


def test_tables_identical_whatever_the_jobs_and_cache(run_cli, mixed_corpus: Path, tmp_path: Path) -> None:
    runs = {
        "one-job-no-cache": ["--jobs", "1", "--no-cache"],
        "two-jobs": ["--jobs", "2"],
        "two-jobs-from-cache": ["--jobs", "2"],
    }
    tables = {}
    for name, extra in runs.items():
        out = tmp_path / name
        assert run_cli("scan", str(mixed_corpus), "-o", str(out), "-q", *extra)[0] == 1
        tables[name] = table_bytes(out)
    assert tables["one-job-no-cache"] == tables["two-jobs"] == tables["two-jobs-from-cache"]


def test_second_scan_comes_from_the_cache_and_an_unchanged_folder_is_kept(
    run_cli, good_corpus: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert run_cli("scan", str(good_corpus), "-o", str(first))[0] == 0
    status, stdout, _ = run_cli("scan", str(good_corpus), "-o", str(second))
    assert status == 0 and f"0 scanned, {len(SAMPLES)} from the cache" in stdout
    assert table_bytes(first) == table_bytes(second)
    status, stdout, _ = run_cli("scan", str(good_corpus), "-o", str(second))
    assert "unchanged since the last scan" in stdout
    # A table edited by hand is not "up to date": it is written again.
    (second / "treaties.csv").write_text("edited\n")
    status, stdout, _ = run_cli("scan", str(good_corpus), "-o", str(second))
    assert "unchanged" not in stdout and table_bytes(first) == table_bytes(second)


def test_a_changed_document_is_scanned_again(run_cli, good_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("scan", str(good_corpus), "-o", str(out), "-q")[0] == 0
    target = min(good_corpus.glob("*.treaty"))
    text = target.read_text(encoding="utf-8")
    assert re.search(r"^title: .*$", text, re.MULTILINE)
    target.write_text(re.sub(r"^title: .*$", "title: A retitled draft", text, count=1, flags=re.MULTILINE),
                      encoding="utf-8")
    status, stdout, _ = run_cli("scan", str(good_corpus), "-o", str(out))
    assert status == 0 and "1 scanned" in stdout
    row = next(r for r in read_csv(out / "treaties.csv") if r["file"] == str(target))
    assert row["title"] == "A retitled draft"


def test_csv_neutralises_spreadsheet_formulas(run_cli, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "formula.treaty").write_text("---\ntitle: =HYPERLINK(\"http://x\")\n---\nArticle 1: Scope\n1. Text.\n")
    out = tmp_path / "out"
    assert run_cli("scan", str(folder), "-o", str(out), "-q")[0] == 0
    assert read_csv(out / "treaties.csv")[0]["title"] == "'=HYPERLINK(\"http://x\")"
    row = json.loads((out / "treaties.jsonl").read_text().splitlines()[0])
    assert row["title"] == "=HYPERLINK(\"http://x\")"  # JSON Lines keeps the text as it is


def test_two_scans_into_one_folder_are_refused(run_cli, good_corpus: Path, tmp_path: Path) -> None:
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with open(out / "scan-journal.jsonl", "wb") as held:  # as a running scan holds it
        held.write(b"theirs\n")
        held.flush()
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        status, _, stderr = run_cli("scan", str(good_corpus), "-o", str(out), "--no-cache")
    assert status == 2 and "another policyspace scan is writing into" in stderr
    assert (out / "scan-journal.jsonl").read_bytes() == b"theirs\n"  # left untouched


def _stderr_on_a_terminal(args: list[str]) -> str:
    """Run policyspace with stderr on a pseudo-terminal; return what it drew there."""
    import os
    import subprocess
    import sys

    leader, follower = os.openpty()
    process = subprocess.Popen([sys.executable, "-m", "policyspace", *args], stdout=subprocess.DEVNULL,
                               stderr=follower, env={**os.environ, "COLUMNS": "120", "TERM": "xterm"})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_only_on_a_terminal_and_not_when_quiet(good_corpus: Path, tmp_path: Path) -> None:
    drawn = _stderr_on_a_terminal(["scan", str(good_corpus), "-o", str(tmp_path / "a"), "--no-cache"])
    assert "docs/s" in drawn and "ETA" in drawn
    quiet = _stderr_on_a_terminal(["scan", str(good_corpus), "-o", str(tmp_path / "b"), "--no-cache", "--quiet"])
    assert "docs/s" not in quiet and "ETA" not in quiet
