"""The slowest corpus claims of `nnderive check` and how many exceed the targets of issue 9.7 (1 s, 3 s).

    python benchmarks/check_slowest.py --only STEM [--only STEM ...] [--top N] [--repeat R] [--timeout S]
    python benchmarks/check_slowest.py --from-json FILE [FILE ...] [--top N]

Each claim of the named corpus files (tests/corpus/STEM.toml) is checked as benchmarks/check_corpus.py
checks it (the public API in a worker with a time limit, wall seconds of the call); with --from-json the
seconds are read from files that `check_corpus.py --json` wrote. Prints the count of claims over 1 s,
2 s and 3 s, then a table of the N slowest (id, seconds, verdict, claim). With --repeat R the N slowest
are timed R times more and the table shows the minimum and median of all runs (the machine is shared:
one run of a claim is noisy, the minimum is what the code costs).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import check_corpus as cc  # noqa: E402

LIMITS = (1.0, 2.0, 3.0)


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def from_json(paths) -> list[dict]:
    rows = []
    for p in paths:
        for c in json.loads(Path(p).read_text(encoding="utf-8"))["claims"]:
            rows.append({"id": c["id"], "times": [c["seconds"]], "verdict": c["verdict"],
                         "printed": c["claim"]["printed"]})
    return rows


def measure(stems, timeout: float) -> tuple[list[dict], dict]:
    claims = [c for s in stems for c in cc.select(cc.load_corpus(), s)]
    by_id = {c.ident: c for c in claims}
    rows = []
    for c in claims:
        o = cc.run_claim(c, timeout)
        rows.append({"id": c.ident, "times": [o.seconds], "verdict": o.verdict, "printed": c.printed})
    return rows, by_id


def table(rows: list[dict], top: int) -> str:
    best = [min(r["times"]) for r in rows]
    lines = [f"{len(rows)} claims; " + ", ".join(f"over {t:g} s: {sum(b > t for b in best)}" for t in LIMITS)
             + " (by each claim's fastest run)"]
    head = f"{'claim':22} {'min s':>6} {'median s':>8} {'runs':>4}  {'verdict':14} printed"
    lines += [head, "-" * len(head)]
    for r in sorted(rows, key=lambda r: -min(r["times"]))[:top]:
        lines.append(f"{r['id']:22} {min(r['times']):6.2f} {statistics.median(r['times']):8.2f} "
                     f"{len(r['times']):4d}  {r['verdict']:14} {_short(r['printed'])}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", default=[], help="a corpus file's stem (repeatable)")
    ap.add_argument("--from-json", nargs="+", default=[], help="files written by check_corpus.py --json")
    ap.add_argument("--top", type=int, default=20, help="rows of the table (default 20)")
    ap.add_argument("--repeat", type=int, default=0, help="time the slowest claims this many times more")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per claim (default 20)")
    args = ap.parse_args(argv)
    if bool(args.only) == bool(args.from_json):
        print("check_slowest: give --only STEM (one or more) or --from-json FILE ...", file=sys.stderr)
        return 2
    if args.from_json:
        rows, by_id = from_json(args.from_json), {}
    else:
        rows, by_id = measure(args.only, args.timeout)
    if args.repeat and by_id:
        for r in sorted(rows, key=lambda r: -min(r["times"]))[:args.top]:
            for _ in range(args.repeat):
                r["times"].append(cc.run_claim(by_id[r["id"]], args.timeout).seconds)
    print(table(rows, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
