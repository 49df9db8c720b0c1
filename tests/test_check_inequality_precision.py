"""An inequality's violation is confirmed at more digits: rounding noise that shrinks with precision is no counterexample."""

import pytest

from derive.check import check_claim

CASES = [
    # arccos is ill-conditioned near 1: at x = 10^-7 the two sides differ by noise at every precision
    (r"\arccos(\cos x) \le |x|", "holds"),
    (r"\arccos(\cos x) < |x|", "fails"),         # equal for |x| < pi
    (r"\arccos(\cos x) \ge |x|", "fails"),       # smaller beyond pi
    # the magnitude sweep's extra points (sigma(10^6) against 1) decide nothing they cannot
    (r"0 < \sigma(z) < 1", "holds"),
    (r"\sigma(x) \le 1", "holds"),
    (r"\sigma(x) < \frac{1}{2}", "fails"),
    (r"x^2 \ge 10^{-30} x", "fails"),            # a real difference far below 1 stays one
    (r"e^x > 1 + x", "fails"),
]


@pytest.mark.parametrize("claim,verdict", CASES)
def test_inequality_precision(claim, verdict):
    r = check_claim(claim)
    assert r.verdict == verdict, (r.verdict, r.counterexample, r.notes)
