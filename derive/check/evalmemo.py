"""Memos of the point evaluators: what SymPy recomputes on each call and is the same at every point."""

from __future__ import annotations

from functools import lru_cache

import mpmath
import sympy as sp

_FREE: dict = {}   # expression -> its free symbols (a pure function; a sum's terms ask it for every entry)


def free_of(e, default):
    """``e.free_symbols`` (``(default,)`` for what has none), remembered: SymPy recomputes it on each call."""
    try:
        return _FREE[e]
    except KeyError:
        pass
    except TypeError:     # unhashable
        return getattr(e, "free_symbols", (default,))
    got = getattr(e, "free_symbols", None)
    if got is None:
        return (default,)
    if len(_FREE) > 20000:
        _FREE.clear()
    _FREE[e] = got
    return got


@lru_cache(maxsize=8192)
def entry_key(fast):
    """(sp.Indexed(base, *indices), its text) for (base, indices): built once, not at every point."""
    key = sp.Indexed(fast[0], *fast[1])
    return key, str(key)


_CALLS: dict = {}   # (function, argument, precision) -> value: both sides, every precision pass and every
# rewrite a slip search rechecks meet the same e^{z_j} at the same points


def real_call(f, x):
    """f(x) for an mpmath function of one real argument at the current precision, remembered."""
    key = (f, x, mpmath.mp.prec)
    try:
        return _CALLS[key]
    except KeyError:
        pass
    except TypeError:     # unhashable
        return f(x)
    v = f(x)
    if len(_CALLS) > 50000:
        _CALLS.clear()
    _CALLS[key] = v
    return v
