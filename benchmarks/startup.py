"""Whole-process times of the command line against a bare interpreter: prints a Markdown table.

Run: python benchmarks/startup.py [--runs 7]
Each command runs as its own process (this checkout's code, PYTHONPATH set to it), in
interleaved rounds after one warm-up round, so a drift of the machine's speed spreads over all
rows; the table gives the median, the fastest and the slowest wall-clock run and the median's
excess over the bare interpreter. `derive (certified)` derives a spec whose proof certificate
is cached (the second `nnderive derive` of a spec); `derive (--reverify)` proves it again. The
certificates go to a temporary folder, never the user's cache.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = str(ROOT / "examples" / "digits_64_32_10.toml")


def commands(out: Path) -> list[tuple[str, list[str]]]:
    py = [sys.executable]
    return [
        ("bare interpreter (`python -c pass`)", py + ["-c", "pass"]),
        ("`nnderive --version`", py + ["-m", "nnderive", "--version"]),
        ("`nnderive --help`", py + ["-m", "nnderive", "--help"]),
        ("`nnderive derive` digits (certified)", py + ["-m", "nnderive", "derive", SPEC]),
        ("`nnderive derive` digits (--reverify)", py + ["-m", "nnderive", "derive", SPEC, "--reverify"]),
        ("`nnderive codegen` digits (up to date)", py + ["-m", "nnderive", "codegen", SPEC, "-o", str(out)]),
    ]


def run(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.decode()[-500:]}")
    return seconds


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=7, help="counted runs of each command (default 7)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="nnderive-startup-") as tmp:
        env = dict(os.environ, PYTHONPATH=str(ROOT), NNDERIVE_CACHE_DIR=str(Path(tmp) / "cache"))
        cmds = commands(Path(tmp) / "digits.py")
        times: dict[str, list[float]] = {name: [] for name, _ in cmds}
        for round_ in range(args.runs + 1):  # round 0 warms up (and writes the certificate and module)
            for name, cmd in cmds:
                t = run(cmd, env)
                if round_:
                    times[name].append(t)
    bare = statistics.median(times[cmds[0][0]])
    print(f"{sys.version.split()[0]}, {args.runs} runs each (wall-clock seconds per process)\n")
    print("| command | median | min | max | median − bare interpreter |")
    print("|---|---:|---:|---:|---:|")
    for name, _ in cmds:
        ts = times[name]
        med = statistics.median(ts)
        print(f"| {name} | {med:.3f} | {min(ts):.3f} | {max(ts):.3f} | {med - bare:+.3f} |")


if __name__ == "__main__":
    main()
