"""A gradient written as a tuple of its entries: \\nabla f(x, y) = (2x, 2y), one partial derivative per argument."""

import pytest

from derive.check import check_claim
from derive.check.gradient_tuples import gradient_tuple

CASES = [
    (r"\nabla f(x, y) = (2x, 2y)", [r"f(x, y) = x^2 + y^2"], "holds"),
    (r"\nabla f(x, y) = (2x, y)", [r"f(x, y) = x^2 + y^2"], "fails"),
    (r"\nabla f(x, y) = \left(2x, 2y\right)", [r"f(x, y) = x^2 + y^2"], "holds"),
    (r"\nabla g(x, y, z) = (y z, x z, x y)", [r"g(x, y, z) = xyz"], "holds"),
    (r"\nabla g(x, y, z) = (y z, x z, y z)", [r"g(x, y, z) = xyz"], "fails"),
]


@pytest.mark.parametrize("claim,givens,verdict", CASES)
def test_gradient_tuples(claim, givens, verdict):
    r = check_claim(claim, givens=givens)
    assert r.verdict == verdict, (r.verdict, r.notes)


@pytest.mark.parametrize("text", [
    r"\nabla f(x) = 2x",                  # one argument: the plain gradient reading
    r"\nabla f(x, y) = (2x, 2y, 1)",      # entries and arguments do not match
    r"\nabla f(x + y, y) = (1, 1)",       # an argument that is no symbol
    r"\nabla_x f(x, y) = 2x",
])
def test_not_a_gradient_tuple(text):
    assert gradient_tuple(text) is None
