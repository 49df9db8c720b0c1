"""Regions random points miss: a ladder of magnitudes per variable, and a switch's critical points.

Two holes a sampling checker falls into (tests/corpus/heldout_adversarial2.toml):

- every random draw is of moderate size, so a claim wrong only for |x| > pi (arccos(cos x) = |x|), only
  beyond 10^5 (floor(|x|/10^5) = 0) or only below 10^-7 is never tried there. ``magnitude_points``
  gives, for each real variable, points from 10^-9 to 10^6 of both signs with the others at the base
  point (and a few non-round values, so that periodic functions are not met only at their zeros);
- a switch whose positive side is a sliver between grid points (max(0, 10^-6 - (x^3 - 2x - 5)^2),
  positive within 9e-5 of a root of a cubic) shows no sign change on any grid. The maximum of a smooth
  switch lies where its derivative vanishes, so ``critical_points`` finds the sign changes of the
  derivative along the variable; the switch evaluated there shows the sliver, and the bisection between
  it and a grid point finds its boundaries.
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

# 10^-9 .. 10^6 (larger values make e^{e^x} a number of 10^{10^6} digits) and odd values between (5, 13, 7/3 are not near a multiple of pi/4); both signs
_LADDER = ([Fraction(1, 10 ** k) for k in (9, 7, 5, 3)] + [Fraction(1, 7), Fraction(7, 3), Fraction(5),
           Fraction(13), Fraction(101, 3)] + [Fraction(10 ** k) for k in (3, 5, 6)] + [Fraction(123457)])


def magnitude_points(symbols, base_env: dict, admissible, limit: int = 3) -> list[dict]:
    """Environments with one real (non-integer) variable at each rung of the ladder, both signs,
    the others as in base_env; at most ``limit`` variables, in the given order, one per name (x of x_1, x_2)."""
    out = []
    reals, bases = [], set()
    for s in symbols:
        base = str(s).split("_")[0]
        if s in base_env and not getattr(s, "is_integer", False) and base not in bases:
            # one entry of each vector (z_1 of z_1..z_8): its entries play one role, and a ladder for each
            # of them made an index claim at length 8 cost seconds
            reals.append(s)
            bases.add(base)
    reals = reals[:limit]
    for s in reals:
        for mag in _LADDER:
            for val in (mag, -mag):
                if admissible(s, val):
                    out.append({**base_env, s: val})
    return out


def derivative_along(g, v):
    """dg/dv, or None where SymPy cannot differentiate it into something evaluable (no Subs or
    unevaluated Derivative: the evaluators know neither)."""
    try:
        d = sp.diff(g, v)
    except (TypeError, ValueError, NotImplementedError):
        return None
    if d == 0 or d.has(sp.Derivative, sp.Subs):
        return None
    return d
