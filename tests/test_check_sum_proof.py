"""Sums with no closed form are proved by linearity and their summands, not only checked for N = 1..30."""

import pytest
import sympy as sp

from derive.check import check_claim
from derive.check.sum_proof import sums_agree

CASES = [
    # the gradient of a mean squared error over N samples (every regression text)
    (r"\frac{\partial}{\partial w} \frac{1}{2N}\sum_{n=1}^{N} (w x_n - t_n)^2"
     r" = \frac{1}{N}\sum_{n=1}^{N} (w x_n - t_n) x_n", "holds"),
    (r"\frac{\partial}{\partial w} \frac{1}{2N}\sum_{n=1}^{N} (w x_n - t_n)^2"
     r" = \frac{1}{N}\sum_{n=1}^{N} (w x_n - t_n)", "fails"),
    (r"\frac{\partial}{\partial \mu} \sum_{i=1}^n (x_i - \mu)^2 = -2\sum_{i=1}^n (x_i - \mu)", "holds"),
    (r"\sum_{i=1}^{n} (a_i + b_i) = \sum_{j=1}^{n} a_j + \sum_{i=1}^{n} b_i", "holds"),
    (r"\sum_{i=1}^{n} (a_i + b_i) = \sum_{j=1}^{n} a_j + \sum_{i=1}^{n} a_i", "fails"),
    (r"\sum_{i=1}^{n} c\, a_i = c \sum_{i=1}^{n} a_i", "holds"),
    (r"\sum_{i=1}^{n} i\, a_i = n \sum_{i=1}^{n} a_i", "fails"),
    (r"\sum_{i=1}^{n} \sum_{j=1}^{m} a_i b_j = \left(\sum_{i=1}^{n} a_i\right)\left(\sum_{j=1}^{m} b_j\right)",
     "holds"),
    (r"\sum_{i=1}^{n} \sum_{j=1}^{m} a_i b_j = \left(\sum_{i=1}^{n} a_i\right)\left(\sum_{j=1}^{n} b_j\right)",
     "fails"),
]


@pytest.mark.parametrize("claim,verdict", CASES)
def test_sums_over_samples(claim, verdict):
    r = check_claim(claim)
    assert r.verdict == verdict, (r.verdict, r.notes)
    if verdict == "holds":
        assert "symbolic proof" in r.method


n, m = sp.symbols("n m", integer=True)
i, j = sp.symbols("i j", integer=True)
a, b = sp.IndexedBase("a"), sp.IndexedBase("b")

PAIRS = [
    (sp.Sum(a[i] * b[j], (j, 1, n), (i, 1, n)), sp.Sum(a[j] * b[i], (i, 1, n), (j, 1, n)), True),   # renaming
    (sp.Sum(a[i] * b[j], (j, 1, i), (i, 1, n)), sp.Sum(a[i], (i, 1, n)) * sp.Sum(b[j], (j, 1, n)), False),
    (sp.Sum(a[i], (i, 1, n)) ** 2, sp.Sum(a[i] ** 2, (i, 1, n)), False),     # a square is not termwise
    (sp.log(sp.Sum(sp.exp(a[i]), (i, 1, n))), sp.log(sp.Sum(sp.exp(a[j]), (j, 1, n))), True),
    (sp.Sum(a[i], (i, 1, n)), sp.Sum(a[i], (i, 1, m)), False),                 # other ranges
    (sp.Sum(i * a[i], (i, 1, n)), n * sp.Sum(a[i], (i, 1, n)), False),          # the index is no constant
]


@pytest.mark.parametrize("lhs,rhs,proved", PAIRS)
def test_sums_agree(lhs, rhs, proved):
    assert sums_agree(lhs, rhs) is proved
