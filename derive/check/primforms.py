"""Primitives at a point without building their closed forms on a deep argument: forms on symbols, and kinks.

Building Piecewise((z, z > 0), ...) or tanh(z) of a deep network's pre-activation z makes SymPy
inspect the whole argument at every sample point; the point evaluators (``pointeval``) instead
evaluate each primitive's closed form once written on fresh symbols, bound to the arguments' values,
and ReLU, leaky ReLU and the step directly from the argument's sign. Switches seen inside a form are
recorded in the actual arguments, so samplers cover both sides of them.
"""

from __future__ import annotations

import sympy as sp

from ..primitives import LeakyReLU, ReLU, Step

_FORMS: dict = {}
_SWITCHES = (sp.Piecewise, sp.Max, sp.Min, sp.Abs, sp.sign, sp.Heaviside, sp.floor, sp.ceiling, sp.frac,
             sp.DiracDelta)
KINKED = (ReLU, LeakyReLU, Step)


def explicit_form(cls, n: int, k=None):
    """(symbols, closed form, whether it has a switch) of a primitive applied to n fresh real
    symbols (cached per class); ``k`` is a softmax entry's index (its first argument, not a symbol)."""
    key = (cls, n, k)
    if key not in _FORMS:
        syms = sp.symbols(f"_s0:{n}", real=True)
        form = cls.explicit(*syms) if k is None else cls.explicit(k, *syms)
        _FORMS[key] = (syms, form, form.has(*_SWITCHES))
    return _FORMS[key]


def kinked(ev, e, z, value, v=None):
    """ReLU, leaky ReLU and the step at a point where the argument's sign is z's (their closed
    forms' cases, without building them); ``v`` is the argument's value (z itself when exact)."""
    v = z if v is None else v
    if isinstance(e, Step):
        return (v * 0 + 1) if z > 0 else (v * 0 if z < 0 else _plain(value(e.args[1])))
    if z > 0:
        return v
    if isinstance(e, ReLU):
        return v * 0
    return _plain(value(e.args[1])) * v


def _plain(x):
    return x[0] if isinstance(x, tuple) else x


def by_form(ev, e):
    """A primitive at ev's point, by its closed form on symbols (a softmax entry's too: building
    exp(z_k) / sum_j exp(z_j) on a deep network's z made SymPy inspect every z at every point)."""
    from ..primitives import SoftmaxEntry

    if isinstance(e, SoftmaxEntry):
        args = e.args[1:]
        syms, form, switched = explicit_form(SoftmaxEntry, len(args), int(e.args[0]))
    else:
        args = e.args
        syms, form, switched = explicit_form(type(e), len(args))
    sub = type(ev)({}, ev.seed)
    for s, a in zip(syms, args):
        sub.memo[s] = ev(a)
    inner = getattr(ev, "exact", None)
    if inner is not None and switched:
        for s, a in zip(syms, args):
            try:
                sub.exact.memo[s] = inner(a)
            except Exception:  # noqa: BLE001 - no exact value: the sign is decided in reals
                pass
    v = sub(form)
    rule = dict(zip(syms, args))
    for g, signs in sub.switches.items():
        ev.switches.setdefault(g.xreplace(rule), set()).update(signs)
    if hasattr(ev, "mag"):
        ev.mag, ev.small = max(ev.mag, sub.mag), min(ev.small, sub.small)
    elif sub.domain_unknown:
        ev.domain_unknown = True
    return v
