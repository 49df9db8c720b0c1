"""Regions random points miss (issue 9.2): far and tiny magnitudes, slivers between grid points, near misses."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp

from derive.check import check_claim
from derive.check.regions import derivative_along, magnitude_points

CLAIMS = [  # (claim, verdict): each false one held before regions.py (heldout_adversarial2)
    (r"\left\lfloor \frac{|x|}{10^{5}} \right\rfloor = 0", "fails"),            # wrong beyond 10^5 only
    (r"\arccos(\cos x) = |x|", "fails"),                                         # wrong beyond pi only
    (r"\max(0, 10^{-6} - (x^3 - 2x - 5)^2) = 0", "fails"),                      # a 1.8e-4 sliver at a root
    (r"\max(0, 10^{-7} - |x|) = 0", "fails"),                                    # below 10^-7 only
    (r"\min(x, 10^{4}) = x", "fails"),
    # true twins, so that the new points cost no false fail
    (r"\max(x^3 - 3x, 1) = \frac{x^3 - 3x + 1 + |x^3 - 3x - 1|}{2}", "holds"),
    (r"\cosh^2 x - \sinh^2 x = 1", "holds"),
    (r"\ln\sigma(x) = -\ln(1 + e^{-x})", "holds"),       # at x = 1000: 1/(1 + u) needs twice the spread
    (r"\ln(1 - \sigma(x)) = \ln\sigma(x) - x", "holds"),
    (r"-1 < \tanh x < 1", "holds"),                      # tanh(-10^5) = -1 to 86859 digits: decides nothing
    (r"\ln(1 + e^x) > x", "holds"),
    (r"\frac{x^2}{x^2 + 10^{-14}} = 1 - \frac{10^{-14}}{x^2 + 10^{-14}}", "holds"),
    # a near miss that is a real difference stays one
    (r"e^{x} = e^{x}(1 + 10^{-150})", "fails"),
    (r"\frac{\sin(10^{-8} x)}{10^{-8}} = x", "fails"),
]


@pytest.mark.parametrize("claim, verdict", CLAIMS)
def test_regions(claim, verdict):
    r = check_claim(claim)
    assert r.verdict == verdict, r


def test_arccos_counterexample_is_a_real_one():
    # at x = 10^-9 arccos(cos x) loses 9 digits: that noise must not be the counterexample
    r = check_claim(r"\arccos(\cos x) = |x|")
    assert "differ beyond the digits shown" not in r.counterexample, r.counterexample


def test_magnitude_points():
    x, n = sp.Symbol("x", real=True), sp.Symbol("n", integer=True)
    pts = magnitude_points([x, n], {x: Fraction(1, 2), n: Fraction(3)}, lambda s, v: True)
    xs = sorted(p[x] for p in pts)
    assert xs[0] == -10 ** 6 and xs[-1] == 10 ** 6 and Fraction(1, 10 ** 9) in xs and Fraction(-1, 10 ** 9) in xs
    assert all(p[n] == 3 for p in pts)               # whole-number symbols have their own sweep
    pos = magnitude_points([x], {x: Fraction(1)}, lambda s, v: v > 0)
    assert pos and all(p[x] > 0 for p in pos)


@pytest.mark.parametrize("g, ok", [("x**3 - 2*x", True), ("5", False)])
def test_derivative_along(g, ok):
    x = sp.Symbol("x", real=True)
    assert (derivative_along(sp.sympify(g, locals={"x": x}), x) is not None) == ok
