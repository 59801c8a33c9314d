"""Long fuzz campaign over every input kind: counts inputs read, refused, crashed and hung.

    python bench/fuzz_campaign.py [--count 10000] [--seed 1] [--timeout 5] [--kinds treaty,txt,xml,rules,config]

An input is "refused" when policyspace raises its own error (a clear one-line message, exit
status 2 on the command line); any other exception is a crash, and an input that takes longer
than --timeout seconds is a hang. Exit status 1 if any crash or hang was seen.
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import time
import traceback
from collections import Counter


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def main() -> int:
    from policyspace.fuzzing import GENERATORS, runners

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--kinds", default=",".join(GENERATORS))
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    failed = False
    for kind in args.kinds.split(","):
        generate, run = GENERATORS[kind], runners()[kind]
        rng = random.Random(f"{args.seed}-{kind}")
        outcome: Counter[str] = Counter()
        examples: list[str] = []
        start = time.perf_counter()
        slowest = 0.0
        for i in range(args.count):
            data = generate(rng)
            signal.setitimer(signal.ITIMER_REAL, args.timeout)
            t0 = time.perf_counter()
            try:
                outcome[run(data)] += 1
            except Hang:
                outcome["hang"] += 1
                examples.append(f"hang on input #{i}: {data[:120]!r}")
            except Exception:  # noqa: BLE001 - a crash is what we are looking for
                outcome["crash"] += 1
                if len(examples) < 5:
                    examples.append(f"crash on input #{i}: {data[:120]!r}\n{traceback.format_exc(limit=3)}")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            slowest = max(slowest, time.perf_counter() - t0)
        elapsed = time.perf_counter() - start
        print(f"{kind:8s} inputs={args.count} read={outcome['read']} refused={outcome['refused']} "
              f"crashes={outcome['crash']} hangs={outcome['hang']} slowest={slowest * 1000:.0f} ms "
              f"time={elapsed:.1f} s")
        for example in examples[:5]:
            print("   ", example.replace("\n", "\n    "))
        failed |= bool(outcome["crash"] or outcome["hang"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
