"""Exact evaluation: SymPy scalars to Fractions, and matrix expressions over a pluggable scalar backend.

``ExactEvaluator`` maps every transcendental value (sigma(3/7), log, exp, ...) to a random
rational atom shared by every occurrence, so that two expressions agree exactly only as
identities of the algebra; ``mat_eval`` evaluates the engine's matrix expressions with concrete
shapes, over exact (this module) or float (``derive.numeric``) scalars.
"""

from __future__ import annotations

import hashlib
from fractions import Fraction

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

from .errors import VerificationError
from .matrix import Elementwise, Softmax
from .primitives import ELU, LeakyReLU, Primitive, ReLU, SoftmaxEntry, Step


class ExactEvaluator:
    """Evaluates SymPy scalars to Fractions; transcendental values become shared random atoms."""

    def __init__(self, seed: int):
        self.seed = seed
        self.memo: dict = {}
        self.env: dict = {}

    def atom(self, *key) -> Fraction:
        h = hashlib.sha256(repr((self.seed,) + key).encode()).digest()
        v = int.from_bytes(h[:8], "big")
        return Fraction(1 + v % 9973, 9974)  # strictly inside (0, 1), like a probability

    def __call__(self, e) -> Fraction:
        try:
            return self.memo[e]
        except KeyError:
            pass
        v = self._eval(e)
        self.memo[e] = v
        return v

    def _eval(self, e):
        if isinstance(e, sp.Rational):
            return Fraction(int(e.p), int(e.q))
        if e in self.env:
            return self.env[e]
        if isinstance(e, sp.Add):
            return sum((self(a) for a in e.args), Fraction(0))
        if isinstance(e, sp.Mul):
            out = Fraction(1)
            for a in e.args:
                out *= self(a)
            return out
        if isinstance(e, sp.Pow):
            if e.exp.is_Integer:
                return self(e.base) ** int(e.exp)
            return self.atom("pow", self(e.base), self(e.exp))
        if isinstance(e, sp.Piecewise):
            for expr, cond in e.args:
                if self.truth(cond):
                    return self(expr)
            raise VerificationError(f"no branch of {e} applies")
        if isinstance(e, sp.KroneckerDelta):
            return Fraction(int(self(e.args[0]) == self(e.args[1])))
        if isinstance(e, (ReLU, LeakyReLU, Step)):
            z = self(e.args[0])
            if isinstance(e, ReLU):
                return z if z > 0 else Fraction(0)
            if isinstance(e, LeakyReLU):
                return z if z > 0 else self(e.args[1]) * z
            return Fraction(1) if z > 0 else (Fraction(0) if z < 0 else self(e.args[1]))
        if isinstance(e, ELU):
            z = self(e.args[0])
            return z if z > 0 else -self(e.args[1]) * self.atom("ELU-", z)
        if isinstance(e, SoftmaxEntry):
            k = int(e.args[0])
            ex = [self.atom("exp", self(z)) for z in e.args[1:]]
            return ex[k] / sum(ex)
        if isinstance(e, (Primitive, sp.Function)):
            return self.atom(type(e).__name__, *[self(a) for a in e.args])
        if isinstance(e, sp.NumberSymbol):
            return self.atom(str(e))
        if isinstance(e, sp.Sum):
            return self._sum(e)
        if isinstance(e, sp.Indexed):
            base = self.env[e.base.label]
            return base[tuple(int(self(i)) - 1 for i in e.indices)]
        raise VerificationError(f"cannot evaluate {type(e).__name__}: {e}")

    # matrix backend used by mat_eval
    def ones(self, shape):
        return np.full(shape, Fraction(1), dtype=object)

    def scalar(self, e):
        return self(e)

    def elementwise(self, lam, arrays):
        out = np.empty(arrays[0].shape, dtype=object)
        for idx in np.ndindex(out.shape):
            out[idx] = self(lam.expr.xreplace({v: sp.Rational(a[idx].numerator, a[idx].denominator)
                                               for v, a in zip(lam.variables, arrays)}))
        return out

    def softmax(self, z, axis):
        ex = np.vectorize(lambda x: self.atom("exp", x), otypes=[object])(z)
        return ex / ex.sum(axis=axis, keepdims=True)

    def truth(self, cond) -> bool:
        if cond in (sp.true, True):
            return True
        if cond in (sp.false, False):
            return False
        if isinstance(cond, sp.StrictGreaterThan):
            return self(cond.lhs) > self(cond.rhs)
        if isinstance(cond, sp.StrictLessThan):
            return self(cond.lhs) < self(cond.rhs)
        if isinstance(cond, sp.GreaterThan):
            return self(cond.lhs) >= self(cond.rhs)
        if isinstance(cond, sp.LessThan):
            return self(cond.lhs) <= self(cond.rhs)
        if isinstance(cond, sp.Eq):
            return self(cond.lhs) == self(cond.rhs)
        raise VerificationError(f"cannot decide condition {cond}")

    def _sum(self, e: sp.Sum):
        body, limits = e.function, e.limits
        (var, lo, hi), rest = limits[0], limits[1:]
        inner = sp.Sum(body, *rest) if rest else body
        total = Fraction(0)
        for v in range(int(self(lo)), int(self(hi)) + 1):
            self.env[var] = Fraction(v)
            self.memo = {k: x for k, x in self.memo.items() if not k.has(var)} if self.memo else {}
            total += self(inner)
        self.env.pop(var, None)
        self.memo = {k: x for k, x in self.memo.items() if not k.has(var)}
        return total


# -- exact matrix evaluation of the engine's equations ------------------------------------------


def mat_eval(e, env: dict, ev) -> np.ndarray:
    """Evaluate a matrix expression with concrete shapes; ``ev`` supplies the scalar arithmetic.

    ``ev`` is an ExactEvaluator (object arrays of Fractions) or a FloatEvaluator (float arrays):
    both provide ones(shape), scalar(expr), elementwise(lam, arrays) and softmax(z, axis).
    """
    if isinstance(e, MatrixSymbol):
        return env[e.name]
    if isinstance(e, MatAdd):
        out = None
        for a in e.args:
            v = mat_eval(a, env, ev)
            out = v if out is None else out + v
        return out
    if isinstance(e, MatMul):
        coeff, mats = e.as_coeff_matrices()
        out = mat_eval(mats[0], env, ev)
        for m in mats[1:]:
            out = out @ mat_eval(m, env, ev)
        return out * ev.scalar(coeff) if coeff != 1 else out
    if isinstance(e, HadamardProduct):
        out = mat_eval(e.args[0], env, ev)
        for m in e.args[1:]:
            out = out * mat_eval(m, env, ev)
        return out
    if isinstance(e, HadamardPower):
        return mat_eval(e.base, env, ev) ** int(e.exp)
    if isinstance(e, Transpose):
        return mat_eval(e.arg, env, ev).T
    if isinstance(e, OneMatrix):
        return ev.ones((int(e.shape[0]), int(e.shape[1])))
    if isinstance(e, ZeroMatrix):
        return ev.ones((int(e.shape[0]), int(e.shape[1]))) * 0
    if isinstance(e, Elementwise):
        return ev.elementwise(e.lam, [mat_eval(m, env, ev) for m in e.mats])
    if isinstance(e, Softmax):
        return ev.softmax(mat_eval(e.arg, env, ev), e.axis)
    if isinstance(e, sp.Expr) and not isinstance(e, sp.MatrixExpr):
        return ev.scalar(e)
    raise VerificationError(f"cannot evaluate matrix expression {type(e).__name__}: {e}")
