"""Symbolic proof for sides that keep sums SymPy has no closed form of: linearity, then the summands.

A sum over the N samples of an indexed family (\\sum_{n=1}^{N} (w x_n - t_n) x_n) has no closed form, so
the sides cannot be expanded to one expression and such claims were only "checked for N = 1..30". Sums
are linear for every N (including the empty sum): sums with the same range are combined into one whose
summand is then shown to be 0 by the same means (recursively, for nested sums). Whatever is left outside
the sums, and sums inside other functions (\\ln \\sum_j e^{x_j}), must agree with each sum read as one
opaque symbol after its bound index is renamed. Only a proof is reported: anything not shown here stays
as it was ("checked"), so this can make no claim hold that the sampler does not also find equal.
"""
from __future__ import annotations

import sympy as sp

from .proof import expands_to_zero

MAX_SUMS = 12       # more sums than this in one difference is left to the sampler (speed)
MAX_DEPTH = 3       # nested sums proved this deep
MAX_OPS = 600       # larger differences are left to the sampler (expand_mul is not budgeted)


def sums_agree(lhs, rhs) -> bool:
    """lhs - rhs is 0 for every value of the sums' symbolic bounds (both scalar SymPy expressions)."""
    try:
        d = sp.sympify(lhs) - sp.sympify(rhs)
    except (TypeError, sp.SympifyError):  # pragma: no cover - the interpreter gives SymPy values
        return False
    if not d.has(sp.Sum) or d.has(sp.Product) or len(d.atoms(sp.Sum)) > MAX_SUMS \
            or sp.count_ops(d) > MAX_OPS:
        return False
    try:
        return _zero(d, 0)
    except (RecursionError, ValueError, TypeError, NotImplementedError):  # pragma: no cover - defensive
        return False


def _zero(d, depth: int) -> bool:
    if depth > MAX_DEPTH:
        return False
    if not d.has(sp.Sum):
        return expands_to_zero([d])
    d = sp.expand_mul(_canonical(d))
    groups: dict = {}       # (limits) -> [summand * coefficient]
    rest = []
    for term in sp.Add.make_args(d):
        coeff, inner = [], []
        for f in sp.Mul.make_args(term):
            (inner if isinstance(f, sp.Sum) else coeff).append(f)
        c = sp.Mul(*coeff)
        if len(inner) == 1 and len(inner[0].limits) == 1 and not c.has(sp.Sum):
            s = inner[0]
            (k, lo, hi) = s.limits[0]
            if k not in c.free_symbols:
                groups.setdefault((k, lo, hi), []).append(c * s.function)
                continue
        rest.append(term)
    for (k, lo, hi), parts in groups.items():
        if not _zero(sp.Add(*parts), depth + 1):
            return False
    rest_d = sp.Add(*rest)
    if not rest_d.has(sp.Sum):
        return expands_to_zero([rest_d]) if rest_d != 0 else True
    # sums inside other functions: each (canonical) sum one opaque symbol
    opaque = {s: sp.Dummy("S") for s in rest_d.atoms(sp.Sum)}
    return expands_to_zero([rest_d.xreplace(opaque)])


def _canonical(e):
    """Every sum with its bound index renamed to a Dummy named by its range and nesting, so that
    \\sum_i f(i) and \\sum_n f(n) over the same range are the same object, and every factor free of
    the index taken out of it (a_i \\sum_j b_j = \\sum_j a_i b_j); multi-index sums one index at a time."""
    def canon(s):
        expr = _canonical(s.function)
        for k, lo, hi in s.limits:          # innermost first
            expr = _one(expr, k, lo, hi)
        return expr
    return e.replace(lambda q: isinstance(q, sp.Sum), canon)


def _one(body, k, lo, hi):
    out = []
    for term in sp.Add.make_args(sp.expand_mul(body)):
        free = [f for f in sp.Mul.make_args(term) if k not in f.free_symbols]
        bound = sp.Mul(*[f for f in sp.Mul.make_args(term) if k in f.free_symbols])
        fresh = _dummy(lo, hi, bound)
        out.append(sp.Mul(*free) * sp.Sum(bound.xreplace({k: fresh}), (fresh, lo, hi)))
    return sp.Add(*out)


_DUMMIES: dict = {}


def _dummy(lo, hi, body):
    # one Dummy per (range, nesting level): the same range at the same depth gives the same symbol, so
    # equal sums compare equal; a sum inside a sum over the same range gets another symbol (no capture)
    level = sum(1 for _ in body.atoms(sp.Sum))
    key = (lo, hi, level)
    got = _DUMMIES.get(key)
    if got is None:
        got = _DUMMIES[key] = sp.Dummy("k", integer=True)
    return got
