"""Inequalities (<, \\le, \\ge, \\ne, chains 0 < \\sigma(z) < 1) decided by sampling, as equations are.

A scalar inequality written without a quantifier is claimed at every real point where both sides
are defined. The points are the equations' (several seeds from the claim's text, both sides of
every switch, integers and lattice points of floors) plus, along each variable, the roots of
lhs - rhs and of its derivative: where a strict inequality becomes an equality (x^2 + 1 > 2x at
x = 1) or where the gap is smallest. One point that violates the relation makes it fail; a
violation exactly on a boundary is a failure too (a strict inequality has no convention there).
"""

from __future__ import annotations

import re
from fractions import Fraction

import mpmath
import sympy as sp

from .pointeval import ExactEvaluator, Inexact, RealEvaluator, Undefined, Unsupported
from .roots import _numeric_roots, _Point, polynomial_real_roots
from .sampling import Outcome, Sampler

STRICT_LESS = ("<", "\\lt")
STRICT_GREATER = (">", "\\gt")
LESS = ("\\le", "\\leq", "\\leqslant")
GREATER = ("\\ge", "\\geq", "\\geqslant")
UNEQUAL = ("\\ne", "\\neq")
COMPARISON_OPS = STRICT_LESS + STRICT_GREATER + LESS + GREATER + UNEQUAL


def satisfied(op: str, sign: int) -> bool:
    """Whether lhs OP rhs holds when lhs - rhs has the given sign (-1, 0, 1)."""
    if op in STRICT_LESS:
        return sign < 0
    if op in STRICT_GREATER:
        return sign > 0
    if op in LESS:
        return sign <= 0
    if op in GREATER:
        return sign >= 0
    return sign != 0


def _sign(v) -> int:
    return (v > 0) - (v < 0)


class InequalitySampler(Sampler):
    """A Sampler whose points test lhs OP rhs instead of lhs = rhs (``op`` per entry pair)."""

    one_pass = False    # the first test is the relation's sign at the first precision

    def __init__(self, pairs, symbols, key: str, op: str = "<", **kw):
        super().__init__(pairs, symbols, key, **kw)
        self.op = op
        self.base = None
        self.unresolved: list = []      # points where the sides agree to every digit, not exactly

    def _exact_point(self, pt: _Point, seed: int):
        got = self._exact_rows(pt, seed)
        if got is None or isinstance(got, str):
            return got
        rows, switches = got
        for _idx, _a, _b, ((xa, ta), (xb, tb)) in rows:
            if ta or tb:
                return None
            if not satisfied(self.op, _sign(xa - xb)):
                self.differ.append((pt.env, (), xa, xb))
                return "differ"
        return self._equal(pt, [(xa - xb,) for _, _, _, ((xa, _), (xb, _)) in rows], switches, True, seed)

    def _agree(self, a, b, va, vb, mag, small, env, seed):
        """(relation holds, decided exactly), or None when the sides agree to every digit tried
        (an equality the evaluator cannot see exactly: neither side of a strict relation)."""
        try:
            ex = ExactEvaluator(dict(env), seed)
            (xa, ta), (xb, tb) = ex(a), ex(b)
            if not ta and not tb:
                return satisfied(self.op, _sign(xa - xb)), True
        except (Inexact, Unsupported, Undefined, ZeroDivisionError, OverflowError):
            pass
        d = va - vb
        prev = None
        if abs(d) > self._tol(self.digits, max(mag, abs(va), abs(vb))):
            if satisfied(self.op, _sign(d)):
                return True, False
            # a violation is confirmed at more digits first: arccos(cos x) against |x| at x = 10^-7 differs
            # by rounding noise at any precision (arccos is ill-conditioned near 1), but the noise shrinks
            prev = d
        for digits in (2 * self.digits + 20, 400, 1500, 3000):     # a gap of e^{-581} needs 260 digits
            if digits == 3000 and prev is None:
                break               # 3000 digits only to confirm a violation first seen at 1500
            got = self._difference(a, b, env, seed, digits)
            if got is None:
                return None
            if abs(got[0]) > got[1]:
                if prev is None and satisfied(self.op, _sign(got[0])):
                    return True, False
                if prev is not None and _sign(got[0]) == _sign(prev) and abs(got[0]) * 10 > abs(prev):
                    return satisfied(self.op, _sign(got[0])), False     # the same difference at more digits
                prev = got[0]
            else:
                prev = None
        if not self.sweeping and _exactly_zero(a - b, env):   # cosh 0 = 1: SymPy sees it exactly
            # (not at the magnitude sweep's extra points: sigma(10^6) against 1 agrees to every digit, and
            # a second of simplification there per point only confirms what the point cannot decide)
            return satisfied(self.op, 0), True
        if self.op in LESS + GREATER:
            return True, False      # equal to every digit satisfies a non-strict relation (as for '=')
        self.unresolved.append(env)
        return None

    def _equal(self, pt, values, switches, exact, seed) -> str:
        if self.base is None and not pt.boundary:
            self.base = pt
        return super()._equal(pt, values, switches, exact, seed)

    def run(self):
        out = super().run()
        if out.status == "equal" and self.base is not None:
            self._critical(self.base)
            out = self._outcome()
        return out

    def _critical(self, base: _Point):
        """Along each variable: the roots of lhs - rhs and of its derivative (and simple rationals
        beside them), where an inequality is tight or its gap is smallest; and the points where every
        entry of a vector is the same (where a symmetric inequality is tight: Cauchy-Schwarz)."""
        seed = next(iter(self.seed_counts), 0)
        for pt in _tied_points(base):
            if self.compare_point(pt, seed) == "differ":
                return
        for _idx, a, b in self.pairs:
            g = a - b
            for v in [s for s in sorted(g.free_symbols, key=str) if s in base.env][:3]:
                others = {s: val for s, val in base.env.items() if s != v}
                cands: list[Fraction] = []
                for h in (g, sp.diff(g, v)):
                    cands.extend(_refined(h, v, others, seed, r) for r in _roots(h, v, others, seed))
                for r in dict.fromkeys(cands):
                    for val in dict.fromkeys((r, r.limit_denominator(1000), r.limit_denominator(10))):
                        if self.compare_point(_Point({**others, v: val}), seed) == "differ":
                            return
                    if self.op not in LESS + GREATER and _touches(g, {**others, v: r}, seed, v):
                        # the sides meet at an irrational point (\sin x + \cos x = \sqrt{2} at pi/4):
                        # every rational point beside it satisfies a strict relation, which proves nothing
                        self.unresolved.append({**others, v: r})

    def _outcome(self):
        # a violation on a switch's boundary is a violation (no derivative convention applies)
        if self.kink and not self.differ:
            self.differ = list(self.kink)
        if self.unresolved and not self.differ:
            # equal to every digit at a point, yet not exactly: the relation there is not known
            where = ", ".join(f"{k} = {v}" if v.denominator < 10 ** 6 else f"{k} \u2248 {float(v):.12g}"
                              for k, v in sorted(self.unresolved[0].items(), key=lambda kv: str(kv[0])))
            return Outcome("undecided", self.equal_points, self.tried, reason=(
                f"at {where or 'the point'} the sides agree to every digit computed but are not known to be equal:"
                " whether the inequality holds there is not decided"))
        return super()._outcome()


def _refined(h, v, others, seed, r: Fraction) -> Fraction:
    """The root r of h along v refined to about 50 digits (Newton's method at 70 digits), else r."""
    def f(x):
        return RealEvaluator({**others, v: Fraction(str(x))}, seed)(h)
    try:
        with mpmath.workdps(70):
            x = mpmath.findroot(f, mpmath.mpf(r.numerator) / r.denominator, tol=mpmath.mpf(10) ** -55)
            if abs(x - mpmath.mpf(r.numerator) / r.denominator) > mpmath.mpf(10) ** -3:
                return r
            return Fraction(mpmath.nstr(x, 60, min_fixed=-mpmath.inf, max_fixed=mpmath.inf))
    except (Undefined, Unsupported, ValueError, ZeroDivisionError, TypeError, OverflowError):
        return r


def _touches(g, env, seed, v=None) -> bool:
    """lhs - rhs is 0 to 30 digits at the point (a refined critical point) but not flat there: 1/1000
    away it is clearly not 0 (a saturating side, \\tanh(-192) + 1 ~ e^{-384}, is tiny everywhere there)."""
    try:
        with mpmath.workdps(70):
            ev = RealEvaluator(dict(env), seed)
            d = ev(g)
            scale = 1 + ev.mag
            if abs(d) >= mpmath.mpf(10) ** -30 * scale:
                return False
            for var in ([v] if v is not None else list(env)):
                for h in (Fraction(1, 1000), Fraction(-1, 1000)):
                    if abs(RealEvaluator({**env, var: env[var] + h}, seed)(g)) > mpmath.mpf(10) ** -12 * scale:
                        return True
            return False
    except (Undefined, Unsupported, ValueError, ZeroDivisionError, TypeError, OverflowError):
        return False


def _exactly_zero(g, env) -> bool:
    """g at the point is 0 by SymPy's own exact simplification (within a short time budget)."""
    from ..primitives import Primitive
    from .budget import OverBudget, time_budget
    from .pointeval import _explicit

    try:
        with time_budget(1.0):
            z = g.xreplace({s: sp.Rational(v.numerator, v.denominator) for s, v in env.items()})
            # the checker's own functions (the sigmoid and its derivative) written out first
            for _ in range(4):
                w = z.doit().replace(lambda q: isinstance(q, Primitive), _explicit)
                if w == z:
                    break
                z = w
            return z == 0 or sp.simplify(z) == 0
    except (OverBudget, TypeError, ValueError, AttributeError, NotImplementedError):
        return False


def _roots(h, v, others, seed) -> list[Fraction]:
    """Real roots of h along v (others fixed): exact rational ones of a polynomial, else numeric."""
    found = polynomial_real_roots(h, v, others, 6)
    if found is not None:
        return [Fraction(int(r.p), int(r.q)) if r.is_Rational else
                Fraction(str(sp.N(r, 30))).limit_denominator(10 ** 9) for r in found][:6]
    try:
        # far out, a sign change of a numeric root search is mostly saturation (tanh(-4096) = -1 to
        # 30 digits), not a root: those points are beyond any digits the sides can be compared to
        return [r for r in _numeric_roots(h, v, others, seed) if abs(r) <= 200][:6]
    except (Undefined, Unsupported, ZeroDivisionError, ValueError, TypeError, OverflowError):
        return []


def check_inequality(claim: str, op: str, lhs, rhs, key: str, conds, domains, notes, at_txt=""):
    """The Result of one link lhs OP rhs of a scalar claim (both sides already interpreted)."""
    from functools import partial

    from .compare import NotCheckable, Result, compare_values
    from .values import is_mat

    if is_mat(lhs) or is_mat(rhs):
        raise NotCheckable("an inequality between matrices or vectors has no single meaning (entry by entry?"
                           " an order of matrices?); it is not checked")
    for side, v in (("left", lhs), ("right", rhs)):
        if isinstance(v, sp.Basic) and v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            return Result(claim, "not-checkable", notes=[f"the {side} side is infinite or undefined ({v}): an"
                                                         " inequality with it is not checked"] + notes)
    symbols = sorted({q for e in (lhs, rhs) for q in getattr(e, "free_symbols", set())}
                     | {q for c in conds for q in c.free_symbols}
                     | {q for d in domains for q in d.free_symbols if isinstance(q, sp.Symbol)}, key=str)
    cmp = compare_values(lhs, rhs, symbols, key + "|" + op, min_points=8, conditions=conds, domains=domains,
                         sampler=partial(InequalitySampler, op=op))
    notes = notes + [n for n in cmp.notes if n not in notes]
    if cmp.equal:
        how = cmp.how + (", and along each variable at the roots of the difference of the sides and of its"
                         " derivative" if symbols else "")
        if not symbols:
            how = "exact evaluation" if "exact" in cmp.how else cmp.how.split(" at ")[0]
        return Result(claim, "holds", how + at_txt, notes)
    if cmp.undecided:
        return Result(claim, "not-checkable", notes=[cmp.undecided] + notes)
    cx = f"{cmp.where or 'every point'}{at_txt}: left side = {cmp.lhs_value}, right side = {cmp.rhs_value}"
    return Result(claim, "fails", "", notes, counterexample=cx)


def _tied_points(base: _Point) -> list[_Point]:
    """The base point with the entries of each vector (x_1, x_2, ... of one letter) all set to the
    first entry's value, and all set to 1: empty when no letter has two entries."""
    groups: dict = {}
    for s in sorted(base.env, key=str):
        m = re.fullmatch(r"(.+?)_\{?(\d+)\}?", s.name)
        if m:
            groups.setdefault(m.group(1), []).append(s)
    groups = {k: v for k, v in groups.items() if len(v) > 1}
    if not groups:
        return []
    first = {**base.env, **{s: base.env[v[0]] for v in groups.values() for s in v}}
    ones = {**base.env, **{s: Fraction(1) for v in groups.values() for s in v}}
    return [_Point(first), _Point(ones)]
