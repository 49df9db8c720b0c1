"""How long `nnderive check` takes: scalar and network claims, in-process and via the CLI."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = [
    ("scalar", r"\sigma'(z) = \sigma(z)(1-\sigma(z))", []),
    ("scalar, with --given/--at", r"\frac{dL}{dy} = -300", ["--given", "L = (y-500)^2", "--at", "y=350"]),
    ("scalar, fails", r"\frac{d}{dx}(5x+3)^2 = 50x+3", []),
    ("network", r"\frac{\partial L}{\partial W^{2}} = \delta^{2}(a^{1})^{T}",
     ["--spec", str(ROOT / "examples/digits_64_32_10.toml")]),
    ("network, batch", r"\frac{\partial L}{\partial b^{2}} = \frac{1}{N}\sum_{n=1}^{N} \delta^{2}_{n}",
     ["--spec", str(ROOT / "examples/digits_64_32_10.toml")]),
]


def in_process(claim, extra):
    from derive.check import check_claim
    from derive.spec import load_spec

    kw = {"givens": [], "at": []}
    it = iter(extra)
    for flag in it:
        val = next(it)
        if flag == "--given":
            kw["givens"].append(val)
        elif flag == "--at":
            kw["at"].append(val)
        elif flag == "--spec":
            kw["spec"] = load_spec(val)
    t0 = time.perf_counter()
    r = check_claim(claim, **kw)
    return time.perf_counter() - t0, r.verdict


def via_cli(claim, extra):
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "nnderive", "check", claim, *extra], capture_output=True,
                       text=True, cwd=ROOT)
    return time.perf_counter() - t0, p.returncode


def main() -> None:
    print(f"{'claim':28} {'verdict':10} {'in-process s':>12} {'CLI s':>8} {'exit':>5}")
    for name, claim, extra in CASES:
        t_in, verdict = in_process(claim, extra)
        t_cli, code = via_cli(claim, extra)
        print(f"{name:28} {verdict:10} {t_in:12.3f} {t_cli:8.3f} {code:5d}")


if __name__ == "__main__":
    main()
