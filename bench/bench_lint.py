"""Benchmark: `policyspace lint` on one 300 KB draft, wall time including interpreter start-up.

The draft is built from the corpus samples' text (headers dropped, chapters renumbered so
units stay distinct), repeated to the target size. The command is timed as a user runs it after
the README's Quickstart: the `policyspace` script of the repository's `.venv` (created here with
the Quickstart's own commands when it is missing), with hyperfine when it is installed, else by
repeated subprocess runs; the median is reported against the 250 ms budget of issue 5.

The Quickstart installs a wheel, not an editable copy: when the working tree has changed since,
the benchmark re-runs the Quickstart's `pip install` (say --no-reinstall to time what is there).

    python bench/bench_lint.py                 # 300 KB, 15 runs, the repository's .venv
    python bench/bench_lint.py --kb 600 --runs 30 --importtime --stages
    python bench/bench_lint.py --python "$(which python)"   # another interpreter, e.g. an editable install
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import re
import shlex
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
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
QUICKSTART_EXTRAS = ".[fast]"  # README's Quickstart: python3 -m venv .venv && .venv/bin/pip install -q ".[fast]"


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


# ---------------------------------------------------------------- the interpreter under test


def quickstart_install(python: Path) -> None:
    """`pip install -q ".[fast]"` from the repository, as the Quickstart does (a wheel, not editable)."""
    run = subprocess.run([str(python), "-m", "pip", "install", "-q", QUICKSTART_EXTRAS], cwd=REPO,
                         check=False, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"pip install {QUICKSTART_EXTRAS} failed:\n{run.stderr[-2000:]}")


def create_venv() -> None:
    """The Quickstart's first two steps: python3 -m venv .venv && .venv/bin/pip install -q ".[fast]"."""
    subprocess.run([shutil.which("python3") or sys.executable, "-m", "venv", str(REPO / ".venv")], check=True)
    quickstart_install(VENV_PYTHON)


def installed_package(python: Path) -> Path:
    """The folder `python` imports policyspace from."""
    run = subprocess.run([str(python), "-c", "import policyspace, os; print(os.path.dirname(policyspace.__file__))"],
                         cwd=tempfile.gettempdir(), check=False, capture_output=True, text=True)  # not the checkout's src/
    if run.returncode != 0:
        raise SystemExit(f"{python} cannot import policyspace:\n{run.stderr[-2000:]}")
    return Path(run.stdout.strip()).resolve()


def stale_files(installed: Path) -> list[str]:
    """Working-tree files (package, grammar, rulesets) that the installed copy lacks or holds otherwise."""
    pairs = [(REPO / "src" / "policyspace", installed), (REPO / "grammar", installed / "_data" / "grammar"),
             (REPO / "rulesets", installed / "_data" / "rulesets")]
    stale = []
    for source, copy in pairs:
        for path in sorted(source.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            target = copy / path.relative_to(source)
            if not target.is_file() or not filecmp.cmp(path, target, shallow=False):
                stale.append(str(path.relative_to(REPO)))
    return stale


def prepare_interpreter(requested: str | None, reinstall: bool) -> tuple[Path, str]:
    """The interpreter to time and one line saying what it runs (and what was done to it)."""
    notes = []
    if requested:
        python = Path(requested)
    elif VENV_PYTHON.exists():
        python = VENV_PYTHON
    else:
        print(f"creating {REPO / '.venv'} as the README's Quickstart does ...", file=sys.stderr)
        create_venv()
        python, notes = VENV_PYTHON, ["venv created by this run"]
    package = installed_package(python)
    if package == (REPO / "src" / "policyspace").resolve():
        how = "editable install (runs the working tree)"
    else:
        stale = stale_files(package)
        how = f"wheel install (pip install \"{QUICKSTART_EXTRAS}\", not editable) at {package}"
        if stale and reinstall:
            print(f"re-installing: {len(stale)} working-tree files differ from the installed copy ...", file=sys.stderr)
            quickstart_install(python)
            notes.append(f"re-installed from the working tree ({len(stale)} files had changed)")
        elif stale:
            notes.append(f"STALE: {len(stale)} working-tree files differ (e.g. {stale[0]}); not re-installed")
        else:
            notes.append("same as the working tree")
    return python, "; ".join([how, *notes])


def lint_command(python: Path, draft: Path, *extra: str) -> list[str]:
    """`policyspace lint DRAFT` as a user types it: the interpreter's console script when it has one."""
    script = python.parent / "policyspace"
    launcher = [str(script)] if script.is_file() else [str(python), "-m", "policyspace"]
    return [*launcher, "lint", *extra, str(draft)]


def supports_no_cache(python: Path) -> bool:
    run = subprocess.run([str(python), "-m", "policyspace", "lint", "--help"],
                         check=False, capture_output=True, text=True)
    return "--no-cache" in run.stdout


# ---------------------------------------------------------------- timers


def time_with_hyperfine(cmd: list[str], runs: int, prepare: str | None = None,
                        env: dict[str, str] | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "hyperfine.json"
        options = ["--warmup", "2", "--runs", str(runs), "-N", "--ignore-failure", "--style", "none",
                   "--export-json", str(export)]
        if prepare:
            options += ["--prepare", prepare]
        subprocess.run(
            ["hyperfine", *options, shlex.join(cmd)], env=env,
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,  # its "non-zero exit" warning
        )
        result = json.loads(export.read_text())["results"][0]
    return {"median_ms": result["median"] * 1000, "min_ms": result["min"] * 1000, "max_ms": result["max"] * 1000}


def time_with_subprocess(cmd: list[str], runs: int, prepare: str | None = None,
                         env: dict[str, str] | None = None) -> dict[str, float]:
    def once() -> float:
        if prepare:
            subprocess.run(shlex.split(prepare), check=False)
        start = time.perf_counter()
        subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        return (time.perf_counter() - start) * 1000

    for _ in range(2):  # warm-up: file cache, .pyc files
        once()
    samples = [once() for _ in range(runs)]
    return {"median_ms": statistics.median(samples), "min_ms": min(samples), "max_ms": max(samples)}


def describe(label: str, timing: dict[str, float]) -> str:
    return (f"{label}: median {timing['median_ms']:.0f} ms "
            f"(min {timing['min_ms']:.0f}, max {timing['max_ms']:.0f})")


def import_times(cmd: list[str], python: Path, top: int = 12) -> list[tuple[int, str]]:
    """The slowest imports (cumulative microseconds) of one run, from python -X importtime."""
    run = subprocess.run([str(python), "-X", "importtime", "-m", "policyspace", *cmd[cmd.index("lint"):]],
                         check=False, capture_output=True, text=True)
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
result = linting.lint_paths([sys.argv[1]], isolated=True)  # no result cache: lint_paths uses one only when given
linting.format_text(result)
t6 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)
"""
_STAGE_NAMES = ("imports", "parse document", "load rulesets", "compile rules", "run rules",
                "lint_paths + format_text again in the same process (config, parse, rules, output)")


def stage_times(python: Path, draft: Path, runs: int) -> list[tuple[str, float]]:
    """Median ms per stage, each run in a fresh interpreter (so imports and compilation are cold)."""
    rows = []
    for _ in range(runs):
        out = subprocess.run([str(python), "-c", _STAGES, str(draft)], check=True, capture_output=True, text=True,
                             cwd=tempfile.gettempdir())
        rows.append([float(x) * 1000 for x in out.stdout.split()])
    return [(name, statistics.median(r[i] for r in rows)) for i, name in enumerate(_STAGE_NAMES)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=int, default=300, help="draft size in KB (default 300)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--python", help=f"interpreter to time (default: {VENV_PYTHON.relative_to(REPO)}, "
                        "created as the Quickstart does when missing)")
    parser.add_argument("--no-reinstall", dest="reinstall", action="store_false",
                        help="time the installed copy even when the working tree has changed since")
    parser.add_argument("--empty-cache", action="store_true",
                        help="also time a first run: an empty cache folder, so no compiled rules or grammar tables")
    parser.add_argument("--importtime", action="store_true", help="also list the slowest imports")
    parser.add_argument("--stages", action="store_true", help="also time each stage in a fresh interpreter")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # lines in order with stderr notes

    python, install = prepare_interpreter(args.python, args.reinstall)
    version = subprocess.run([str(python), "-c", "import sys; print(sys.version.split()[0])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    timer = "hyperfine" if shutil.which("hyperfine") else "subprocess"
    measure = time_with_hyperfine if timer == "hyperfine" else time_with_subprocess
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / "draft.treaty"
        draft.write_text(build_draft(args.kb * 1000), encoding="utf-8")
        size_kb = draft.stat().st_size / 1000
        has_cache = supports_no_cache(python)
        cold = lint_command(python, draft, *(["--no-cache"] if has_cache else []))
        status = subprocess.run(cold, check=False, capture_output=True, text=True)
        if status.returncode not in (0, 1):
            print(f"lint failed (exit {status.returncode}): {status.stderr}", file=sys.stderr)
            return 2
        findings = len(status.stdout.splitlines())
        print(f"interpreter: {python} (Python {version}); policyspace: {install}")
        print(f"draft: {size_kb:.0f} KB, {findings} findings; timer: {timer}, {args.runs} runs")
        print(f"command: {shlex.join(cold)}")
        timing = measure(cold, args.runs)
        baseline = time_with_subprocess([str(python), "-c", "pass"], 5)["median_ms"]
        label = "policyspace lint, result cache off" if has_cache else "policyspace lint"
        print(f"{describe(label, timing)}; budget {BUDGET_MS:.0f} ms; bare interpreter start-up {baseline:.0f} ms")
        if has_cache:  # the warm-up runs fill the cache; every timed run is then a hit
            print(describe("policyspace lint, result cache warm (same command without --no-cache)",
                           measure(lint_command(python, draft), args.runs)))
        if args.empty_cache:
            folder = Path(tmp) / "empty-cache"
            env = {**os.environ, "POLICYSPACE_CACHE_DIR": str(folder)}
            print(describe("policyspace lint, first run (empty cache folder: rules and grammar tables rebuilt)",
                           measure(cold, max(3, args.runs // 3), prepare=f"rm -rf {shlex.quote(str(folder))}",
                                   env=env)))
        if args.stages:
            print("stages (median ms, fresh interpreter each run):")
            for name, ms in stage_times(python, draft, max(3, args.runs // 3)):
                print(f"  {ms:7.1f}  {name}")
        if args.importtime:
            print("slowest imports (cumulative ms):")
            for micros, name in import_times(cold, python):
                print(f"  {micros / 1000:7.1f}  {name}")
        return 0 if timing["median_ms"] <= BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
