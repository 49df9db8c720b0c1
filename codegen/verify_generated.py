"""Checks an emitted module against the engine's equations and against finite differences of its own loss."""

from __future__ import annotations

import math
import types
import warnings
from dataclasses import dataclass

import numpy as np
import sympy as sp
from sympy.matrices.expressions import (
    HadamardProduct,
    MatAdd,
    MatMul,
    MatrixSymbol,
    OneMatrix,
    Transpose,
    ZeroMatrix,
)
from sympy.matrices.expressions.hadamard import HadamardPower

from derive.errors import VerificationError
from derive.matrix import Elementwise, Softmax
from derive.primitives import Primitive

BATCH = 3  # samples per check: the spec's real widths, a small batch
FD_STEP = 1e-6
FD_RTOL = 1e-5
FD_SAMPLES = 24  # entries per parameter checked by finite differences (all if fewer)
SYM_RTOL = 1e-9
KINK_MARGIN = 1e-4  # pre-activations closer to 0 than this are redrawn: FD across a ReLU kink lies


@dataclass(frozen=True)
class Report:
    """What was checked: gradient entries compared symbolically and by finite differences.

    max_symbolic_error: largest error relative to the gradient's scale; fd_tolerance_used:
    largest finite-difference error as a fraction of its tolerance (below 1 passes).
    """

    symbolic_entries: int
    fd_entries: int
    max_symbolic_error: float
    fd_tolerance_used: float


def import_source(source: str, name: str) -> types.ModuleType:
    """Execute generated source as a fresh module object (never registered in sys.modules)."""
    module = types.ModuleType(name)
    module.__file__ = f"<generated {name}>"
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 - our own output
    return module


# -- an independent float64 evaluator of the engine's matrix equations --------------------------


def _explicit(expr):
    """Every Primitive replaced by its closed form (innermost first), for sympy's own lambdify."""
    return expr.replace(lambda e: isinstance(e, Primitive), lambda e: type(e).explicit(*e.args))


_ERF = np.vectorize(math.erf, otypes=[float])
_LAMBDA_CACHE: dict = {}


def _lambdify(lam: sp.Lambda):
    try:
        return _LAMBDA_CACHE[lam]
    except KeyError:
        f = sp.lambdify(lam.variables, _explicit(lam.expr), modules=[{"erf": _ERF}, "numpy"])
        _LAMBDA_CACHE[lam] = f
        return f


def evaluate(e, env: dict[str, np.ndarray]) -> np.ndarray:
    """Evaluate a concrete-shaped matrix expression with float64 numpy (no generated code)."""
    if isinstance(e, MatrixSymbol):
        return env[e.name]
    if isinstance(e, MatAdd):
        return sum((evaluate(a, env) for a in e.args[1:]), evaluate(e.args[0], env))
    if isinstance(e, MatMul):
        coeff, mats = e.as_coeff_matrices()
        out = evaluate(mats[0], env)
        for m in mats[1:]:
            out = out @ evaluate(m, env)
        return float(coeff) * out
    if isinstance(e, HadamardProduct):
        out = evaluate(e.args[0], env)
        for a in e.args[1:]:
            out = out * evaluate(a, env)
        return out
    if isinstance(e, HadamardPower):
        return evaluate(e.base, env) ** int(e.exp)
    if isinstance(e, Transpose):
        return evaluate(e.arg, env).T
    if isinstance(e, OneMatrix):
        return np.ones((int(e.shape[0]), int(e.shape[1])))
    if isinstance(e, ZeroMatrix):
        return np.zeros((int(e.shape[0]), int(e.shape[1])))
    if isinstance(e, Elementwise):
        args = [evaluate(m, env) for m in e.mats]
        return np.broadcast_to(np.asarray(_lambdify(e.lam)(*args), dtype=float), args[0].shape)
    if isinstance(e, Softmax):
        z = evaluate(e.arg, env)
        ex = np.exp(z - z.max(axis=e.axis, keepdims=True))
        return ex / ex.sum(axis=e.axis, keepdims=True)
    raise VerificationError(f"cannot evaluate {type(e).__name__} numerically: {e}")


def engine_values(d, params: dict, X: np.ndarray, Y1: np.ndarray) -> dict[str, np.ndarray]:
    """Forward values, error terms and gradients from the Derivation's equations (row layout)."""
    if d.layout != "row":
        raise VerificationError("generated code is checked against the row-layout derivation")
    sub = {dim: sp.Integer(w) for dim, w in zip(d.dims, d.spec.layers)}
    sub[d.batch] = sp.Integer(X.shape[0])
    env = {"X": X, "Y": Y1}
    for k, v in params.items():
        env[k] = v.reshape(-1, 1) if k.startswith("b") else v
    with np.errstate(all="ignore"):
        for eq in d.forward + d.backward + d.gradients:
            env[eq.lhs.name] = evaluate(eq.rhs.xreplace(sub), env)
    return env


def engine_loss(d, A: np.ndarray, Y1: np.ndarray) -> float:
    """The Derivation's loss equation evaluated directly on probabilities (no logits tricks)."""
    (s,) = d.loss.rhs.atoms(sp.Sum)
    a, y = sp.symbols("a y", real=True)
    body = s.function.replace(
        lambda e: isinstance(e, sp.Indexed),
        lambda e: y if e.base.label.name == "Y" else a)
    f = sp.lambdify((a, y), body, "numpy")
    total = float(np.sum(f(A, Y1)))
    rest = d.loss.rhs.xreplace({s: sp.Symbol("S")})
    return float(rest.subs({sp.Symbol("S"): total, d.batch: A.shape[0]}))


# -- sample points ----------------------------------------------------------------------------


def _targets(spec, rng, n: int):
    """(what the module takes, one-hot or value matrix the equations take)."""
    kind = spec.loss_entry.targets
    n_out = spec.layers[-1]
    if kind in ("onehot", "index"):
        labels = rng.integers(0, n_out, size=n)
        onehot = np.eye(n_out)[labels]
        return (labels if kind == "index" else onehot), onehot
    if kind == "binary":
        Y = rng.uniform(0.0, 1.0, size=(n, n_out))
        return Y, Y
    Y = rng.normal(size=(n, n_out))
    return Y, Y


def sample_point(module, d, rng, batch: int = BATCH):
    """Parameters, inputs and targets with every pre-activation away from 0 (redrawn if not)."""
    spec = d.spec
    for _ in range(50):
        params = module.init_params(rng)
        for k in params:
            if k.startswith("b"):
                params[k] = rng.normal(scale=0.5, size=params[k].shape)
        X = rng.normal(size=(batch, spec.layers[0]))
        env = engine_values(d, params, X, np.zeros((batch, spec.layers[-1])))
        if all(np.abs(env[f"Z{l}"]).min() > KINK_MARGIN for l in range(1, spec.depth + 1)):
            Ym, Y1 = _targets(spec, rng, batch)
            return params, X, Ym, Y1
    raise VerificationError(f"{spec.name}: no sample point away from activation kinks")


# -- the checks ---------------------------------------------------------------------------------


def check_interface(module, spec) -> None:
    """Constants, parameter shapes and dtypes, forward/backward shapes, float32 stays float32."""
    want = {"LOSS": spec.loss, "LAYERS": tuple(spec.layers), "BATCH": spec.conventions.batch,
            "SPEC_HASH": spec.hash()}
    for k, v in want.items():
        if getattr(module, k, None) != v:
            raise VerificationError(f"{spec.name}: {k} is {getattr(module, k, None)!r}, expected {v!r}")
    shapes = spec.shapes()
    for dtype in (np.float64, np.float32):
        params = module.init_params(np.random.default_rng(0), dtype=dtype)
        got = {k: (v.shape, v.dtype) for k, v in params.items()}
        if got != {k: (s, np.dtype(dtype)) for k, s in shapes.items()}:
            raise VerificationError(f"{spec.name}: init_params({np.dtype(dtype)}) gave {got}")
        X = np.random.default_rng(1).normal(size=(2, spec.layers[0])).astype(dtype)
        Yhat, cache = module.forward(params, X)
        if Yhat.shape != (2, spec.layers[-1]) or Yhat.dtype != dtype:
            raise VerificationError(f"{spec.name}: forward gave {Yhat.shape} {Yhat.dtype}")
        Ym, _ = _targets(spec, np.random.default_rng(2), 2)
        grads = module.backward(params, cache, Ym)
        bad = {k: (g.shape, g.dtype) for k, g in grads.items()
               if k not in shapes or g.shape != shapes[k] or g.dtype != dtype}
        if bad or set(grads) != set(shapes):
            raise VerificationError(f"{spec.name}: backward gave wrong shapes or dtypes: {bad or grads.keys()}")


def check_symbolic(module, d, params, X, Ym, Y1) -> tuple[int, float]:
    """The module's forward and backward against the engine's equations evaluated numerically."""
    env = engine_values(d, params, X, Y1)
    Yhat, cache = module.forward(params, X)
    L = d.spec.depth
    err = _relerr(Yhat, env[f"A{L}"])
    if err > SYM_RTOL:
        raise VerificationError(f"{d.spec.name}: emitted forward differs from eq. forward_a{L}"
                                f" (relative error {err:.3g})")
    grads = module.backward(params, cache, Ym)
    worst, n = 0.0, 0
    for k in params:
        want = env[f"dL_d{k}"].reshape(params[k].shape)
        err = _relerr(grads[k], want)
        if not err <= SYM_RTOL:
            raise VerificationError(f"{d.spec.name}: emitted gradient dL_d{k} differs from the engine's"
                                    f" symbolic gradient (relative error {err:.3g})")
        worst, n = max(worst, err), n + want.size
    lv = module.loss(params, X, Ym)
    direct = engine_loss(d, env[f"A{L}"], Y1)
    if not abs(lv - direct) <= SYM_RTOL * max(1.0, abs(direct)):
        raise VerificationError(f"{d.spec.name}: emitted loss {lv!r} differs from the loss equation"
                                f" evaluated directly ({direct!r})")
    return n, worst


def check_finite_differences(module, params, X, Ym, rng, name: str) -> tuple[int, float]:
    """Central differences of the emitted loss against the emitted backward, entry by entry."""
    _, cache = module.forward(params, X)
    grads = module.backward(params, cache, Ym)
    base = abs(module.loss(params, X, Ym))
    atol = 1e-8 * max(1.0, base)  # rounding noise of a difference quotient is ~1e-10 |L|
    worst, n = 0.0, 0
    for k, P in params.items():
        flat = P.reshape(-1)
        idx = np.arange(flat.size) if flat.size <= FD_SAMPLES else \
            np.sort(rng.choice(flat.size, FD_SAMPLES, replace=False))
        g = grads[k].reshape(-1)
        for i in idx:
            keep = flat[i]
            flat[i] = keep + FD_STEP
            up = module.loss(params, X, Ym)
            flat[i] = keep - FD_STEP
            down = module.loss(params, X, Ym)
            flat[i] = keep
            fd = (up - down) / (2 * FD_STEP)
            err = abs(fd - g[i])
            tol = FD_RTOL * max(abs(fd), abs(g[i])) + atol
            if not err <= tol:
                raise VerificationError(
                    f"{name}: dL_d{k}[{np.unravel_index(i, P.shape)}] = {g[i]!r} but central"
                    f" differences of the emitted loss give {fd!r}")
            worst, n = max(worst, err / tol), n + 1
    return n, worst


def check_train_step(module, d, params, X, Ym, Y1, rng) -> int:
    """The fused train_step against the engine: p - step * dL/dp and the loss, for both dtypes.

    It is run on three batches in turn, the second of another batch size, so a workspace that
    is reused (or a buffer shared by mistake) gives a wrong result; the largest update it
    reports is checked too. float32 parameters must stay float32, and so must every buffer.
    """
    from derive.procedure import update_rule

    spec, name, lr = d.spec, d.spec.name, 0.37
    n = 0
    batches = [(X, Ym, Y1)]
    for rows in (X.shape[0] + 2, X.shape[0]):
        Xb = rng.normal(size=(rows, spec.layers[0]))
        Ybm, Yb1 = _targets(spec, rng, rows)
        batches.append((Xb, Ybm, Yb1))
    for Xb, Ybm, Yb1 in batches:
        env = engine_values(d, params, Xb, Yb1)
        step = update_rule(spec).step(lr, Xb.shape[0])
        want_loss = engine_loss(d, env[f"A{spec.depth}"], Yb1)
        new, got_loss, largest = _step(module, params, Xb, Ybm, lr)
        if not abs(got_loss - want_loss) <= SYM_RTOL * max(1.0, abs(want_loss)):
            raise VerificationError(f"{name}: train_step's loss {got_loss!r} differs from the loss"
                                    f" equation ({want_loss!r})")
        biggest = 0.0
        for k in params:
            want = -step * env[f"dL_d{k}"].reshape(params[k].shape)
            err = _relerr(new[k] - params[k], want)
            if not err <= SYM_RTOL:
                raise VerificationError(f"{name}: train_step's update of {k} differs from"
                                        f" -step * dL_d{k} of the engine (relative error {err:.3g})")
            biggest = max(biggest, float(np.max(np.abs(want))))
            n += want.size
        if largest is not None and not abs(largest - biggest) <= SYM_RTOL * max(biggest, 1e-300):
            raise VerificationError(f"{name}: train_step reports the largest update {largest!r},"
                                    f" the engine's is {biggest!r}")
    before = {k: v.astype(np.float32) for k, v in params.items()}
    p32, got, _ = _step(module, before, X, Ym, lr)
    env = engine_values(d, params, X, Y1)
    step = update_rule(spec).step(lr, X.shape[0])
    for k in params:
        if p32[k].dtype != np.float32:
            raise VerificationError(f"{name}: float32 train_step turned {k} into {p32[k].dtype}")
        want = -step * env[f"dL_d{k}"].reshape(params[k].shape)
        if not _relerr(p32[k] - before[k], want) <= 1e-2:  # float32 differences of float32 values
            raise VerificationError(f"{name}: float32 train_step's update of {k} is wrong")
    bad = [] if _functional(module) else [
        b.dtype for b in module.workspace(X.shape[0], np.float32) if b.dtype != np.float32]
    if bad or not isinstance(got, float):
        raise VerificationError(f"{name}: the float32 workspace holds {bad} arrays")
    return n


def _functional(module) -> bool:
    """A JAX module: train_step returns new parameters instead of updating them in place."""
    return getattr(module, "BACKEND", "numpy") == "jax"


def _step(module, params, X, Y, lr):
    """(new parameters as numpy arrays, loss, largest update the module reports or None)."""
    if _functional(module):
        new, value = module.train_step(params, X, Y, lr)
        return {k: np.asarray(v) for k, v in new.items()}, float(value), None
    new = {k: v.copy() for k, v in params.items()}
    value, largest = module.train_step(new, X, Y, lr, return_max_update=True)
    return new, value, largest


def _relerr(got, want) -> float:
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if got.shape != want.shape:
        return math.inf
    scale = max(1e-12, float(np.max(np.abs(want), initial=0.0)))
    return float(np.max(np.abs(got - want), initial=0.0)) / scale


def verify_module(module, d, seed: int | None = None) -> Report:
    """Run every check on an imported module; raise VerificationError on the first mismatch."""
    spec = d.spec
    rng = np.random.default_rng(int(spec.hash(), 16) % 2**32 if seed is None else seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # an overflow in emitted code is a failure
        try:
            check_interface(module, spec)
            params, X, Ym, Y1 = sample_point(module, d, rng)
            n_sym, e_sym = check_symbolic(module, d, params, X, Ym, Y1)
            n_fd, e_fd = check_finite_differences(module, params, X, Ym, rng, spec.name)
            n_sym += check_train_step(module, d, params, X, Ym, Y1, rng)
        except VerificationError:
            raise
        except Exception as e:  # a crash in emitted code is a verification failure too
            raise VerificationError(f"{spec.name}: generated code failed its checks:"
                                    f" {type(e).__name__}: {e}") from e
    return Report(n_sym, n_fd, e_sym, e_fd)


def verify_source(source: str, d) -> Report:
    """Import emitted source in memory and verify it against the Derivation d."""
    try:
        module = import_source(source, f"nnderive_verify_{d.spec.name}")
    except Exception as e:
        raise VerificationError(f"{d.spec.name}: generated code does not import: {e}") from e
    return verify_module(module, d)
