"""Guard for performance work: findings (and parsed documents) must stay byte-identical.

Record a reference before optimising, compare after each change:

    python bench/verify_findings.py --record /tmp/findings-ref.jsonl
    python bench/verify_findings.py --compare /tmp/findings-ref.jsonl

Another engineer editing rulesets/ meanwhile changes the findings; pin a copy of the rule files
with `--rulesets DIR` (e.g. `git archive HEAD rulesets | tar -x -C /tmp/pinned`) for both runs.

Covers every ToTA treaty (POLICYSPACE_TOTA or ../shared/tota/xml; skipped with a note when
absent) and every corpus/ file. Each line holds one file's findings as JSON, plus a digest of its
parsed document model, so a parser or importer change that alters a single span shows up too.
Work is spread over all cores; the output order is the file order.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _files() -> list[Path]:
    tota = Path(os.environ.get("POLICYSPACE_TOTA", REPO.parent / "shared" / "tota" / "xml"))
    files = sorted(tota.glob("*.xml"))
    if not files:
        print(f"note: no ToTA XML in {tota}; checking corpus/ only", file=sys.stderr)
    return files + sorted((REPO / "corpus").glob("*.treaty"))


_RULESETS: list[object] = []


def _ruleset():  # type: ignore[no-untyped-def]
    """The bundled rulesets, or the folder --rulesets pins (others may be editing rulesets/)."""
    if not _RULESETS:
        from policyspace.rules import load_ruleset
        from policyspace.rules.loader import build_ruleset

        pinned = os.environ.get("VERIFY_RULESETS")
        _RULESETS.append(build_ruleset([Path(pinned)]) if pinned else load_ruleset())
    return _RULESETS[0]


def _one(path: Path) -> str:
    from policyspace.importers import load_document
    from policyspace.rules import check_treaty

    treaty = load_document(path)
    document = hashlib.sha256(treaty.model_dump_json().encode()).hexdigest()[:16]
    findings = [f.model_dump(mode="json") for f in check_treaty(treaty, _ruleset())]
    return json.dumps({"file": path.name, "document": document, "findings": findings}, sort_keys=True,
                      ensure_ascii=False)


def _lines(jobs: int) -> list[str]:
    files = _files()
    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(_one, files, chunksize=4))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--record", metavar="FILE", help="write the reference")
    mode.add_argument("--compare", metavar="FILE", help="compare with a reference written by --record")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rulesets", metavar="DIR", help="use only the rule files in DIR (a frozen copy)")
    args = parser.parse_args()
    if args.rulesets:
        os.environ["VERIFY_RULESETS"] = str(Path(args.rulesets).resolve())  # read by the workers
    lines = _lines(args.jobs)
    findings = sum(len(json.loads(line)["findings"]) for line in lines)
    if args.record:
        Path(args.record).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"recorded {len(lines)} files, {findings} findings -> {args.record}")
        return 0
    reference = Path(args.compare).read_text(encoding="utf-8").splitlines()
    if len(reference) != len(lines):
        print(f"DIFFERENT: {len(reference)} files in the reference, {len(lines)} now", file=sys.stderr)
        return 1
    different = []
    for old, new in zip(reference, lines):
        if old != new:
            before, after = json.loads(old), json.loads(new)
            what = "document model" if before["document"] != after["document"] else "findings"
            different.append(f"{after['file']}: {what} "
                             f"({len(before['findings'])} -> {len(after['findings'])} findings)")
    if different:
        print(f"DIFFERENT in {len(different)} of {len(lines)} files:", file=sys.stderr)
        for line in different[:20]:
            print("  " + line, file=sys.stderr)
        return 1
    print(f"identical: {len(lines)} files, {findings} findings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
