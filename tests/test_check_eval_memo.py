"""The point evaluators' memos (derive/check/evalmemo.py, pointeval._loop, context.in_range): the same
values as without them, and the work they save is saved (a sum's family entries built once per entry)."""

from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from derive.check import context, evalmemo, pointeval
from derive.check.generic import family_value

a = sp.IndexedBase("a")
i, j = sp.symbols("i j", integer=True)
n = sp.Symbol("n", integer=True, positive=True)
x = sp.Symbol("x")
SEED = 7


def _entry(k):
    return family_value(SEED, str(sp.Indexed(a, k)))


# (expression, env, the value by hand from the entries' drawn values)
CASES = [
    (sp.Sum(a[i], (i, 1, n)), {n: 5}, lambda: sum(_entry(k) for k in range(1, 6))),
    # the mean inside a sum of squares: every term meets every entry
    (sp.Sum((a[i] - sp.Sum(a[j], (j, 1, n)) / n) ** 2, (i, 1, n)), {n: 6},
     lambda: sum((_entry(k) - sum(_entry(m) for m in range(1, 7)) / 6) ** 2 for k in range(1, 7))),
    (x * sp.Sum(a[i] * i, (i, 1, n)), {n: 4, x: Fraction(3, 2)},
     lambda: Fraction(3, 2) * sum(_entry(k) * k for k in range(1, 5))),
    # an entry fixed by the point wins over the drawn value, in every term
    (sp.Sum(a[i], (i, 1, n)), {n: 3, sp.Indexed(a, 2): Fraction(100)},
     lambda: _entry(1) + 100 + _entry(3)),
]


@pytest.mark.parametrize("expr, env, want", CASES)
def test_sums_keep_their_values(expr, env, want):
    got, tainted = pointeval.ExactEvaluator(dict(env), SEED)(expr)
    assert not tainted and got == want()


def test_a_sums_entries_are_drawn_and_built_once(monkeypatch):
    drawn = []

    def counting(seed, key):
        drawn.append(key)
        return family_value(seed, key)

    monkeypatch.setattr(pointeval, "family_value", counting)
    evalmemo.entry_key.cache_clear()
    expr = sp.Sum((a[i] - sp.Sum(a[j], (j, 1, n)) / n) ** 2, (i, 1, n))
    pointeval.ExactEvaluator({n: 8}, SEED)(expr)
    assert sorted(drawn) == sorted(f"a[{k}]" for k in range(1, 9))   # 72 draws before the shared memo
    assert evalmemo.entry_key.cache_info().misses == 8


@pytest.mark.parametrize("e, default, want", [
    (x + n, None, {x, n}),
    (sp.Integer(3), x, set()),
    (Fraction(1, 2), x, (x,)),          # no free_symbols: as getattr's default
    (sp.Sum(a[i], (i, 1, n)), None, sp.Sum(a[i], (i, 1, n)).free_symbols),
])
def test_free_of(e, default, want):
    for _ in range(2):                   # the remembered answer is the first one
        got = evalmemo.free_of(e, default)
        assert (set(got) if not isinstance(want, tuple) else tuple(got)) == (set(want) if not isinstance(want, tuple) else want)


def test_in_range_is_remembered_and_unchanged():
    k = sp.Symbol("k", integer=True)
    e = sp.Sum(sp.KroneckerDelta(j, k) * a[k] ** 2, (k, 1, n))
    context._in_range.cache_clear()
    first = context.in_range(e)
    assert first == context._in_range.__wrapped__(e)
    assert context._in_range.cache_info().hits == 0 and context.in_range(e) is first
    assert context._in_range.cache_info().hits == 1


@pytest.mark.parametrize("f, x", [(mpmath.exp, mpmath.mpf(700)), (mpmath.log, mpmath.mpf(3)),
                                  (mpmath.sin, mpmath.mpf("0.5"))])
def test_real_call_is_per_precision(f, x):
    vals = []
    for dps in (15, 60, 15):
        with mpmath.workdps(dps):
            got = evalmemo.real_call(f, +x)
            assert got == f(+x)
            vals.append(got)
    assert vals[0] == vals[2] and vals[0] != vals[1]      # 60 digits are not the 15-digit value
