"""Float64 evaluation of a Derivation and of the network's loss, for finite-difference checks.

The loss here is computed from the primitives' closed forms (``explicit``), never from the
derived equations, so central differences of it are an independent check of the gradients.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import sympy as sp

from .engine import Z_
from .evaluate import mat_eval
from .primitives import Primitive, SoftmaxEntry


def _explicit(expr):
    return expr.replace(lambda e: isinstance(e, Primitive) and not isinstance(e, SoftmaxEntry),
                        lambda e: type(e).explicit(*e.args))


@cache
def _compiled(lam: sp.Lambda):
    body = _explicit(lam.expr)
    for _ in range(3):  # explicit forms may contain further primitives (SiLU -> Sigmoid)
        body = _explicit(body)
    return sp.lambdify(lam.variables, body, modules=["scipy", "numpy"])


class FloatEvaluator:
    """The float64 matrix backend for evaluate.mat_eval."""

    def __init__(self, dtype=np.float64):
        self.dtype = dtype

    def ones(self, shape):
        return np.ones(shape, dtype=self.dtype)

    def scalar(self, e):
        return self.dtype(float(e))

    def elementwise(self, lam, arrays):
        with np.errstate(over="ignore"):
            out = _compiled(lam)(*arrays)
        return np.broadcast_to(np.asarray(out, dtype=self.dtype), arrays[0].shape).copy()

    def softmax(self, z, axis):
        e = np.exp(z - z.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)


def gradients_float(d, params: dict, X: np.ndarray, Y: np.ndarray) -> dict[str, np.ndarray]:
    """Evaluate the derivation's equations; X (N, n0) and Y (N, nL) are batch-first.

    Returns dL_dW{l} of shape (n_l, n_{l-1}) and dL_db{l} of shape (n_l,).
    """
    col = d.layout == "column"
    sub = {dim: sp.Integer(w) for dim, w in zip(d.dims, d.spec.layers)}
    sub[d.batch] = sp.Integer(X.shape[0])
    env = {"X": X.T if col else X, "Y": Y.T if col else Y}
    env["A0"] = env["X"]
    for name, v in params.items():
        env[name] = v.reshape(-1, 1) if name.startswith("b") else v
    ev = FloatEvaluator()
    for eq in d.forward + d.backward + d.gradients:
        env[eq.lhs.name] = mat_eval(eq.rhs.xreplace(sub), env, ev)
    out = {}
    for l in range(1, d.spec.depth + 1):
        out[f"W{l}"] = env[f"dL_dW{l}"]
        out[f"b{l}"] = env[f"dL_db{l}"].reshape(-1)
    return out


def loss_float(spec, params: dict, X: np.ndarray, Y: np.ndarray) -> float:
    """The loss from the closed-form primitives, batch-first X and Y."""
    a = X
    for l in range(1, spec.depth + 1):
        z = a @ params[f"W{l}"].T + params[f"b{l}"]
        if spec.activation(l).vector_valued:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
        else:
            a = FloatEvaluator().elementwise(sp.Lambda((Z_,), spec.activation(l).apply(Z_)), [z])
    A_, Y_ = sp.symbols("a y", real=True)
    lentry = spec.loss_entry
    term = FloatEvaluator().elementwise(sp.Lambda((A_, Y_), lentry.term.explicit(A_, Y_)), [a, Y])
    total = float(term.sum())
    return total / X.shape[0] if spec.conventions.batch == "mean" else total


def central_differences(spec, params: dict, X, Y, h: float = 1e-6) -> dict[str, np.ndarray]:
    """Central finite differences of loss_float for every parameter entry."""
    out = {}
    for name, v in params.items():
        g = np.zeros_like(v)
        for idx in np.ndindex(v.shape):
            old = v[idx]
            v[idx] = old + h
            up = loss_float(spec, params, X, Y)
            v[idx] = old - h
            down = loss_float(spec, params, X, Y)
            v[idx] = old
            g[idx] = (up - down) / (2 * h)
        out[name] = g
    return out
