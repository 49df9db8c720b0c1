"""Benchmark: time and peak memory of one train_step: generated, hand-written numpy, PyTorch eager.

Run from the repository root:  python benchmarks/train_step.py [--repeats 400] [--threads 1]

The generated and reference steps are timed interleaved (one step of each in turn) so that
load from other processes shifts them alike; torch is timed in its own loop; BLAS runs single-threaded by default (set before numpy loads),
because on a shared machine thread contention makes the timings of a matrix product vary
several-fold from run to run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path


def _threads(argv) -> str:
    return argv[argv.index("--threads") + 1] if "--threads" in argv[:-1] else "1"


for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = _threads(sys.argv)

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import reference_numpy  # noqa: E402

from codegen.modules import ensure_module, load_module  # noqa: E402
from derive.spec import load_spec  # noqa: E402

CASES = (  # (label, spec file, hidden activation, batch)
    ("64-32-10 b32", "digits_64_32_10.toml", "sigmoid", 32),
    ("784-128-10 b64", "mnist_784_128_10.toml", "relu", 64),
    ("784-128-10 b256", "mnist_784_128_10.toml", "relu", 256),
)
LR = 1e-3  # small, so repeated steps on one batch stay in a steady numeric regime


def _median_us(impls, repeats: int) -> list[float]:
    """Median µs per step of each (step, state), timed one step of each in turn."""
    for step, state in impls:
        for _ in range(20):  # warm-up: caches, allocator
            step(*state)
    times: list[list[int]] = [[] for _ in impls]
    for r in range(repeats):
        # rotate who goes first, so no implementation always runs on the previous one's caches
        for k in range(len(impls)):
            i = (r + k) % len(impls)
            step, state = impls[i]
            t0 = time.perf_counter_ns()
            step(*state)
            times[i].append(time.perf_counter_ns() - t0)
    return [statistics.median(t) / 1e3 for t in times]


def _peak_bytes(step, make_state) -> int:
    state = make_state()
    step(*state)
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    step(*state)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak


def _torch_step(hidden):
    try:
        import torch
    except ImportError:
        return None

    act = torch.sigmoid if hidden == "sigmoid" else torch.relu

    def make(params, X, Y):
        tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
        labels = torch.tensor(Y.argmax(axis=1))
        return tp, torch.tensor(X), labels

    def step(tp, X, labels, lr=LR):
        for p in tp.values():
            p.grad = None
        Z1 = X @ tp["W1"].T + tp["b1"]
        Z2 = act(Z1) @ tp["W2"].T + tp["b2"]
        loss = torch.nn.functional.cross_entropy(Z2, labels)
        loss.backward()
        with torch.no_grad():
            for p in tp.values():
                p -= lr * p.grad
        return float(loss.detach())

    return make, step


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=400)
    ap.add_argument("--threads", default="1", help="BLAS (and torch) threads (default 1)")
    args = ap.parse_args(argv)
    try:
        import torch

        torch.set_num_threads(int(args.threads))
    except ImportError:
        pass
    rows = []
    for label, spec_file, hidden, batch in CASES:
        spec = load_spec(ROOT / "examples" / spec_file)
        module = load_module(ensure_module(spec))
        for dtype in (np.float64, np.float32):
            rng = np.random.default_rng(0)
            params = module.init_params(rng, dtype=dtype)
            X = rng.standard_normal((batch, spec.layers[0])).astype(dtype)
            Y = np.eye(spec.layers[-1], dtype=dtype)[rng.integers(0, spec.layers[-1], batch)]

            def fresh(params=params, X=X, Y=Y):
                return ({k: v.copy() for k, v in params.items()}, X, Y, LR)

            ref_step = reference_numpy.TRAIN_STEP[hidden]
            times = _median_us([(module.train_step, fresh()), (ref_step, fresh())], args.repeats)
            gen = (times[0], _peak_bytes(module.train_step, fresh))
            ref = (times[1], _peak_bytes(ref_step, fresh))
            # torch runs in its own loop: interleaved, its large native working set evicts the
            # numpy steps' code and data and penalizes whichever runs after it
            torch_impl = _torch_step(hidden)
            tch = None
            if torch_impl is not None:
                make, tstep = torch_impl
                tch = _median_us([(tstep, make(params, X, Y))], args.repeats)[0]
            rows.append((label, np.dtype(dtype).name, gen, ref, tch))
    head = (f"{'case':<16} {'dtype':<8} {'generated µs':>13} {'reference µs':>13} {'ratio':>6}"
            f" {'torch µs':>9} {'gen peak B':>11} {'ref peak B':>11}")
    print(head)
    print("-" * len(head))
    for label, dt, gen, ref, tch in rows:
        t = f"{tch:9.1f}" if tch is not None else f"{'n/a':>9}"
        print(f"{label:<16} {dt:<8} {gen[0]:13.1f} {ref[0]:13.1f} {gen[0] / ref[0]:6.3f} {t}"
              f" {gen[1]:11d} {ref[1]:11d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
