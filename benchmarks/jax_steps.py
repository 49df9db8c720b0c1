"""The JAX half of benchmarks/train_step.py: the generated JAX train_step against jax.jit(value_and_grad).

The reference is what a JAX user writes by hand: the loss in jax.numpy (jax.nn.sigmoid,
jax.nn.relu, jax.nn.log_softmax), jax.value_and_grad, the update p - step * g, all under one
jax.jit. Both steps take (params, X, Y, lr) and return (new params, loss); every timed step
waits for its result (block_until_ready), so dispatch and compute are both counted.
"""

from __future__ import annotations

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from codegen.modules import ensure_jax_module, ensure_module, load_module
from derive.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
LR = 1e-3


def reference_step(spec):
    """jax.jit of value_and_grad of the spec's loss, and the update (mean-gradient step)."""
    act = {"sigmoid": jax.nn.sigmoid, "relu": jax.nn.relu}[spec.activations[0].name]
    cce = spec.loss == "cce"

    def loss(params, X, Y):
        Z2 = act(X @ params["W1"].T + params["b1"]) @ params["W2"].T + params["b2"]
        if cce:
            return -jnp.sum(Y * jax.nn.log_softmax(Z2, axis=1)) / X.shape[0]
        return 0.5 * jnp.sum((Z2 - Y) ** 2)  # half_sse: summed, so the step is lr / N

    @jax.jit
    def step(params, X, Y, lr):
        value, grads = jax.value_and_grad(loss)(params, X, Y)
        scale = lr if cce else lr / X.shape[0]
        return {k: params[k] - scale * grads[k] for k in params}, value

    return step


def _runner(step, params, X, Y):
    state = {"p": jax.device_put(params)}
    X, Y = jax.device_put(X), jax.device_put(Y)

    def one():
        state["p"], value = step(state["p"], X, Y, LR)
        value.block_until_ready()

    return one


def _numpy_runner(module, params, X, Y):
    p = {k: v.copy() for k, v in params.items()}

    def one():
        module.train_step(p, X, Y, LR)

    return one


def rows(cases, rounds: int, steps: int, paired, batch) -> list[tuple]:
    """Per case and dtype: the generated JAX step against the jax.jit reference, and the generated
    numpy step against the same reference (both paired ratios, measured in alternating blocks)."""
    out = []
    for label, spec_file, _kind, n in cases:
        spec = load_spec(ROOT / "examples" / spec_file)
        module = load_module(ensure_jax_module(spec)[0])
        numpy_module = load_module(ensure_module(spec))
        ref = reference_step(spec)
        for dtype in (np.float64, np.float32):
            params = module.init_params(np.random.default_rng(0), dtype=dtype)
            X, Y = batch(spec, n, dtype)
            # the two steps agree before they are timed
            a, la = module.train_step(params, X, Y, LR)
            b, lb = ref(params, X, Y, LR)
            agree = max(float(jnp.max(jnp.abs(a[k] - b[k]))) for k in a)
            ratio, tg, tr = paired(_runner(module.train_step, params, X, Y),
                                   _runner(ref, params, X, Y), rounds, steps)
            vs_numpy, _, _ = paired(_numpy_runner(numpy_module, params, X, Y),
                                    _runner(ref, params, X, Y), rounds, steps)
            out.append((label, np.dtype(dtype).name, tg, tr, ratio, agree, vs_numpy))
    return out


def print_table(rows) -> None:
    print(f"JAX {jax.__version__} on {jax.devices()[0].platform}: the generated train_step against"
          " a hand-written jax.jit(value_and_grad) step (paired ratio)\n")
    print("| case | dtype | generated µs | jit(value_and_grad) µs | ratio | max abs Δparams"
          " | generated numpy / jit (paired) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, dt, tg, tr, ratio, agree, vs_numpy in rows:
        print(f"| {label} | {dt} | {tg:.1f} | {tr:.1f} | {ratio:.3f} | {agree:.2e} | {vs_numpy:.3f} |")
