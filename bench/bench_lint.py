"""Benchmark: `policyspace lint` on one 300 KB draft, wall time including interpreter start-up.

The draft is built from the corpus samples' text (headers dropped, chapters renumbered so
units stay distinct), repeated to the target size. The command is timed with hyperfine when it
is installed, else by repeated subprocess runs; the median is reported against the 250 ms
budget of issue 5.

    python bench/bench_lint.py                 # 300 KB, 15 runs
    python bench/bench_lint.py --kb 600 --runs 30 --importtime --stages
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUDGET_MS = 250.0
_CHAPTER = re.compile(r"^(CHAPTER|Chapter) [^\n:]+", re.MULTILINE)


def build_draft(target_bytes: int) -> str:
    """Corpus treaty text, repeated to `target_bytes`, with one header like a real draft."""
    bodies = []
    for path in sorted((REPO / "corpus").glob("*.treaty")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---"):
            text = text.split("\n---\n", 1)[1]
        bodies.append("\n".join(line for line in text.splitlines() if not line.startswith("//")))
    header = "---\ntitle: Benchmark draft\nparties: GBR, ZMB\ntype: FTA\nlanguage: en\n---\n"
    parts, size, copy = [header], len(header), 0
    while size < target_bytes:
        copy += 1
        for body in bodies:
            # keep each copy's chapters distinct, as in a long agreement
            chunk = _CHAPTER.sub(rf"\g<1> {copy}", body)
            parts.append(f"\nPART {copy}: Copy {copy}\n{chunk}\n")
            size += len(parts[-1].encode("utf-8"))
            if size >= target_bytes:
                break
    return "".join(parts)


def command(draft: Path) -> list[str]:
    return [sys.executable, "-m", "policyspace", "lint", "--isolated", "-q", str(draft)]


def time_with_hyperfine(cmd: list[str], runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "hyperfine.json"
        subprocess.run(
            ["hyperfine", "--warmup", "2", "--runs", str(runs), "--ignore-failure", "--style", "none",
             "--export-json", str(export), " ".join(cmd)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,  # its "non-zero exit" warning
        )
        result = json.loads(export.read_text())["results"][0]
    return {"median_ms": result["median"] * 1000, "min_ms": result["min"] * 1000, "max_ms": result["max"] * 1000}


def time_with_subprocess(cmd: list[str], runs: int) -> dict[str, float]:
    for _ in range(2):  # warm-up: file cache, .pyc files
        subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(samples), "min_ms": min(samples), "max_ms": max(samples)}


def import_times(cmd: list[str], top: int = 12) -> list[tuple[int, str]]:
    """The slowest imports (cumulative microseconds) of one run, from python -X importtime."""
    run = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], check=False, capture_output=True, text=True)
    rows = []
    for line in run.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|(\s*)(\S+)", line)
        if m and len(m.group(2)) <= 3:  # top-level and first-level imports only
            rows.append((int(m.group(1)), m.group(3)))
    return sorted(rows, reverse=True)[:top]


_STAGES = """
import sys, time
t0 = time.perf_counter()
from policyspace.cli import lint as _cli  # noqa: F401  (what `policyspace lint` imports first)
from policyspace import linting
from policyspace.importers import load_document
from policyspace.rules import check_treaty, load_ruleset
t1 = time.perf_counter()
treaty = load_document(sys.argv[1])
t2 = time.perf_counter()
ruleset = load_ruleset()
t3 = time.perf_counter()
ruleset.compiled
t4 = time.perf_counter()
findings = check_treaty(treaty, ruleset)
t5 = time.perf_counter()
result = linting.lint_paths([sys.argv[1]], isolated=True)
linting.format_text(result)
t6 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)
"""
_STAGE_NAMES = ("imports", "parse document", "load rulesets", "compile rules", "run rules",
                "lint_paths + format_text again in the same process (config, parse, rules, output)")


def stage_times(draft: Path, runs: int) -> list[tuple[str, float]]:
    """Median ms per stage, each run in a fresh interpreter (so imports and compilation are cold)."""
    rows = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _STAGES, str(draft)], check=True, capture_output=True, text=True)
        rows.append([float(x) * 1000 for x in out.stdout.split()])
    return [(name, statistics.median(r[i] for r in rows)) for i, name in enumerate(_STAGE_NAMES)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=int, default=300, help="draft size in KB (default 300)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--importtime", action="store_true", help="also list the slowest imports")
    parser.add_argument("--stages", action="store_true", help="also time each stage in a fresh interpreter")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / "draft.treaty"
        draft.write_text(build_draft(args.kb * 1000), encoding="utf-8")
        size_kb = draft.stat().st_size / 1000
        cmd = command(draft)
        status = subprocess.run(cmd, check=False, capture_output=True, text=True)
        if status.returncode not in (0, 1):
            print(f"lint failed (exit {status.returncode}): {status.stderr}", file=sys.stderr)
            return 2
        findings = len(status.stdout.splitlines())
        timer = "hyperfine" if shutil.which("hyperfine") else "subprocess"
        timing = (time_with_hyperfine if timer == "hyperfine" else time_with_subprocess)(cmd, args.runs)
        baseline = time_with_subprocess([sys.executable, "-c", "pass"], 5)["median_ms"]
        print(f"draft: {size_kb:.0f} KB, {findings} findings; timer: {timer}, {args.runs} runs")
        print(f"policyspace lint: median {timing['median_ms']:.0f} ms "
              f"(min {timing['min_ms']:.0f}, max {timing['max_ms']:.0f}); budget {BUDGET_MS:.0f} ms; "
              f"bare interpreter start-up {baseline:.0f} ms")
        if args.stages:
            print("stages (median ms, fresh interpreter each run):")
            for name, ms in stage_times(draft, max(3, args.runs // 3)):
                print(f"  {ms:7.1f}  {name}")
        if args.importtime:
            print("slowest imports (cumulative ms):")
            for micros, name in import_times(cmd):
                print(f"  {micros / 1000:7.1f}  {name}")
        return 0 if timing["median_ms"] <= BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
