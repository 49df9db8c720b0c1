"""Derive-and-verify time against width (4..1024) and depth (1..8), cold and with a cached certificate.

Run: python benchmarks/derive_scaling.py [--widths 4,16,64,256,1024] [--depths 1,...,8] [--clock wall|cpu]
                                         [--repeat N]
The network is `depth` relu layers of `width` units with a 10-way softmax/cce output
(layers width^depth-10). Each cell is "cold / certified", each timed in a fresh interpreter after
its imports (nothing cached in the process, as in a new `nnderive derive`):
- cold: an empty certificate folder: build the equations and prove them;
- certified: the certificate of the cold run on disk, as in a second `nnderive derive` of the
  spec: build the equations and check the certificate.
Each is the fastest of --repeat such pairs of processes (default 1; the machine may be shared).
Certificates go to a temporary folder, never the user's cache.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def spec_for(depth: int, width: int):
    from derive.spec import build_spec

    if depth == 0:  # the MNIST-shaped network the issue names
        return build_spec([784, 256, 128, 10], ["relu", "relu", "softmax"], "cce")
    return build_spec([width] * depth + [10], ["relu"] * (depth - 1) + ["softmax"], "cce")


def cell(depth: int, width: int, clock_name: str) -> None:
    """In a fresh process, after the imports: print the seconds to derive one spec, and whether certified."""
    from derive.pipeline import derive

    clock = time.perf_counter if clock_name == "wall" else time.process_time
    spec = spec_for(depth, width)
    t0 = clock()
    d = derive(spec)
    print(clock() - t0, int(d.verification.cached))


def measure(depth: int, width: int, clock: str, repeat: int, tmp: Path) -> tuple[float, float]:
    best = [float("inf"), float("inf")]
    for i in range(repeat):
        env = dict(os.environ, PYTHONPATH=str(ROOT), NNDERIVE_CACHE_DIR=str(tmp / f"{depth}-{width}-{i}"))
        for expect_cached in (0, 1):  # the first process proves and certifies, the second reuses it
            out = subprocess.run([sys.executable, __file__, "--cell", f"{depth},{width}", "--clock", clock],
                                 env=env, capture_output=True, text=True, check=True).stdout.split()
            assert int(out[1]) == expect_cached, out
            best[expect_cached] = min(best[expect_cached], float(out[0]))
    return best[0], best[1]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--widths", default="4,16,64,256,1024")
    p.add_argument("--depths", default="1,2,3,4,5,6,7,8")
    p.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                   help="wall-clock seconds (default) or the process's CPU seconds")
    p.add_argument("--repeat", type=int, default=1, help="fresh processes per cell, the fastest is shown")
    p.add_argument("--cell", help=argparse.SUPPRESS)  # depth,width: one measurement (internal)
    args = p.parse_args()
    if args.cell:
        depth, width = map(int, args.cell.split(","))
        cell(depth, width, args.clock)
        return
    widths = [int(w) for w in args.widths.split(",")]
    depths = [int(d) for d in args.depths.split(",")]
    with tempfile.TemporaryDirectory(prefix="nnderive-bench-") as tmp:
        print(f"{args.clock} seconds to derive and verify: cold / with the certificate cached"
              f" (fastest of {args.repeat})\n")
        print("| depth \\ width | " + " | ".join(str(w) for w in widths) + " |")
        print("|---|" + "---|" * len(widths))
        for depth in depths:
            cells = [measure(depth, w, args.clock, args.repeat, Path(tmp)) for w in widths]
            print(f"| {depth} | " + " | ".join(f"{c:.2f} / {k:.2f}" for c, k in cells) + " |", flush=True)
        cold, cert = measure(0, 0, args.clock, args.repeat, Path(tmp))
        print(f"\n784-256-128-10 relu/relu/softmax/cce: cold {cold:.2f} s, with the certificate {cert:.2f} s")


if __name__ == "__main__":
    main()
