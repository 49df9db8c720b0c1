"""Matrix-expression building blocks: element-wise application, softmax, and lifting scalars to matrices."""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import HadamardProduct, MatAdd, MatrixExpr, OneMatrix
from sympy.matrices.expressions.hadamard import HadamardPower

from .primitives import SoftmaxEntry


class Elementwise(MatrixExpr):
    """A scalar Lambda applied entry by entry to one or more same-shaped matrices."""

    def __new__(cls, lam: sp.Lambda, *mats):
        return sp.Basic.__new__(cls, lam, *mats)

    @property
    def lam(self) -> sp.Lambda:
        return self.args[0]

    @property
    def mats(self):
        return self.args[1:]

    @property
    def shape(self):
        return self.args[1].shape

    def _entry(self, i, j, **kwargs):
        return self.lam(*[m[i, j] for m in self.mats])


class Softmax(MatrixExpr):
    """softmax applied to each sample of Z: axis 0 normalises columns, axis 1 rows."""

    def __new__(cls, z, axis):
        return sp.Basic.__new__(cls, z, sp.Integer(axis))

    @property
    def arg(self):
        return self.args[0]

    @property
    def axis(self) -> int:
        return int(self.args[1])

    @property
    def shape(self):
        return self.args[0].shape

    def _entry(self, i, j, **kwargs):
        z = self.arg
        if self.axis == 0:
            return SoftmaxEntry(i, *[z[k, j] for k in range(z.shape[0])])
        return SoftmaxEntry(j, *[z[i, k] for k in range(z.shape[1])])


def ones_like(shape) -> OneMatrix:
    return OneMatrix(*shape)


def lift(expr: sp.Expr, bindings: dict[sp.Symbol, MatrixExpr]) -> MatrixExpr:
    """Turn a scalar expression in bound symbols into the matching element-wise matrix expression.

    Sums become matrix sums, products Hadamard products, constants multiples of the all-ones
    matrix, and anything else (a function call, a quotient) an Elementwise node, so the printed
    matrix form reads like the scalar it came from: a(1-a) lifts to A ⊙ (1 - A).
    """
    shape = next(iter(bindings.values())).shape
    return _Lifter(bindings, shape).lift(sp.sympify(expr))


class _Lifter:
    def __init__(self, bindings, shape):
        self.bindings = bindings
        self.shape = shape

    def lift(self, e):
        free = [s for s in self.bindings if e.has(s)]
        if not free:
            return e * ones_like(self.shape) if e != 0 else sp.ZeroMatrix(*self.shape)
        if e in self.bindings:
            return self.bindings[e]
        if isinstance(e, sp.Add):
            return MatAdd(*[self.lift(t) for t in _ordered(e)])
        if isinstance(e, sp.Mul):
            coeff, rest = e.as_coeff_Mul()
            factors = sp.Mul.make_args(rest)
            if all(self._liftable_factor(f) for f in factors):
                mats = [self.lift(f) for f in factors]
                body = mats[0] if len(mats) == 1 else HadamardProduct(*mats)
                return body if coeff == 1 else coeff * body
        if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp > 1:
            return HadamardPower(self.lift(e.base), e.exp)
        return self._elementwise(e)

    def _liftable_factor(self, f):
        return not (isinstance(f, sp.Pow) and f.exp.is_negative)

    def _elementwise(self, e):
        syms = [s for s in self.bindings if e.has(s)]
        dummies = [sp.Dummy(s.name) for s in syms]
        lam = sp.Lambda(tuple(dummies), e.xreplace(dict(zip(syms, dummies))))
        return Elementwise(lam, *[self.bindings[s] for s in syms])


def _ordered(add: sp.Add):
    """Terms with bound symbols first, so a - y lifts to A - Y rather than -Y + A."""
    return sorted(add.args, key=lambda t: (t.could_extract_minus_sign(), sp.default_sort_key(t)))
