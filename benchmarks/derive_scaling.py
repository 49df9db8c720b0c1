"""Derive-and-verify time against width (4..1024) and depth (1..8): prints a Markdown table.

Run: python benchmarks/derive_scaling.py [--widths 4,16,64,256,1024] [--depths 1,2,4,8]
The network is width^depth hidden relu layers with a 10-way softmax/cce output.
"""

from __future__ import annotations

import argparse
import time

from sympy.core.cache import clear_cache

from derive.pipeline import derive
from derive.spec import build_spec
from derive.verify import _primitive_proof


def measure(width: int, depth: int) -> float:
    # every cell starts cold: SymPy's cache and the primitive proofs would otherwise be reused
    clear_cache()
    _primitive_proof.cache_clear()
    layers = [width] * depth + [10]
    acts = ["relu"] * (depth - 1) + ["softmax"]
    spec = build_spec(layers, acts, "cce")
    t0 = time.perf_counter()
    derive(spec)
    return time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--widths", default="4,16,64,256,1024")
    p.add_argument("--depths", default="1,2,3,4,5,6,7,8")
    args = p.parse_args()
    widths = [int(w) for w in args.widths.split(",")]
    depths = [int(d) for d in args.depths.split(",")]
    print("| depth \\ width | " + " | ".join(str(w) for w in widths) + " |")
    print("|---|" + "---|" * len(widths))
    for d in depths:
        cells = [f"{measure(w, d):.2f} s" for w in widths]
        print(f"| {d} | " + " | ".join(cells) + " |", flush=True)
    clear_cache()
    _primitive_proof.cache_clear()
    t0 = time.perf_counter()
    derive(build_spec([784, 256, 128, 10], ["relu", "relu", "softmax"], "cce"))
    print(f"\n784-256-128-10 relu/relu/softmax/cce, cold: {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
