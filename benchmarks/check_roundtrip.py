"""Round trip (issue 9.5): every equation `nnderive latex` writes, checked with `nnderive check --doc`.

    python benchmarks/check_roundtrip.py [--spec FILE ...] [--formats tex,md] [--seed N]

For every example spec (or the ones given) and format, writes the document with a random worked
example, checks it with --doc against the same spec, and prints the counts per verdict and every
equation that does not hold (fails, error, not-checkable), so that the gaps are visible by kind.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPECS = ["article000_3_5_2", "article003_3_2_2", "article004_4_2_3"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", action="append", help="spec files (default: the article examples)")
    ap.add_argument("--formats", default="tex,md")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    specs = args.spec or [str(ROOT / "examples" / f"{s}.toml") for s in SPECS]
    print(f"{'spec':24} {'format':6} {'equations':>9} {'holds':>6} {'other':>6} {'seconds':>8}")
    gaps = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec in specs:
            for fmt in args.formats.split(","):
                doc = Path(tmp) / f"{Path(spec).stem}.{fmt}"
                w = subprocess.run([sys.executable, "-m", "nnderive", "latex", spec, "-o", str(doc), "--format", fmt,
                                    "--random-example", str(args.seed)], capture_output=True, text=True, cwd=ROOT)
                if w.returncode not in (0, 4) or not doc.exists():
                    print(f"{Path(spec).stem:24} {fmt:6} latex failed: {w.stderr.strip()[:120]}")
                    continue
                t0 = time.perf_counter()
                c = subprocess.run([sys.executable, "-m", "nnderive", "check", "--doc", str(doc), "--spec", spec],
                                   capture_output=True, text=True, cwd=ROOT)
                rows = [line for line in c.stdout.splitlines() if line.startswith(str(doc) + ":")
                        and line.split(":")[1].isdigit()]
                verdicts = [r.split(": ")[1].split(" ")[0] for r in rows]
                ok = sum(v in ("holds", "definition", "skipped") for v in verdicts)
                print(f"{Path(spec).stem:24} {fmt:6} {len(rows):9d} {ok:6d} {len(rows) - ok:6d}"
                      f" {time.perf_counter() - t0:8.1f}")
                gaps += [f"{Path(spec).stem}.{fmt}:{r.split(':', 1)[1][:150]}" for r, v in zip(rows, verdicts)
                         if v not in ("holds", "definition", "skipped")]
    print(f"\nequations that do not hold ({len(gaps)}):")
    for g in gaps:
        print("  " + g)


if __name__ == "__main__":
    main()
