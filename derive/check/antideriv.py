"""Antiderivatives with steps: a claimed F that jumps where the integrand is defined is no antiderivative.

F' = f away from a jump does not make F an antiderivative of f on an interval (sign(x) is not one of
0): an antiderivative is differentiable, hence continuous, wherever f is defined. So where the
claimed side jumps (a sign, step, floor or case boundary) at a point where the integrand is finite,
the claim fails; a side whose jumps cannot be located is not decided.
"""

from __future__ import annotations

import sympy as sp

JUMPS = (sp.sign, sp.Heaviside, sp.floor, sp.ceiling, sp.frac, sp.Mod, sp.Piecewise, sp.DiracDelta)


def jump_of(side, integrand, t) -> str | None:
    """'F jumps at t = r (left a, right b)' for the first jump of side at a point where integrand is
    finite, None when no jump is found (or the jump points cannot be located)."""
    from .budget import OverBudget, time_budget

    try:
        with time_budget(2.0):
            for r in _jump_points(side, t):
                f = integrand.subs(t, r)
                if f.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or not f.is_finite:
                    continue
                left, right = sp.limit(side, t, r, "-"), sp.limit(side, t, r, "+")
                if left.is_finite and right.is_finite and sp.simplify(left - right) != 0:
                    return f"{side} jumps at {t} = {r} (from {left} to {right})"
    except (OverBudget, NotImplementedError, ValueError, TypeError, sp.PolynomialError):
        return None
    return None


def _jump_points(side, t) -> list:
    """Where the step functions of side switch along t (the first few, real and finite)."""
    args = []
    for q in side.atoms(sp.sign, sp.Heaviside):
        args.append((q.args[0], (0,)))
    for q in side.atoms(sp.floor, sp.ceiling, sp.frac):
        args.append((q.args[0], (-1, 0, 1)))
    for q in side.atoms(sp.Piecewise):
        for _, c in q.args:
            if isinstance(c, sp.core.relational.Relational):
                args.append((c.lhs - c.rhs, (0,)))
    out = []
    for u, levels in args:
        if t not in u.free_symbols:
            continue
        for k in levels:
            for r in sp.solve(sp.Eq(u, k), t):
                if r.is_real and r.is_finite and r not in out:
                    out.append(r)
    return out[:6]
