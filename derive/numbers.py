"""Numbers as a reader writes them in LaTeX math: exact decimals, 10^{-6} rather than 1e-06, rounding stated."""

from __future__ import annotations

import sympy as sp


def _as_rational(x) -> sp.Rational:
    if isinstance(x, (float, sp.Float)):
        # the decimal the float was written as, exactly (1e-06 -> 1/1000000)
        return sp.Rational(repr(x) if isinstance(x, float) else str(x))
    return sp.Rational(x)


def _places(q: sp.Rational) -> int | None:
    """How many decimals the exact decimal q has; None when q is no finite decimal (1/3)."""
    rest = int(q.q)
    for f in (2, 5):
        while rest % f == 0:
            rest //= f
    if rest != 1:
        return None
    k = 0
    while (q * 10 ** k).q != 1:
        k += 1
    return k


def fmt_decimal(q: sp.Rational, places: int) -> str:
    """q >= 0 with exactly `places` decimals (q * 10^places must be an integer), no exponent."""
    whole, frac = divmod(int(q * 10 ** places), 10 ** places)
    return f"{whole}.{frac:0{places}d}" if places else str(whole)


def equals(x, digits: int = 4) -> str:
    """"= 0.5" for a value shown exactly, "\\approx 0.4082" for one rounded to `digits` significant digits."""
    x = sp.sympify(x)
    if x.is_Rational and _places(sp.Rational(x)) is not None:
        return "= " + number(x)
    return r"\approx " + number(x, digits, exact=False)


def number(x, digits: int = 6, exact: bool = True) -> str:
    """A number as a reader writes it, in LaTeX math: 0.02, 100, 10^{-6}, 2.5 \\cdot 10^{-4}.

    Exact decimals keep all their digits (unless exact is False); anything else (1/3, sqrt(2)) is
    rounded to `digits` significant digits. Magnitudes below 10^{-3} or from 10^{6} up get a power of ten, never an 1e-06."""
    if isinstance(x, sp.Expr) and not isinstance(x, (sp.Rational, sp.Float)):
        x, exact = sp.Float(sp.N(x, 30), 30), False  # sqrt(2), pi: rounded to `digits` significant digits
    q = _as_rational(x)
    if q == 0:
        return "0"
    sign, q = ("-" if q < 0 else ""), abs(q)
    e = len(str(q.p)) - len(str(q.q))  # then adjusted so that 10^e <= q < 10^(e + 1), exactly
    while q < sp.Rational(10) ** e:
        e -= 1
    while q >= sp.Rational(10) ** (e + 1):
        e += 1
    m = q / sp.Rational(10) ** e
    if not exact or _places(m) is None:  # round half up to `digits` significant digits
        n = int(sp.floor(m * 10 ** (digits - 1) + sp.Rational(1, 2)))
        if n == 10 ** digits:
            n, e = 10 ** (digits - 1), e + 1
        m = sp.Rational(n, 10 ** (digits - 1))
        q = m * sp.Rational(10) ** e
    if -3 <= e < 6:
        return sign + fmt_decimal(q, _places(q))
    if m == 1:
        return sign + f"10^{{{e}}}"
    return sign + f"{fmt_decimal(m, _places(m))} \\cdot 10^{{{e}}}"
