"""The cheap symbolic proof lhs - rhs = 0 by expansion: a numeric witness skips it, results remembered.

``sp.expand`` of a difference that is not 0 is the costliest step of many scalar checks (a logistic
cost's derivative beside a wrong gradient: 0.1-0.2 s per entry, and a slip search re-checks a dozen
rewrites of the claim). Expansion is an equivalence transformation, so a difference that has a defined,
clearly nonzero value at one point can never expand to 0: one evaluation there (``difference_is_nonzero``)
answers "not proved" without expanding. The evaluation only ever skips a proof; it never proves one, so
it cannot make a claim hold. An evaluation that is undefined, unsupported or too close to 0 to tell
decides nothing and the expansion runs as before. Results are remembered per expression (a slip search
and a document check the same sides again).
"""

from __future__ import annotations

import random
from collections import OrderedDict
from fractions import Fraction

import mpmath
import sympy as sp

# A difference counts as nonzero at a point when it exceeds this fraction of the largest term (or 1): far
# above the rounding of 30-digit evaluation, so that an identity (whose difference is rounding noise, or an
# approximated derivative's error) is never taken for nonzero; then it is only expanded, as before.
_RELATIVE = mpmath.mpf(10) ** -10
_DIGITS = 30
_POINTS = 3              # points tried for one defined value
_SEED = 20261202         # fixed: the same expression is always tried at the same points
_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 512


def difference_is_nonzero(e) -> bool:
    """True when ``e`` has a defined value clearly away from 0 at a seeded point (so it is not identically 0);
    False when no point says so (undefined there, not evaluable, or 0 to the rounding)."""
    from .pointeval import RealEvaluator
    from .sampling import draw

    if not isinstance(e, sp.Basic) or not e.free_symbols:
        return False        # a constant: the expansion is cheap and decides it exactly
    labels = {i.base.label for i in e.atoms(sp.Indexed)}
    symbols = sorted((s for s in e.free_symbols if isinstance(s, sp.Symbol) and s not in labels), key=str)
    rng = random.Random(_SEED)
    for _ in range(_POINTS):
        env = {s: draw(rng, s) for s in symbols}
        try:
            with mpmath.workdps(_DIGITS):
                ev = RealEvaluator(env, _SEED)
                v = ev(e)
                if not isinstance(v, (mpmath.mpf, int, Fraction)):
                    return False
                scale = max(ev.mag, abs(v), mpmath.mpf(1))
                spread = 0 if ev.small == mpmath.inf or not ev.mag else mpmath.log10(ev.mag / ev.small)
                # terms far apart in size (cancellation below the rounding): this point cannot tell
                return bool(spread < 10 and abs(v) > _RELATIVE * scale)
        except Exception:  # noqa: BLE001 - undefined here, or not evaluable: try another point, or decide nothing
            continue
    return False


def expands_to_zero(entries, budget: float = 0.5, max_ops: int = 400) -> bool:
    """Every entry of a difference expands to 0 (within ``budget`` CPU seconds for them all); expressions
    that would blow up (more than ``max_ops`` operations, a sum raised to a power above 12) are not tried."""
    from .budget import OverBudget, time_budget

    key = tuple(entries)
    try:
        hit = _CACHE.get(key)
    except TypeError:       # an entry that cannot be hashed: not remembered
        key, hit = None, None
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    try:
        with time_budget(budget):
            got = _expand_all(entries, max_ops)
    except OverBudget:
        # not remembered: what a budget cut off depends on the machine, and an earlier check in the same
        # process must not change a later one's result
        return False
    if key is not None:
        _CACHE[key] = got
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return got


def _expand_all(entries, max_ops: int) -> bool:
    for e in entries:
        if not isinstance(e, sp.Basic):
            if e != 0:
                return False
            continue
        if sp.count_ops(e) > max_ops or any(p.exp.is_Integer and abs(int(p.exp)) > 12 and p.base.is_Add
                                            for p in e.atoms(sp.Pow)):
            return False
    for e in entries:       # a witness first: most differences that are not 0 are told at one point
        if difference_is_nonzero(e):
            return False
    return all(not isinstance(e, sp.Basic) or sp.expand(e) == 0 for e in entries)


def clear_cache() -> None:
    """Forget remembered results (tests)."""
    _CACHE.clear()
