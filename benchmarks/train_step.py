"""Benchmark: one training step, generated against hand-tuned: numpy, JAX (jax.jit), PyTorch eager.

Run from the repository root:  python benchmarks/train_step.py [--rounds 200] [--steps 20] [--no-jax]

Everything is measured side by side in one process with one BLAS thread (set before numpy
loads, because on a shared machine thread contention makes the timings of a matrix product
vary several-fold): each round times a block of --steps steps of the generated step and one
of the reference, in alternating order, and their ratio is the round's ratio; the table gives
the medians of those paired ratios (and the median µs per step of each). The numpy reference
is benchmarks/reference_numpy.py (hand-tuned: workspace, folded scaling, fused update); the
JAX reference is a hand-written jax.jit(jax.value_and_grad) step (the generated numpy step is
paired with it too: the JAX table's last column); torch is timed in its own loop (interleaved, its large native working set evicts the numpy steps' caches).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
# one XLA CPU thread pool of one thread, as numpy has: the comparison is per core
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import reference_numpy  # noqa: E402

from codegen.modules import ensure_module, load_module  # noqa: E402
from derive.spec import load_spec  # noqa: E402

CASES = (  # (label, spec file, reference kind, batch)
    ("64-32-10 b32", "digits_64_32_10.toml", "sigmoid", 32),
    ("3-5-2 b6", "article000_3_5_2.toml", "sigmoid_linear", 6),
    ("784-128-10 b64", "mnist_784_128_10.toml", "relu", 64),
    ("784-128-10 b256", "mnist_784_128_10.toml", "relu", 256),
)
LR = 1e-3  # small, so repeated steps on one batch stay in a steady numeric regime


def paired(a, b, rounds: int, steps: int) -> tuple[float, float, float]:
    """(median ratio a/b over rounds, median µs per step of a, of b); each a thunk of one step."""
    for _ in range(max(20, steps)):  # warm-up: caches, allocator, compilation
        a()
        b()
    ra, rb, ratios = [], [], []
    for r in range(rounds):
        pair = []
        for f in ((a, b) if r % 2 == 0 else (b, a)):
            t0 = time.perf_counter_ns()
            for _ in range(steps):
                f()
            pair.append((time.perf_counter_ns() - t0) / steps / 1e3)
        ta, tb = pair if r % 2 == 0 else pair[::-1]
        ra.append(ta)
        rb.append(tb)
        ratios.append(ta / tb)
    return statistics.median(ratios), statistics.median(ra), statistics.median(rb)


def _peak_bytes(step) -> int:
    step()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    step()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak


def _batch(spec, batch, dtype, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, spec.layers[0])).astype(dtype)
    if spec.loss == "cce":
        Y = np.eye(spec.layers[-1], dtype=dtype)[rng.integers(0, spec.layers[-1], batch)]
    else:
        Y = rng.standard_normal((batch, spec.layers[-1])).astype(dtype)
    return X, Y


def numpy_rows(rounds: int, steps: int) -> list[tuple]:
    rows = []
    for label, spec_file, kind, batch in CASES:
        spec = load_spec(ROOT / "examples" / spec_file)
        module = load_module(ensure_module(spec))
        ref_step = reference_numpy.TRAIN_STEP[kind]
        for dtype in (np.float64, np.float32):
            params = module.init_params(np.random.default_rng(0), dtype=dtype)
            X, Y = _batch(spec, batch, dtype)
            pg = {k: v.copy() for k, v in params.items()}
            pr = {k: v.copy() for k, v in params.items()}

            def gen(p=pg, X=X, Y=Y, m=module):
                return m.train_step(p, X, Y, LR)

            def ref(p=pr, X=X, Y=Y, step=ref_step):
                return step(p, X, Y, LR)

            ratio, tg, tr = paired(gen, ref, rounds, steps)
            rows.append((label, np.dtype(dtype).name, tg, tr, ratio, _peak_bytes(gen),
                         _peak_bytes(ref), _torch_us(spec, params, X, Y, rounds, steps)))
    return rows


def _torch_us(spec, params, X, Y, rounds, steps):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    act = {"sigmoid": torch.sigmoid, "relu": torch.relu}[spec.activations[0].name]
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    tX, tY = torch.tensor(X), torch.tensor(Y)

    def step():
        for p in tp.values():
            p.grad = None
        Z2 = act(tX @ tp["W1"].T + tp["b1"]) @ tp["W2"].T + tp["b2"]
        if spec.loss == "cce":
            loss = torch.nn.functional.cross_entropy(Z2, tY)
        else:
            loss = 0.5 * ((Z2 - tY) ** 2).sum()
        loss.backward()
        scale = LR if spec.loss == "cce" else LR / X.shape[0]
        with torch.no_grad():
            for p in tp.values():
                p -= scale * p.grad
        return float(loss.detach())

    for _ in range(20):
        step()
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter_ns()
        for _ in range(steps):
            step()
        times.append((time.perf_counter_ns() - t0) / steps / 1e3)
    return statistics.median(times)


def print_numpy(rows) -> None:
    print("| case | dtype | generated µs | hand-tuned µs | ratio | torch eager µs | generated peak B"
          " | hand-tuned peak B |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for label, dt, tg, tr, ratio, pg, pr, tch in rows:
        t = f"{tch:.1f}" if tch is not None else "n/a"
        print(f"| {label} | {dt} | {tg:.1f} | {tr:.1f} | {ratio:.3f} | {t} | {pg} | {pr} |")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=200, help="paired rounds per case (default 200)")
    ap.add_argument("--steps", type=int, default=10, help="steps per timed block (default 10)")
    ap.add_argument("--no-jax", action="store_true", help="skip the JAX table")
    ap.add_argument("--no-numpy", action="store_true", help="skip the numpy table")
    args = ap.parse_args(argv)
    print(f"numpy {np.__version__}, 1 BLAS thread; medians of {args.rounds} paired rounds of"
          f" {args.steps} steps; load average {os.getloadavg()[0]:.1f} at the start")
    if not args.no_numpy:
        rows = numpy_rows(args.rounds, args.steps)
        print("\nnumpy: the generated train_step against the hand-tuned one (paired ratio)\n")
        print_numpy(rows)
    if not args.no_jax:
        try:
            import jax_steps
        except ImportError as e:
            print(f"\nJAX: not measured ({e})")
        else:
            print()
            jax_steps.print_table(jax_steps.rows(CASES, args.rounds, args.steps, paired, _batch))
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
