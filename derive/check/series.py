"""Series to infinity (\\sum_{k=0}^{\\infty}): SymPy's sum where it finds one, divergence said as such.

A series claimed equal to a value is claimed where it converges: SymPy's closed form with its
convergence condition (the geometric series for |x| < 1), undefined outside it, so points where the
series diverges do not count. A series that diverges everywhere has no value, so a claim that it
equals one fails. A series SymPy cannot sum (within its time budget) is not decided: a partial sum
agreeing to many digits is not a proof.
"""

from __future__ import annotations

import sympy as sp

from .syntax import NeedsSize, NotCheckableError
from .values import is_mat


def infinite_sum(ctx, var: str, lo_v, rest, interp, node):
    """The value of \\sum_{var=lo}^{\\infty} rest (see the module docstring)."""
    from .analysis import LimitDoesNotExist
    from .budget import OverBudget, time_budget

    k = sp.Symbol(var, integer=True)
    saved = ctx.indices.get(var)
    ctx.indices[var] = k
    try:
        body = interp.juxt(rest)
    except NeedsSize:
        raise interp.err("a series over an indexed family is not checked", node) from None
    finally:
        if saved is None:
            ctx.indices.pop(var, None)
        else:
            ctx.indices[var] = saved
    if is_mat(body):
        raise interp.err("a series of matrices is not checked", node)
    s = sp.Sum(body, (k, lo_v, sp.oo))
    shown = f"\\sum_{{{var}={lo_v}}}^{{\\infty}}"
    try:
        with time_budget(4.0):      # a cold SymPy takes 1-2 s for the exponential series
            closed = s.doit()
    except (OverBudget, NotImplementedError, ValueError, TypeError):
        closed = s
    if isinstance(closed, sp.Piecewise):
        # SymPy's value where the series converges; elsewhere no value (nan: those points do not count)
        closed = sp.Piecewise(*[(sp.nan if b.has(sp.Sum) else b, c) for b, c in closed.args])
    if closed in (sp.oo, -sp.oo, sp.zoo) or (closed.has(sp.Sum) and _diverges(s)):
        raise LimitDoesNotExist(f"the series {shown} diverges: it has no value")
    if closed.has(sp.Sum):
        # partial sums that agree to many digits are not a proof: not decided
        raise NotCheckableError(f"SymPy does not find the value of the series {shown} (within 4 s)")
    note = f"the series over {var} summed by SymPy: {closed}"
    if note not in ctx.sum_notes:
        ctx.sum_notes.append(note)
    return closed


def _diverges(s) -> bool:
    """SymPy's convergence tests say the series diverges (for a summand without other symbols)."""
    from .budget import OverBudget, time_budget

    if s.function.free_symbols - {s.limits[0][0]}:
        return False
    try:
        with time_budget(1.0):
            return s.is_convergent() is sp.false
    except (OverBudget, NotImplementedError, ValueError, TypeError, AttributeError):
        return False
