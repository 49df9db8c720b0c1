"""Arbitrary functions of a claim (f, g, an activation sigma, a cost C): SymPy functions with random values.

An author's f in ``(fg)' = f'g + fg'`` or the sigma of a generic network is no particular
function: it is a ``GenericFunction`` whose derivatives are again generic functions (f -> f' ->
f''; C(a_1, a_2) -> its partial derivatives), and whose values at a point are independent random
numbers drawn from a hash of the function, its derivative orders and the arguments. Two sides that
agree for such values agree for every differentiable function (an identity of the algebra).
"""

from __future__ import annotations

import hashlib
from fractions import Fraction

import sympy as sp

_CLASSES: dict[tuple[str, tuple[int, ...]], type] = {}


class GenericFunction(sp.Function):
    """An arbitrary differentiable function; ``gname`` is its spelling, ``orders`` its derivative counts."""

    gname: str = "f"
    orders: tuple[int, ...] = (0,)
    is_real = True

    def fdiff(self, argindex=1):
        k = argindex - 1
        orders = list(self.orders) if len(self.orders) == len(self.args) else [0] * len(self.args)
        orders[k] += 1
        return generic_function(self.gname, tuple(orders))(*self.args)

    def _latex(self, printer):
        args = ", ".join(printer._print(a) for a in self.args)
        total = sum(self.orders)
        name = self.gname
        if total == 0:
            return f"{name}\\left({args}\\right)"
        if len(self.args) == 1:
            primes = "'" * total if total <= 3 else f"^{{({total})}}"
            return f"{name}{primes}\\left({args}\\right)"
        parts = "".join(f"_{{{i + 1}}}" * o for i, o in enumerate(self.orders) if o)
        return f"\\partial{parts} {name}\\left({args}\\right)"

    _nnderive_latex = _latex    # the project's LaTeX printer (derive.present.latex_printer) asks for this

    def _sympystr(self, printer):
        args = ", ".join(printer._print(a) for a in self.args)
        total = sum(self.orders)
        if len(self.args) <= 1:
            return f"{self.gname}{chr(39) * total}({args})"
        return f"d{self.orders}{self.gname}({args})"


def generic_function(name: str, orders: tuple[int, ...] = (0,)) -> type:
    """The class of the generic function spelled name (e.g. '\\sigma', 'f', 'C') differentiated orders times."""
    key = (name, tuple(orders))
    cls = _CLASSES.get(key)
    if cls is None:
        safe = "".join(ch if ch.isalnum() else "_" for ch in name.lstrip("\\")) or "f"
        suffix = "_d" + "_".join(map(str, orders)) if any(orders) else ""
        cls = type(f"Generic_{safe}{suffix}", (GenericFunction,), {"gname": name, "orders": tuple(orders)})
        _CLASSES[key] = cls
    return cls


def is_generic(e) -> bool:
    return isinstance(e, GenericFunction)


def arg_key(v) -> str:
    """A point's coordinate as the key of a generic value: 25 significant digits, so that the exact
    and the high-precision evaluations of one argument give the same key."""
    import mpmath

    if isinstance(v, Fraction):
        with mpmath.workdps(40):
            v = mpmath.mpf(v.numerator) / v.denominator
    return mpmath.nstr(v, 25, min_fixed=-5, max_fixed=5) if v else "0"


def generic_value(seed: int, e: GenericFunction, keys: tuple[str, ...]) -> Fraction:
    """The random value of a generic function (or derivative) at arguments (their arg_key), in (-2, 2)."""
    h = hashlib.sha256(repr((seed, e.gname, tuple(e.orders), tuple(keys))).encode()).digest()
    v = int.from_bytes(h[:8], "big")
    num = (v % 3_999_999_999) - 1_999_999_999
    return Fraction(num, 1_000_000_000) if num else Fraction(1, 7919)


def family_value(seed: int, key: str) -> Fraction:
    """The value of an entry of an indexed family (x[3] inside a sum to n) that no point fixed."""
    h = hashlib.sha256(repr((seed, "family", key)).encode()).digest()
    v = int.from_bytes(h[:8], "big")
    num = (v % 1999) - 999
    return Fraction(num or 1, 1 + (v >> 20) % 7)
