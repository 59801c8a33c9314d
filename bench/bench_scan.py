"""Benchmark: `policyspace scan` over the ToTA corpus against GNU grep and a naive regex script.

    python bench/bench_scan.py [TOTA_XML_DIR] [--scale 10] [--jobs N] [--no-stages] [--json OUT]

One command, one run, on this machine. Every timing is a fresh process (interpreter start-up
included), as a user would run it:

  cold          policyspace scan TOTA -o OUT, empty cache
  cached        the same command again (OUT unchanged: tables kept after checking their hashes)
  cached/fresh  the same corpus into a new OUT, warm cache (tables rebuilt from cached results)
  grep          GNU grep -r -i -F -c with every clause rule's keywords, over the same files
  naive         a Python script: each article through one regex per family (the rulesets' baseline
                keywords), single process - what a researcher writes by hand
  scale         the corpus replicated SCALE times in a temporary folder, scanned with --no-cache
                (replicas have identical bytes: the cache would make it trivial), against 1x --no-cache
  stages        where the time goes, single process, in-process: read, parse, rules, scoring+JSON

Peak memory is the largest sum of the resident set sizes of the scan's whole process tree
(parent and workers), sampled every 20 ms from /proc. Targets (issue 6, this 2-core machine):
cold <= 2 s, cached <= 0.3 s, naive/cold >= 6, cold/grep <= 8, peak RSS <= 400 MB, scale <= 10.5x.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

NAIVE_SCRIPT = r'''
import re, sys, glob, json
import xml.etree.ElementTree as ET
families = json.loads(sys.argv[2])
patterns = {f: re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) for f, words in families.items()}
hits = {f: 0 for f in families}
for path in sorted(glob.glob(sys.argv[1] + "/*.xml")):
    for article in ET.parse(path).getroot().iter("article"):
        text = "".join(article.itertext())
        for family, pattern in patterns.items():
            if pattern.search(text):
                hits[family] += 1
print(json.dumps(hits))
'''


def _tree_rss_kb(root: int) -> int:
    """Sum of VmRSS over `root` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
            ppid = int(stat[stat.rfind(b")") + 2 :].split()[1])
            with open(f"/proc/{entry}/status", "rb") as handle:
                for line in handle:
                    if line.startswith(b"VmRSS:"):
                        rss[int(entry)] = int(line.split()[1])
                        break
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def cpu_seconds() -> float:
    """User + system CPU of every finished child process (and their own children) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int, subprocess.CompletedProcess]:
    """(wall seconds, peak RSS of the process tree in KB, result)."""
    peak = 0
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    if os.path.isdir("/proc"):
        sampler.start()
    out, err = process.communicate()
    wall = time.perf_counter() - started
    done.set()
    result = subprocess.CompletedProcess(command, process.returncode, out, err)
    if process.returncode not in (0, 1):
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{err.decode(errors='replace')}")
    return wall, peak, result


def stage_breakdown(files: list[Path]) -> dict[str, float]:
    """Single-process CPU seconds per stage over the whole corpus (same code as a worker runs)."""
    from policyspace.importers import load_bytes
    from policyspace.rules import check_treaty, load_ruleset
    from policyspace.scanning.analysis import Analyser
    from policyspace.scanning.cache import file_sha256

    stages = {"read+hash": 0.0, "parse": 0.0, "rules": 0.0, "scoring+tables JSON": 0.0}
    started = time.process_time()
    analyser = Analyser(load_ruleset())
    stages["load rules"] = time.process_time() - started
    for path in files:
        t0 = time.process_time()
        data = path.read_bytes()
        file_sha256(data)
        t1 = time.process_time()
        treaty = load_bytes(str(path), data)
        t2 = time.process_time()
        findings = check_treaty(treaty, analyser.ruleset)
        t3 = time.process_time()
        analyser.analyse(treaty).model_dump_json()  # runs the rules again, subtracted below
        t4 = time.process_time()
        stages["read+hash"] += t1 - t0
        stages["parse"] += t2 - t1
        stages["rules"] += t3 - t2
        stages["scoring+tables JSON"] += max(0.0, (t4 - t3) - (t3 - t2))
        del findings
    return stages


def rule_keywords() -> tuple[list[str], dict[str, list[str]]]:
    """Every clause rule's prefilter keywords, and each family's naive baseline keywords."""
    import tomllib

    from policyspace.resources import rulesets_dir

    keywords: set[str] = set()
    baselines: dict[str, list[str]] = {}
    for path in sorted(rulesets_dir().glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        family = (data.get("family") or {}).get("name") or path.stem
        words = (data.get("family") or {}).get("baseline") or []
        if words:
            baselines.setdefault(str(family), []).extend(words)
        for rule in data.get("rules", []):
            keywords.update(rule.get("keywords", []))
    return sorted(keywords), baselines


def main() -> int:
    from policyspace.resources import default_tota_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = str(default_tota_dir() or REPO.parent / "shared" / "tota" / "xml")
    parser.add_argument("tota", nargs="?", default=default, help="ToTA xml folder")
    parser.add_argument("--scale", type=int, default=10, help="corpus replication factor (0: skip)")
    parser.add_argument("--jobs", type=int, default=None, help="scan --jobs (default: every core)")
    parser.add_argument("--no-stages", action="store_true", help="skip the single-process stage breakdown")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    tota = Path(args.tota)
    files = sorted(tota.glob("*.xml"))
    if not files:
        print(f"no ToTA XML files in {tota} (set POLICYSPACE_TOTA)", file=sys.stderr)
        return 2
    size_mb = sum(p.stat().st_size for p in files) / 1e6
    figures: dict[str, object] = {"documents": len(files), "megabytes": round(size_mb, 1),
                                  "cores": os.cpu_count(), "load_average_at_start": os.getloadavg()}
    print(f"corpus: {len(files)} ToTA treaties, {size_mb:.1f} MB; {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.2f} at start")
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    scan = [sys.executable, "-m", "policyspace", "scan"]

    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        work = Path(tmp)
        env = dict(os.environ, POLICYSPACE_CACHE_DIR=str(work / "cache"))
        out = work / "out"
        cpu0 = cpu_seconds()
        cold, cold_rss, _ = timed([*scan, str(tota), "-o", str(out), "-q", *jobs], env)
        cold_cpu = cpu_seconds() - cpu0
        cached, cached_rss, _ = timed([*scan, str(tota), "-o", str(out), "-q", *jobs], env)
        fresh, fresh_rss, _ = timed([*scan, str(tota), "-o", str(work / "out2"), "-q", *jobs], env)
        with open(out / "findings.csv", encoding="utf-8") as handle:
            findings = sum(1 for _ in handle) - 1
        figures.update(cold_s=cold, cold_cpu_s=cold_cpu, cold_peak_rss_mb=cold_rss / 1024, cached_s=cached, cached_peak_rss_mb=cached_rss / 1024,
                       cached_fresh_outdir_s=fresh, findings=findings)
        print(f"cold scan:                 {cold:7.2f} s   peak RSS {cold_rss / 1024:6.0f} MB  ({findings} findings; "
              f"{cold_cpu:.1f} s CPU in all processes)")
        print(f"cached re-scan (same out): {cached:7.2f} s   peak RSS {cached_rss / 1024:6.0f} MB")
        print(f"cached re-scan (new out):  {fresh:7.2f} s   peak RSS {fresh_rss / 1024:6.0f} MB")

        keywords, baselines = rule_keywords()
        (work / "keywords.txt").write_text("\n".join(keywords) + "\n", encoding="utf-8")
        grep, _, _ = timed(["grep", "-r", "-i", "-F", "-c", "-f", str(work / "keywords.txt"), str(tota)])
        naive, _, _ = timed([sys.executable, "-c", NAIVE_SCRIPT, str(tota), json.dumps(baselines)])
        figures.update(grep_s=grep, grep_keywords=len(keywords), naive_s=naive)
        print(f"GNU grep, {len(keywords)} keywords:      {grep:7.2f} s   (cold scan is {cold / grep:.1f}x grep)")
        print(f"naive regex per article:   {naive:7.2f} s   (naive is {naive / cold:.2f}x the cold scan)")

        if args.scale > 1:
            replicated = work / "replicated"
            replicated.mkdir()
            link = _same_device(files[0], work)
            for copy in range(args.scale):
                for path in files:
                    target = replicated / f"{copy:02d}-{path.name}"
                    if link:
                        os.link(path, target)
                    else:
                        shutil.copyfile(path, target)
            # Other work on a shared machine drifts: time 1x before and after 10x and use the mean,
            # and compare CPU seconds too (less sensitive to another process taking a core).
            one = [*scan, str(tota), "-q", "--no-cache", "--no-report", *jobs]
            cpu0 = cpu_seconds()
            before, _, _ = timed([*one, "-o", str(work / "base1")], env)
            cpu1 = cpu_seconds()
            big, big_rss, _ = timed([*scan, str(replicated), "-o", str(work / "big"), "-q", "--no-cache",
                                     "--no-report", *jobs], env)
            cpu2 = cpu_seconds()
            after, _, _ = timed([*one, "-o", str(work / "base2")], env)
            cpu3 = cpu_seconds()
            base, base_cpu, big_cpu = (before + after) / 2, ((cpu1 - cpu0) + (cpu3 - cpu2)) / 2, cpu2 - cpu1
            figures.update(scale=args.scale, scale_base_s=[before, after], scale_big_s=big, scale_ratio=big / base,
                           scale_cpu_ratio=big_cpu / base_cpu, scale_peak_rss_mb=big_rss / 1024)
            print(f"{args.scale}x corpus (--no-cache):     {big:7.2f} s   vs 1x {before:.2f} s / {after:.2f} s: "
                  f"{big / base:.2f}x wall, {big_cpu / base_cpu:.2f}x CPU; peak RSS {big_rss / 1024:.0f} MB")

    if not args.no_stages:
        stages = stage_breakdown(files)
        figures["stages_cpu_s"] = stages
        total = sum(stages.values())
        print("where the time goes (one process, CPU seconds):")
        for name, seconds in stages.items():
            print(f"  {name:22s} {seconds:7.2f} s  {100 * seconds / total:5.1f}%")
    figures["load_average_at_end"] = os.getloadavg()
    print(f"load average {os.getloadavg()[0]:.2f} at end (other work on the machine inflates wall times)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


def _same_device(path: Path, folder: Path) -> bool:
    return path.stat().st_dev == folder.stat().st_dev


if __name__ == "__main__":
    sys.exit(main())
