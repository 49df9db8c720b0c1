"""Exact evaluation: SymPy scalars to Fractions, and matrix expressions over a pluggable scalar backend.

``ExactEvaluator`` maps every transcendental value (sigma(3/7), log, exp, ...) to a random
rational atom shared by every occurrence, so that two expressions agree exactly only as
identities of the algebra; ``LocalRule`` is one scalar step of a forward pass (an activation,
a softmax entry, a loss term) with its partial derivatives, which ``ExactEvaluator.local``
evaluates at exact inputs for forward-mode differentiation; ``mat_eval`` evaluates the engine's
matrix expressions with concrete shapes, over exact (this module) or float (``derive.numeric``)
scalars.
"""

from __future__ import annotations

import hashlib
from fractions import Fraction
from functools import cache

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


class LocalRule:
    """One scalar step of a forward pass: ``expr`` in ``inputs``, with d expr / d input for the first ``wrt``.

    The partials are SymPy's derivatives of this one small expression: for a primitive f(s)
    that is exactly its ``fdiff`` (sympy.diff of a function application calls it), for a loss
    term's closed form the ordinary rules. Nothing nested is ever differentiated.
    """

    def __init__(self, expr: sp.Expr, inputs: tuple[sp.Symbol, ...], wrt: int | None = None):
        self.expr = expr
        self.inputs = tuple(inputs)
        self.partials = tuple(_partial(expr, s) for s in self.inputs[:len(self.inputs) if wrt is None else wrt])


def _partial(expr: sp.Expr, s: sp.Symbol) -> sp.Expr:
    """d expr / ds; for f(..., s, ...) with s once and bare, f's fdiff itself (what sympy.diff would call)."""
    if isinstance(expr, sp.Function) and expr.args.count(s) == 1 and \
            all(a == s or not a.has(s) for a in expr.args):
        return expr.fdiff(expr.args.index(s) + 1)
    return sp.diff(expr, s)


@cache
def _lambda_rule(lam: sp.Lambda) -> LocalRule:
    return LocalRule(lam.expr, lam.variables, wrt=0)


class ExactEvaluator:
    """Evaluates SymPy scalars to Fractions; transcendental values become shared random atoms."""

    def __init__(self, seed: int):
        self.seed = seed
        self.memo: dict = {}
        self.env: dict = {}
        self._local: dict = {}

    def local(self, rule: LocalRule, values: tuple[Fraction, ...]) -> tuple[Fraction, tuple[Fraction, ...]]:
        """rule's value and partial derivatives at exact input values (memoized per point).

        The atoms are this evaluator's, so sigma(3/7) here is the same number as sigma(3/7)
        anywhere else evaluated by it (in particular in the engine's equations).
        """
        key = (rule, values)
        hit = self._local.get(key)
        if hit is None:
            saved = self.env, self.memo
            self.env, self.memo = dict(zip(rule.inputs, values)), {}
            try:
                hit = (self(rule.expr), tuple(self(p) for p in rule.partials))
            finally:
                self.env, self.memo = saved
            self._local[key] = hit
        return hit

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
        # lam's body with its variables bound to each entry's values: the same evaluation (and
        # atoms) as the forward-mode proof's local rules, memoized per point
        rule = _lambda_rule(lam)
        out = np.empty(arrays[0].shape, dtype=object)
        for idx in np.ndindex(out.shape):
            out[idx] = self.local(rule, tuple(a[idx] for a in arrays))[0]
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


def mat_eval(e, env: dict, ev, sizes: dict | None = None) -> np.ndarray:
    """Evaluate a matrix expression with concrete shapes; ``ev`` supplies the scalar arithmetic.

    ``ev`` is an ExactEvaluator (object arrays of Fractions) or a FloatEvaluator (float arrays):
    both provide ones(shape), scalar(expr), elementwise(lam, arrays) and softmax(z, axis).
    ``sizes`` maps symbolic widths and the batch size to integers when ``e`` still has them
    (only all-ones shapes and scalar factors such as 1/N use them).
    """
    if sizes:
        return _mat_eval(e, env, ev, {k: sp.Integer(v) for k, v in sizes.items()})
    return _mat_eval(e, env, ev, None)


def _mat_eval(e, env: dict, ev, sizes) -> np.ndarray:
    def sub(x):
        return x.xreplace(sizes) if sizes and isinstance(x, sp.Basic) else x

    def rec(m):
        return _mat_eval(m, env, ev, sizes)

    if isinstance(e, MatrixSymbol):
        return env[e.name]
    if isinstance(e, MatAdd):
        out = None
        for a in e.args:
            v = rec(a)
            out = v if out is None else out + v
        return out
    if isinstance(e, MatMul):
        coeff, mats = e.as_coeff_matrices()
        out = rec(mats[0])
        for m in mats[1:]:
            out = out @ rec(m)
        return out * ev.scalar(sub(coeff)) if coeff != 1 else out
    if isinstance(e, HadamardProduct):
        out = rec(e.args[0])
        for m in e.args[1:]:
            out = out * rec(m)
        return out
    if isinstance(e, HadamardPower):
        return rec(e.base) ** int(e.exp)
    if isinstance(e, Transpose):
        return rec(e.arg).T
    if isinstance(e, OneMatrix):
        return ev.ones((int(sub(e.shape[0])), int(sub(e.shape[1]))))
    if isinstance(e, ZeroMatrix):
        return ev.ones((int(sub(e.shape[0])), int(sub(e.shape[1])))) * 0
    if isinstance(e, Elementwise):
        return ev.elementwise(e.lam, [rec(m) for m in e.mats])
    if isinstance(e, Softmax):
        return ev.softmax(rec(e.arg), e.axis)
    if isinstance(e, sp.Expr) and not isinstance(e, sp.MatrixExpr):
        return ev.scalar(sub(e))
    raise VerificationError(f"cannot evaluate matrix expression {type(e).__name__}: {e}")
