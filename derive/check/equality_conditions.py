"""Equalities a claim is stated under (p_i - y_i ... since \\sum_k y_k = 1): imposed by solving for one symbol."""

from __future__ import annotations

import sympy as sp

from .budget import time_budget
from .values import is_mat


def impose_equalities(lhs, rhs, conds, domains, ctx, notes):
    """The sides, conditions and domains with every equality condition solved for one of its symbols
    and substituted (the last symbol, in name order, that it determines uniquely: y_K of y_1 + ... + y_K
    = 1). An equality no symbol can be solved for is left to the sampler, which refuses if no point meets
    it; a claim is never checked where its stated condition fails."""
    eqs = [c for c in conds if isinstance(c, sp.Equality)]
    if not eqs:
        return lhs, rhs, conds, domains
    rest = [c for c in conds if not isinstance(c, sp.Equality)]
    sub: dict = {}
    for c in eqs:
        c = c.xreplace(sub)
        if c is sp.true:
            continue
        if c is sp.false:
            from .compare import NotCheckable

            raise NotCheckable("the stated equalities contradict each other")
        solved = _solve_one(c)
        if solved is None:
            rest.append(c)
            continue
        s, value = solved
        sub = {k: v.xreplace({s: value}) for k, v in sub.items()}
        sub[s] = value
        note = "checked where the stated equality holds (solved for one of its symbols, substituted)"
        if note not in notes:
            notes.append(note)
    if not sub:
        return lhs, rhs, conds, domains

    def put(e):
        return e.applyfunc(lambda x: x.xreplace(sub)) if is_mat(e) else (e.xreplace(sub) if hasattr(e, "xreplace")
                                                                           else e)

    ctx.differentiated = [(f.xreplace(sub), v) for f, v in getattr(ctx, "differentiated", []) if v not in sub]
    return put(lhs), put(rhs), [c.xreplace(sub) for c in rest], [d.xreplace(sub) for d in domains]


def _solve_one(c):
    """(symbol, value) for the last symbol the equality determines uniquely, or None."""
    for s in sorted(c.free_symbols, key=str, reverse=True):
        if not isinstance(s, sp.Symbol):
            continue
        try:
            with time_budget(2.0):
                sols = sp.solve(c, s, dict=False)
        except Exception:  # noqa: BLE001 - an equality SymPy cannot solve is left to the sampler
            continue
        if isinstance(sols, list) and len(sols) == 1 and s not in getattr(sols[0], "free_symbols", {s}):
            return s, sols[0]
    return None
