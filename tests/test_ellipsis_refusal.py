"""An ellipsis (\\ldots, \\cdots, \\dots) is well-formed TeX with no checkable value: not-checkable, not error."""
import pytest

from derive.check.sandbox import check_claim

CASES = [
    (r"g(x_1, \ldots, x_n) = \frac{1}{n}\sum_{i=1}^{n} x_i", "not-checkable"),
    (r"x_1 + \cdots + x_n = 0", "not-checkable"),
    (r"a + \dots + b = c", "not-checkable"),
    (r"x^{2} = x \cdot x", "holds"),
]


@pytest.mark.parametrize("claim,verdict", CASES)
def test_ellipsis_is_refused(claim, verdict):
    assert check_claim(claim).verdict == verdict
