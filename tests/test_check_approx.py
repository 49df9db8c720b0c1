"""\\approx against a written decimal is decided to the digits written; without digits it is not decided."""

import pytest

from derive.check import check_claim

CASES = [
    (r"\tanh(1) \approx 0.7616", (), (), "holds"),
    (r"\tanh(1) \approx 0.7626", (), (), "fails"),          # wrong in the 3rd decimal
    (r"\tanh(1) \approx 0.7615", (), (), "holds"),          # truncated, not rounded: said so
    (r"\pi \approx 3.15", (), (), "fails"),
    (r"0.333 \approx \frac{1}{3}", (), (), "holds"),       # the digits on the left
    (r"-\ln(0.3) \approx -1.204", (), (), "fails"),         # sign
    (r"\sigma(x) \approx 0.5", (), ("x=0",), "holds"),
    (r"L \approx 0.125", (r"L = \frac{1}{2}(y-a)^2",), ("y=1", "a=0.5"), "holds"),
    (r"L \approx 0.13", (r"L = \frac{1}{2}(y-a)^2",), ("y=1", "a=0.5"), "holds"),
    (r"L \approx 0.12", (r"L = \frac{1}{2}(y-a)^2",), ("y=1", "a=0.6"), "fails"),   # 0.08
    (r"\sin(x) \approx x", (), (), "not-checkable"),       # no digits say how close
    (r"\sigma(x) \approx 0.5", (), (), "not-checkable"),   # a function of x, not a number
]


@pytest.mark.parametrize("claim,givens,at,verdict", CASES)
def test_approx_to_the_written_digits(claim, givens, at, verdict):
    r = check_claim(claim, givens=givens, at=at)
    assert r.verdict == verdict, (r.verdict, r.method, r.counterexample, r.notes)


def test_the_truncation_is_named():
    r = check_claim(r"\tanh(1) \approx 0.7615")
    assert "truncated" in r.method and "0.7616" in r.method
