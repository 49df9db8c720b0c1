"""SymPy's closed form of a sum or product (``doit``) within a CPU budget, remembered per expression."""

from __future__ import annotations

from collections import OrderedDict

_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 256


def closed_form(s, budget: float = 1.0):
    """``s.doit()`` within ``budget`` CPU seconds; ``s`` itself where SymPy gives up or runs out of time.

    Remembered (speed, issue 9.7): a slip search re-checks a dozen rewrites of one claim whose left side
    (\\sum_{k=0}^{n} k\\binom{n}{k}) is summed again each time, 0.2-1 s in SymPy's hypergeometric
    summation. A result cut off by the budget is not remembered: it depends on the machine, and an
    earlier check in the process must not change a later one's result. doit is deterministic.
    """
    from .budget import OverBudget, time_budget

    try:
        hit = _CACHE.get(s)
    except TypeError:       # not hashable: not remembered
        hit = None
    if hit is not None:
        _CACHE.move_to_end(s)
        return hit
    try:
        with time_budget(budget):
            closed = s.doit()
    except OverBudget:
        return s
    except (NotImplementedError, ValueError, TypeError):
        closed = s
    try:
        _CACHE[s] = closed
    except TypeError:
        return closed
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return closed


def clear_cache() -> None:
    """Forget remembered closed forms (tests)."""
    _CACHE.clear()
