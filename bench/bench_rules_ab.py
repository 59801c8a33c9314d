"""Benchmark: CPU time of two rule-file folders over the same parsed ToTA treaties, in one process.

    python bench/bench_rules_ab.py OLD_RULES_DIR NEW_RULES_DIR [--every N] [--repeat R] [--tota DIR]

Timings on a shared virtual machine drift by 20-30% between runs, so comparing two numbers from
`bench_rules.py` taken minutes apart says little. This script parses the treaties once and times
both rule sets alternately, best of R, so drift hits both alike. Pin an older copy of the rules
with `git archive REV rulesets | tar -x -C /tmp/old` and pass /tmp/old/rulesets.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    from policyspace.resources import default_tota_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="folder with the first rule files")
    parser.add_argument("new", type=Path, help="folder with the second rule files")
    parser.add_argument("--tota", type=Path, default=default_tota_dir() or REPO.parent / "shared" / "tota" / "xml")
    parser.add_argument("--every", type=int, default=2, help="use every N-th treaty (default 2: half of ToTA)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = sorted(Path(args.tota).glob("*.xml"))[:: max(1, args.every)]
    if not files:
        print(f"no ToTA XML files in {args.tota} (set POLICYSPACE_TOTA)", file=sys.stderr)
        return 2
    for folder in (args.old, args.new):
        if not any(folder.glob("*.toml")):
            print(f"no rule files (*.toml) in {folder}", file=sys.stderr)
            return 2

    from policyspace.importers import load_document
    from policyspace.rules import check_treaty
    from policyspace.rules.loader import build_ruleset

    rulesets = {"old": build_ruleset([args.old]), "new": build_ruleset([args.new])}
    for ruleset in rulesets.values():
        ruleset.compiled  # noqa: B018 - compile before timing
    treaties = [load_document(path) for path in files]
    gc.collect()
    gc.freeze()  # the parsed treaties stay in memory: keep full collections out of the timings

    best = {name: float("inf") for name in rulesets}
    findings = dict.fromkeys(rulesets, 0)
    for _ in range(args.repeat):
        for name, ruleset in rulesets.items():
            started = time.process_time()
            findings[name] = sum(len(check_treaty(treaty, ruleset)) for treaty in treaties)
            best[name] = min(best[name], time.process_time() - started)
    print(f"{len(treaties)} treaties; best of {args.repeat} (CPU seconds)")
    for name, folder in (("old", args.old), ("new", args.new)):
        print(f"  {name}  {best[name]:6.2f} s  {findings[name]:6,} findings  ({folder})")
    print(f"  new / old = {best['new'] / best['old']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
