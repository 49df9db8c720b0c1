"""Leibniz's notation on one line: dy/dx, d(x^2)/dx and \\partial L / \\partial w are derivatives, not divisions."""

import pytest

from derive.check import check_claim

CASES = [
    ("dy/dx = 2x", ["y = x^2"], "holds"),
    ("dy/dx = x", ["y = x^2"], "fails"),
    (r"dL/dw = (y - t) x", [r"L = \frac{1}{2}(y - t)^2", "y = wx"], "holds"),
    (r"dL/dw = (y - t)", [r"L = \frac{1}{2}(y - t)^2", "y = wx"], "fails"),
    (r"\partial L / \partial w = (y - t) x", [r"L = \frac{1}{2}(y - t)^2", "y = wx"], "holds"),
    ("d(x^2)/dx = 2x", [], "holds"),
    (r"3\, d(x^2)/dx = 6x", [], "holds"),
    (r"d(\sin x)/dx = -\cos x", [], "fails"),
    # a plain division stays one
    ("a/b = a b^{-1}", [], "holds"),
    ("x/y = y/x", [], "fails"),
]


@pytest.mark.parametrize("claim,givens,verdict", CASES)
def test_slash_derivatives(claim, givens, verdict):
    r = check_claim(claim, givens=givens)
    assert r.verdict == verdict, (r.verdict, r.counterexample, r.notes)
