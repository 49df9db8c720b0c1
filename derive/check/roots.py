"""Where a switch or a gap of a claim sits along one variable: roots found exactly or numerically.

The sampler (``sampling``) and the inequality decider (``inequality``) look for the points where a
switch (a case condition, |.|, a step) changes sign, and where a side's difference vanishes, along one
variable with the others fixed: the exact root of a linear or low-degree polynomial switch, else a
grid of magnitudes refined by bisection.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy as sp

from .pointeval import ExactEvaluator, Inexact, RealEvaluator, Undefined, Unsupported
from .regions import derivative_along


def nodes(e) -> set:
    """The distinct subexpressions of e (a walk over its graph: a deep network's values share
    subexpressions, and their trees, which preorder_traversal and atoms walk, are exponentially larger)."""
    if not isinstance(e, sp.Basic):
        return set()
    seen, stack = set(), [e]
    while stack:
        x = stack.pop()
        if x in seen:
            continue
        seen.add(x)
        stack.extend(a for a in x.args if isinstance(a, sp.Basic) and a not in seen)
    return seen


@dataclass
class _Point:
    env: dict
    boundary: bool = False


_GRID = sorted({0.0} | {sg * 2.0 ** k for k in range(-6, 13) for sg in (1, -1)}
               | {sg * 3.0 * 2.0 ** k for k in range(-4, 8) for sg in (1, -1)})


def polynomial_real_roots(g, v, others, max_degree: int) -> list | None:
    """The real roots (SymPy numbers) of g along v with the others fixed, when that is a polynomial of
    degree 1..max_degree; else None."""
    try:
        h = g.xreplace({s: sp.Rational(val.numerator, val.denominator) for s, val in others.items()})
        if h.is_polynomial(v):
            poly = sp.Poly(h, v)
            if 1 <= poly.degree() <= max_degree:
                return [r for r in sp.roots(poly, filter="R") if r.is_real]
    except (sp.PolynomialError, TypeError, ValueError, NotImplementedError, sp.GeneratorsNeeded):
        pass
    return None


def _boundary_points(g, v, base: _Point, seed: int, found: list | None = None) -> list[_Point]:
    """Points where the switch g changes sign along v (others at the base point): just beyond
    each sign change on both sides, and on the boundary itself when it is a rational number.
    The boundaries are added to ``found`` (for ``gap_points``)."""
    others = {s: val for s, val in base.env.items() if s != v}
    out: list[_Point] = []
    exact_roots = []
    linear = _linear_root(g, v, others, seed)
    if linear is not None:
        roots, exact = linear
        if exact:
            exact_roots = [sp.Rational(roots[0].numerator, roots[0].denominator)]
    else:
        exact_roots = [r for r in polynomial_real_roots(g, v, others, 4) or () if r.is_Rational]
        roots = [Fraction(int(r.p), int(r.q)) for r in exact_roots]
        if not roots:
            roots = _numeric_roots(g, v, others, seed)
    if found is not None:
        found.extend(roots[:4])
    for r in roots[:4]:
        eps = _eps(r)
        for val in (r - eps, r + eps, r - 1, r + 1):
            out.append(_Point({**others, v: val}))
        if r in [Fraction(int(x.p), int(x.q)) for x in exact_roots]:
            out.append(_Point({**others, v: r}, boundary=True))
    return out


def _eps(r: Fraction) -> Fraction:
    """How far beside a boundary r the points just beyond it are."""
    return max(Fraction(1, 1000), abs(r) / 1000)


def gap_points(roots, v, base: _Point) -> list[_Point]:
    """A point inside every gap between neighbouring boundaries along v that the points beside each
    boundary (r +- eps) jump over: max(x, sqrt 2) against a case split at 1.4142 differs only on
    (1.4142, 1.41421356...), 1.4e-5 wide, which no point beside either boundary lands in."""
    others = {s: val for s, val in base.env.items() if s != v}
    rs = sorted(set(roots))
    return [_Point({**others, v: (a + b) / 2}) for a, b in zip(rs, rs[1:]) if b - a <= 2 * max(_eps(a), _eps(b))]


def _plain_summand(g, v) -> bool:
    """Whether v is a term of the sum g and appears in no other term (g = v + rest)."""
    if not isinstance(g, sp.Add) or v not in g.args:
        return False
    return not any(v in _symbols(a) for a in g.args if a != v)


def _symbols(e) -> set:
    """The symbols of e (``nodes``)."""
    return {x for x in nodes(e) if isinstance(x, sp.Symbol)}


def _linear_root(g, v, others, seed):
    """([root], exact) of g = v + rest along v, from one evaluation of g at v = 0; None otherwise."""
    if not _plain_summand(g, v):
        return None
    env = {**others, v: Fraction(0)}
    try:
        val, tainted = ExactEvaluator(dict(env), seed)(g)
        if not tainted:
            return [-val], True
    except (Inexact, Unsupported, Undefined, ZeroDivisionError, OverflowError, ValueError):
        pass
    try:
        with mpmath.workdps(30):
            val = RealEvaluator(dict(env), seed)(g)
    except (Undefined, Unsupported, ZeroDivisionError, ValueError, TypeError):
        return None
    return [Fraction(str(mpmath.nstr(-val, 25))).limit_denominator(10**12)], False


def _numeric_roots(g, v, others, seed, critical: bool = True) -> list[Fraction]:
    vals = []
    xs = [Fraction(x) for x in _GRID]
    if critical:
        # the switch's maxima and minima too (regions.py): a sliver of one sign between two grid
        # points shows there, and the bisections below then find its edges
        d = derivative_along(g, v)
        if d is not None:
            xs = sorted(set(xs) | set(_numeric_roots(d, v, others, seed, critical=False)))
    with mpmath.workdps(30):
        for x in xs:
            env = {**others, v: Fraction(x)}
            try:
                vals.append((x, RealEvaluator(env, seed)(g)))
            except (Undefined, Unsupported, ZeroDivisionError, ValueError, TypeError):
                continue
        roots = []
        for (x0, y0), (x1, y1) in zip(vals, vals[1:]):
            if y0 == 0:
                roots.append(Fraction(x0))
                continue
            if (y0 > 0) == (y1 > 0) or y1 == 0:
                continue
            lo, hi, ylo = Fraction(x0), Fraction(x1), y0
            for _ in range(40):
                mid = (lo + hi) / 2
                try:
                    ym = RealEvaluator({**others, v: mid}, seed)(g)
                except (Undefined, Unsupported):
                    break
                if (ym > 0) == (ylo > 0):
                    lo, ylo = mid, ym
                else:
                    hi = mid
            roots.append(((lo + hi) / 2).limit_denominator(10**12))
    return roots
