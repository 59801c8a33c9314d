"""The machinery under the command: worker crashes and hangs, the parse cache, resume, Dask."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scan_support import SAMPLES, table_bytes

from policyspace.scanning import ScanOptions, run_scan
from policyspace.scanning.analysis import Analyser


class _Misbehaving(Analyser):
    """The real rules, except for documents whose name says to crash or hang the worker."""

    def __init__(self, version: str = "misbehaving") -> None:
        from policyspace.rules import load_ruleset

        super().__init__(load_ruleset())
        self.version = version

    def analyse(self, treaty):  # type: ignore[no-untyped-def]
        name = Path(treaty.source.path).name if treaty.source else ""
        if name.startswith("crash"):
            os._exit(3)
        if name.startswith("hang"):
            time.sleep(60)
        return super().analyse(treaty)


def _options(paths: list[Path], out: Path, **extra: object) -> ScanOptions:
    return ScanOptions(paths=[str(p) for p in paths], outdir=out, **extra)  # type: ignore[arg-type]


def test_a_worker_that_dies_or_hangs_costs_one_document(good_corpus: Path, tmp_path: Path) -> None:
    sample = SAMPLES[0].read_text(encoding="utf-8")
    (good_corpus / "crash-me.treaty").write_text(sample, encoding="utf-8")
    (good_corpus / "hang-me.treaty").write_text(sample + "\n// differs\n", encoding="utf-8")
    started = time.monotonic()
    summary = run_scan(_options([good_corpus], tmp_path / "out", jobs=2, timeout=2.0), analyser=_Misbehaving())
    assert time.monotonic() - started < 30
    assert summary.stats is not None
    errors = {Path(e["file"]).name: e for e in summary.stats.errors}
    assert set(errors) == {"crash-me.treaty", "hang-me.treaty"}
    assert errors["crash-me.treaty"]["kind"] == "crash" and "exited with status 3" in errors["crash-me.treaty"]["message"]
    assert errors["hang-me.treaty"]["kind"] == "timeout" and "2 s" in errors["hang-me.treaty"]["message"]
    assert summary.failed == 2 and summary.stats.documents == len(SAMPLES) + 2


def test_a_rule_change_re_evaluates_without_re_parsing(good_corpus: Path, tmp_path: Path, monkeypatch) -> None:
    """Parsed documents are cached by content: a new ruleset version only re-runs the rules."""
    from policyspace import importers

    parses = tmp_path / "parses.log"
    real = importers.load_bytes

    def counting(path: str, data: bytes):  # type: ignore[no-untyped-def]
        with open(parses, "a") as log:  # workers are forked: count in a file
            log.write(path + "\n")
        return real(path, data)

    monkeypatch.setattr(importers, "load_bytes", counting)
    first = run_scan(_options([good_corpus], tmp_path / "v1", jobs=2), analyser=_Misbehaving("rules-v1"))
    assert first.scanned == len(SAMPLES)
    assert len(parses.read_text().splitlines()) == len(SAMPLES)
    second = run_scan(_options([good_corpus], tmp_path / "v2", jobs=2), analyser=_Misbehaving("rules-v2"))
    assert second.scanned == len(SAMPLES) and second.cached == 0  # new rules: every result recomputed
    assert len(parses.read_text().splitlines()) == len(SAMPLES)  # ... from the cached documents
    assert table_bytes(tmp_path / "v1") == table_bytes(tmp_path / "v2")


def _many_documents(folder: Path, copies: int) -> Path:
    """Distinct documents (so the scan takes a few seconds and the cache cannot shortcut it)."""
    folder.mkdir()
    for i in range(copies):
        for sample in SAMPLES:
            text = sample.read_text(encoding="utf-8")
            (folder / f"{sample.stem}-{i:03d}.treaty").write_text(f"{text}\n// copy {i}\n", encoding="utf-8")
    return folder


def _journal_records(out: Path) -> int:
    journal = out / "scan-journal.jsonl"
    return max(0, journal.read_bytes().count(b"\n") - 1) if journal.exists() else 0


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["kill", "kill-9"])
def test_killed_scan_resumes_to_identical_tables(tmp_path: Path, how: signal.Signals) -> None:
    corpus = _many_documents(tmp_path / "corpus", copies=8)
    total = len(list(corpus.iterdir()))
    command = [sys.executable, "-m", "policyspace", "scan", str(corpus), "-q", "--jobs", "2", "--no-cache"]
    whole = tmp_path / "whole"
    assert subprocess.run([*command, "-o", str(whole)], capture_output=True, check=False).returncode == 0

    killed = tmp_path / "killed"
    process = subprocess.Popen([*command, "-o", str(killed)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while _journal_records(killed) < 5 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    process.send_signal(how)
    _, stderr = process.communicate(timeout=60)
    done = _journal_records(killed)
    assert 0 < done < total, "the scan should have been killed halfway"
    assert not (killed / "treaties.csv").exists()  # tables only appear when a scan completes
    if how == signal.SIGTERM:
        assert process.returncode == 130 and b"--resume" in stderr
        assert b"Traceback" not in stderr
    else:
        time.sleep(0.5)  # orphaned workers notice their parent is gone and exit
        with open(killed / "scan-journal.jsonl", "ab") as journal:
            journal.write(b'{"file": "cut short by the kill')  # a torn last line is survived too

    resumed = subprocess.run([*command, "-o", str(killed), "--resume"], capture_output=True, check=False)
    assert resumed.returncode == 0, resumed.stderr
    assert table_bytes(killed) == table_bytes(whole)
    records = _journal_records(killed)
    assert records == total  # nothing scanned twice: the resumed run appended only the rest


def test_resume_rescans_a_file_changed_since(good_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_scan(_options([good_corpus], out, jobs=1, use_cache=False))
    target = min(good_corpus.glob("*.treaty"))
    target.write_text(target.read_text(encoding="utf-8") + "\n// revised\n", encoding="utf-8")
    summary = run_scan(_options([good_corpus], out, jobs=1, use_cache=False, resume=True))
    assert (summary.resumed, summary.scanned) == (len(SAMPLES) - 1, 1)


def test_dask_engine_gives_the_same_tables_as_the_local_engine(mixed_corpus: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed", reason="Dask tests need the extra: pip install 'policyspace[dask]'")
    local, remote = tmp_path / "local", tmp_path / "dask"
    run_scan(_options([mixed_corpus], local, jobs=2, use_cache=False, formats=["csv", "jsonl"]))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        summary = run_scan(_options([mixed_corpus], remote, engine="dask", scheduler=cluster.scheduler_address,
                                    use_cache=False, formats=["csv", "jsonl"]))
    assert summary.scanned == len(SAMPLES) + 4 and summary.failed == 4
    assert table_bytes(local) == table_bytes(remote)


def test_dask_scheduler_that_cannot_be_reached_is_a_clear_error(run_cli, good_corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="Dask tests need the extra: pip install 'policyspace[dask]'")
    status, _, stderr = run_cli("scan", str(good_corpus), "-o", str(tmp_path / "out"), "--engine", "dask",
                                "--scheduler", "tcp://127.0.0.1:9", "--no-cache")
    assert status == 2 and "cannot connect to the Dask scheduler at tcp://127.0.0.1:9" in stderr


def test_dask_without_a_scheduler_starts_and_stops_its_own_cluster(run_cli, good_corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="Dask tests need the extra: pip install 'policyspace[dask]'")
    local, remote = tmp_path / "local", tmp_path / "dask"
    assert run_cli("scan", str(good_corpus), "-o", str(local), "-q", "--no-cache")[0] == 0
    status, _, stderr = run_cli("scan", str(good_corpus), "-o", str(remote), "-q", "--no-cache",
                                "--engine", "dask", "--jobs", "1")
    assert status == 0, stderr
    assert table_bytes(local) == table_bytes(remote)


def test_disk_full_stops_with_a_clear_message_and_resume_completes(
    run_cli, good_corpus: Path, tmp_path: Path, monkeypatch
) -> None:
    import errno

    from policyspace.scanning.journal import Journal

    whole, full = tmp_path / "whole", tmp_path / "full"
    assert run_cli("scan", str(good_corpus), "-o", str(whole), "-q", "--no-cache")[0] == 0
    real_write = Journal._write
    written = []

    def fills_up(self: Journal, line: bytes) -> None:
        if len(written) >= 4:  # the header and three documents fit; then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(line)
        real_write(self, line)

    monkeypatch.setattr(Journal, "_write", fills_up)
    status, _, stderr = run_cli("scan", str(good_corpus), "-o", str(full), "-q", "--no-cache", "--jobs", "1")
    assert status == 2
    assert "No space left on device" in stderr and "--resume" in stderr and "Traceback" not in stderr
    assert not (full / "treaties.csv").exists()
    monkeypatch.setattr(Journal, "_write", real_write)
    status, _, _ = run_cli("scan", str(good_corpus), "-o", str(full), "-q", "--no-cache", "--resume")
    assert status == 0
    assert table_bytes(full) == table_bytes(whole)


class _DeletesAnother(_Misbehaving):
    """Deletes a document the scan has found but not read yet: files vanish during long scans."""

    def __init__(self, victim: Path) -> None:
        super().__init__("deletes-another")
        self.victim = victim

    def analyse(self, treaty):  # type: ignore[no-untyped-def]
        self.victim.unlink(missing_ok=True)
        return super().analyse(treaty)


def test_a_file_deleted_during_the_scan_is_an_error_row(good_corpus: Path, tmp_path: Path) -> None:
    victim = min(good_corpus.rglob("*.treaty"), key=lambda p: p.stat().st_size)  # smallest: read last
    summary = run_scan(_options([good_corpus], tmp_path / "out", jobs=1, use_cache=False),
                       analyser=_DeletesAnother(victim))
    assert summary.stats is not None
    assert [(e["file"], e["kind"]) for e in summary.stats.errors] == [(str(victim), "input")]
    assert "disappeared" in summary.stats.errors[0]["message"]


def test_a_file_that_cannot_be_read_is_an_error_row_and_the_rest_are_scanned(
    good_corpus: Path, tmp_path: Path, monkeypatch
) -> None:
    # CI runs as root, where permission bits do not stop reading: refuse the read itself. The
    # worker processes are forked from this one, so they inherit the patch.
    victim = sorted(good_corpus.rglob("*.treaty"))[0]
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == victim.name:
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    summary = run_scan(_options([good_corpus], tmp_path / "out", jobs=2, use_cache=False))
    assert summary.stats is not None
    assert [(e["file"], e["kind"]) for e in summary.stats.errors] == [(str(victim), "input")]
    assert "permission denied" in summary.stats.errors[0]["message"]
    scanned = (tmp_path / "out" / "treaties.csv").read_text(encoding="utf-8")
    assert all(p.name in scanned for p in good_corpus.rglob("*.treaty"))


def test_work_is_handed_out_biggest_document_first(tmp_path: Path) -> None:
    from policyspace.scanning.runner import largest_first

    small, big, medium = tmp_path / "a.treaty", tmp_path / "b.treaty", tmp_path / "c.treaty"
    small.write_text("x")
    big.write_text("x" * 300)
    medium.write_text("x" * 20)
    missing = str(tmp_path / "gone.treaty")  # unreadable files keep a turn, at the end
    assert largest_first([str(small), missing, str(big), str(medium)]) == [str(big), str(medium), str(small), missing]
