"""A sum's terms that do not depend on its index are evaluated once; values are those of the sum written out."""

from fractions import Fraction

import sympy as sp

from derive.check.pointeval import ExactEvaluator, RealEvaluator

i, k = sp.Dummy("i", integer=True), sp.Dummy("k", integer=True)
H = sp.Symbol("H", integer=True, positive=True)
a = sp.IndexedBase("a")
MU = sp.Sum(a[k], (k, 1, H)) / H
VAR = sp.Sum((a[i] - MU) ** 2, (i, 1, H)) / H


def test_the_variance_with_the_mean_inside_equals_its_expansion():
    env = {H: Fraction(5)}
    got, tainted = ExactEvaluator(env, 7)(VAR)
    entries = [ExactEvaluator(env, 7)(a[j])[0] for j in range(1, 6)]
    mean = sum(entries) / 5
    assert not tainted
    assert got == sum((e - mean) ** 2 for e in entries) / 5


def test_real_and_exact_agree_on_nested_sums():
    env = {H: Fraction(6)}
    exact, _ = ExactEvaluator(env, 3)(VAR)
    real = RealEvaluator(env, 3)(VAR)
    assert abs(float(real) - float(exact)) <= 1e-12 * abs(float(exact))


def test_a_term_that_uses_the_index_is_not_taken_from_outside():
    env = {H: Fraction(4)}
    s = sp.Sum(a[i] * i, (i, 1, H))
    got, _ = ExactEvaluator(env, 1)(s)
    entries = [ExactEvaluator(env, 1)(a[j])[0] for j in range(1, 5)]
    assert got == sum(e * j for j, e in enumerate(entries, start=1))
