"""Evaluation bars written without \\left.: f(x)|_{x=1}, \\Big|_{x=2}, \\bigg|_{x=3}, \\vert_{x=0}."""

import pytest

from derive.check import check_claim

CASES = [
    (r"\frac{d}{dx}(3x^2 + 2x)|_{x=1} = 8", "holds"),
    (r"\frac{d}{dx}(3x^2 + 2x)|_{x=1} = 5", "fails"),
    (r"\frac{d}{dx}\left(x^2 + 3x\right)\Big|_{x=2} = 7", "holds"),
    (r"\frac{d}{dx}\left(x^2 + 3x\right)\Big|_{x=2} = 6", "fails"),
    (r"x^2 \bigg|_{x=3} = 9", "holds"),
    (r"\sin x \vert_{x=0} = 0", "holds"),
    (r"\left.\frac{d}{dx}(3x^2 + 2x)\right|_{x=1} = 8", "holds"),
    # bars that are absolute values or norms stay so
    (r"|x - 1| = |1 - x|", "holds"),
    (r"\|v\|_2 = \sqrt{v^T v}", "holds"),
]


@pytest.mark.parametrize("claim,verdict", CASES)
def test_evaluation_bars(claim, verdict):
    r = check_claim(claim)
    assert r.verdict == verdict, (r.verdict, r.counterexample, r.notes)
