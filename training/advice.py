"""Learning-rate advice for a diverged run, from the curvature of the loss where the divergence started.

Gradient descent with step alpha on a loss whose Hessian has largest eigenvalue lambda is stable
near a minimum only for alpha * lambda < 2: along that direction each step multiplies the error by
(1 - alpha * lambda). So the learning rate a diverged run should have used is read off the loss
itself, at the parameters from which the loss began to grow: lambda is estimated there by power
iteration on Hessian-vector products (central differences of the generated backward pass), and
the advice is 1/lambda, half the stability limit, rounded down to one significant digit. The
steps are those of derive.procedure's update rule: the mean gradient, so lambda is the curvature
of the per-sample loss.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from types import ModuleType

ROWS = 1024  # training rows the curvature is measured on (the first ones: deterministic)
ITERATIONS = 40
TOLERANCE = 1e-3  # relative change of the eigenvalue estimate that ends the power iteration


@dataclass(frozen=True)
class Advice:
    """A learning rate to try and the sentence that explains where it comes from."""

    learning_rate: float
    text: str
    curvature: float | None = None


def _gradient(module: ModuleType, names: list[str], shapes: list[tuple[int, ...]],
              X: np.ndarray, Y: np.ndarray, per_sum: bool) -> Callable[[np.ndarray], np.ndarray]:
    sizes = [math.prod(s) for s in shapes]

    def grad(theta: np.ndarray) -> np.ndarray:
        params, start = {}, 0
        for name, shape, size in zip(names, shapes, sizes):
            params[name] = theta[start:start + size].reshape(shape)
            start += size
        _, cache = module.forward(params, X)
        g = module.backward(params, cache, Y)
        flat = np.concatenate([np.ravel(g[name]) for name in names])
        return flat / len(X) if per_sum else flat  # the per-sample loss: the steps' mean gradient

    return grad


def _power(op: Callable[[np.ndarray], np.ndarray], n: int, rng: np.random.Generator
           ) -> float | None:
    """The eigenvalue of largest magnitude of the symmetric operator op, or None."""
    v = rng.standard_normal(n)
    v /= np.linalg.norm(v)
    value = None
    for _ in range(ITERATIONS):
        w = op(v)
        norm = float(np.linalg.norm(w))
        if not math.isfinite(norm) or norm == 0.0:
            return value
        new = float(v @ w)
        v = w / norm
        if value is not None and abs(new - value) <= TOLERANCE * abs(new):
            return new
        value = new
    return value


def curvature(module: ModuleType, params: Mapping[str, np.ndarray], X: np.ndarray,
              Y: np.ndarray, per_sum: bool, seed: int = 0) -> float | None:
    """The largest eigenvalue of the Hessian of the per-sample training loss at params, or None.

    Hessian-vector products are central differences of the module's gradient; power iteration
    finds the eigenvalue of largest magnitude and, when that one is negative, a second run on
    H - mu I finds the largest (the one that limits the step).
    """
    names = sorted(params)
    shapes = [np.shape(params[k]) for k in names]
    theta = np.concatenate([np.ravel(np.asarray(params[k], dtype=np.float64)) for k in names])
    X = np.asarray(X[:ROWS], dtype=np.float64)
    Y = np.asarray(Y[:ROWS])
    if Y.dtype.kind == "f":
        Y = Y.astype(np.float64)
    grad = _gradient(module, names, shapes, X, Y, per_sum)
    eps = 1e-5 * (1.0 + float(np.linalg.norm(theta)))

    def hv(v: np.ndarray) -> np.ndarray:
        return (grad(theta + eps * v) - grad(theta - eps * v)) / (2 * eps)

    rng = np.random.default_rng(seed)
    with np.errstate(all="ignore"):
        mu = _power(hv, theta.size, rng)
        if mu is None or not math.isfinite(mu):
            return None
        if mu < 0:
            shifted = _power(lambda v: hv(v) - mu * v, theta.size, rng)
            if shifted is None or not math.isfinite(shifted):
                return None
            mu = shifted + mu
    return mu if mu > 0 else None


def _round_down(x: float) -> float:
    """x rounded down to one significant digit: 0.0347 -> 0.03."""
    exponent = math.floor(math.log10(x))
    return math.floor(x / 10 ** exponent) * 10 ** exponent


def advise(lr: float, lam: float | None, where: str) -> Advice:
    """The learning rate to try after diverging at lr, given the curvature lam at `where`."""
    if lam is None:
        guess = _round_down(lr / 10)
        return Advice(guess, f"the curvature of the loss {where} could not be measured; try a"
                             f" smaller learning rate such as {guess:g}")
    limit = 2.0 / lam
    guess = _round_down(min(1.0 / lam, lr / 2))
    if lr >= limit:
        why = (f"{where} the loss's steepest curvature (the largest eigenvalue of its Hessian) is"
               f" {lam:.3g}, so gradient descent is stable only below a learning rate of 2/{lam:.3g}"
               f" = {limit:.3g}")
    else:
        why = (f"{where} the curvature ({lam:.3g}, the largest Hessian eigenvalue) allows learning"
               f" rates up to {limit:.3g}, but it grew along the way")
    return Advice(guess, f"{why}; try a smaller learning rate such as {guess:g}", lam)
