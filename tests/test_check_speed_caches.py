"""The speed mechanisms of issue 9.7 change no answer: the numeric witness before a symbolic proof
(derive.check.proof), the remembered closed forms of sums (closedform), the sampler's confirmation once per
seed, entry and region (sampling), and verdicts of the claim shapes they made fast. Behaviour only: the
timings are in benchmarks/check_speed.py."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.check import check_claim
from derive.check import closedform, proof
from derive.check.budget import OverBudget
from derive.check.compare import compare_values
from derive.check.sampling import Sampler

x, y, z = sp.symbols("x y z", real=True)
n = sp.Symbol("n", integer=True, positive=True)
k = sp.Symbol("k", integer=True)
sig = 1 / (1 + sp.exp(-x))

# (difference, is it identically 0): the witness must never say "nonzero" for an identity
DIFFERENCES = [
    ((x + 1) ** 2 - x ** 2 - 2 * x - 1, True),
    (sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1, True),            # 0, though expand does not show it
    (sp.exp(x) * sp.exp(-x) - 1, True),
    (sp.diff(sp.log(sig), x) - (1 - sig), True),
    (sp.log(x ** 2) - 2 * sp.log(sp.Abs(x)), True),
    (sp.sqrt(x ** 2) - sp.Abs(x), True),
    ((x + y) ** 3 - (x ** 3 + 3 * x ** 2 * y + 3 * x * y ** 2 + y ** 3), True),
    (sp.exp(-200 * x ** 2) * 0, True),
    (x - 1, False),
    (sp.diff(sp.log(sig), x) - sig, False),
    ((x + y) ** 2 - x ** 2 - y ** 2, False),
    (sp.log(x) - sp.log(-x), False),                          # undefined at every point: decides nothing
    (sp.Integer(3), False),
]


@pytest.mark.parametrize("e, zero", DIFFERENCES)
def test_witness_never_calls_an_identity_nonzero(e, zero):
    if zero:
        assert not proof.difference_is_nonzero(e)


@pytest.mark.parametrize("e", [x - 1, sp.diff(sp.log(sig), x) - sig, (x + y) ** 2 - x ** 2 - y ** 2, x * y - y])
def test_witness_tells_a_plain_difference(e):
    assert proof.difference_is_nonzero(e)


@pytest.mark.parametrize("e, zero", DIFFERENCES)
def test_expands_to_zero_agrees_with_plain_expansion(e, zero):
    proof.clear_cache()
    assert proof.expands_to_zero([e]) == (sp.expand(e) == 0)
    assert proof.expands_to_zero([e]) == (sp.expand(e) == 0)      # remembered: the same answer


def test_proof_results_are_remembered_but_not_budget_cuts(monkeypatch):
    proof.clear_cache()
    e = (x + 2) ** 2 - x ** 2 - 4 * x - 4
    assert proof.expands_to_zero([e]) is True
    assert proof._CACHE[(e,)] is True
    calls = []

    def over(entries, max_ops):
        calls.append(entries)
        raise OverBudget()

    f = (y + 2) ** 2 - y ** 2 - 4 * y - 4
    monkeypatch.setattr(proof, "_expand_all", over)
    assert proof.expands_to_zero([f]) is False
    assert (f,) not in proof._CACHE            # a cut-off result depends on the machine: tried again
    assert proof.expands_to_zero([e]) is True  # the remembered one is not recomputed
    assert len(calls) == 1


def test_matrix_entries_are_proved_together():
    proof.clear_cache()
    assert proof.expands_to_zero([x * (x + 1) - x ** 2 - x, sp.Integer(0)]) is True
    assert proof.expands_to_zero([x * (x + 1) - x ** 2 - x, x - x ** 2]) is False


SUMS = [
    sp.Sum(k * sp.binomial(n, k), (k, 0, n)),
    sp.Sum(k ** 2, (k, 1, n)),
    sp.Product(1 - 1 / k ** 2, (k, 2, n)),
    sp.Sum(1 / sp.factorial(k) * sp.Symbol("q", positive=True) ** k, (k, 0, n)),
]


@pytest.mark.parametrize("s", SUMS)
def test_closed_form_is_sympys_and_remembered(s):
    closedform.clear_cache()
    first = closedform.closed_form(s)
    assert sp.simplify(first - s.doit()) == 0
    assert closedform.closed_form(s) is first


def test_closed_form_budget_cut_is_not_remembered(monkeypatch):
    closedform.clear_cache()
    s = sp.Sum(k ** 3, (k, 1, n))

    class Slow(sp.Sum):
        def doit(self, **hints):
            raise OverBudget()

    slow = Slow(k ** 3, (k, 1, n))
    assert closedform.closed_form(slow) is slow
    assert slow not in closedform._CACHE
    assert closedform.closed_form(s) == s.doit()


class _Counting(Sampler):
    confirmations = 0
    last = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        type(self).last = self

    def _difference(self, *args):
        type(self).confirmations += 1
        return super()._difference(*args)


@pytest.mark.parametrize("lhs, rhs, equal", [
    (sp.log(sig), -sp.log(1 + sp.exp(-x)), True),          # smooth, inexact: confirmed once per seed
    (sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x), True),
    (sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x) + sp.exp(-sp.Integer(60)), False),   # off by e^-60
    (sp.log(1 + sp.exp(x + 100)), x + 100, False),           # off by ln(1 + e^-(x+100)): large spread
    (sp.Max(x, y) + sp.Min(x, y), x + y, True),
])
def test_confirmation_once_per_region_keeps_verdicts(lhs, rhs, equal):
    _Counting.confirmations = 0
    got = compare_values(lhs, rhs, sorted(lhs.free_symbols | rhs.free_symbols, key=str), "t|" + str(lhs),
                         sampler=_Counting)
    assert got.equal is equal


def test_smooth_claim_is_confirmed_once_per_seed():
    _Counting.confirmations = 0
    got = compare_values(sp.log(sig), -sp.log(1 + sp.exp(-x)), [x], "smooth", sampler=_Counting)
    assert got.equal
    # one region, three seeds, and the points whose terms differ widely in size (e^{-x} at a large x);
    # before: every agreeing point
    assert 3 <= _Counting.confirmations < _Counting.last.equal_points


# claim shapes made fast (issue 9.7), with the verdicts they had before: nothing weaker, nothing stronger
LESSONS_GIVENS = [r"h_\theta(x) = g(\theta^T x)", r"g(z) = \frac{1}{1+e^{-z}}",
                  r"J(\theta) = \frac{1}{m}\sum_{i=1}^{m}\left[-y^{(i)}\log(h_\theta(x^{(i)})) - (1-y^{(i)})"
                  r"\log(1-h_\theta(x^{(i)}))\right]"]
CLAIMS = [
    (r"\frac{\partial J(\theta)}{\partial \theta_j} = \frac{1}{m}\sum_{i=1}^{m}\left(h_\theta(x^{(i)}) - y^{(i)}"
     r"\right)x_j^{(i)}", LESSONS_GIVENS, "checked"),
    (r"\frac{\partial J(\theta)}{\partial \theta_j} = \frac{1}{m}\sum_{i=1}^{m}\left(y^{(i)} - h_\theta(x^{(i)})"
     r"\right)x_j^{(i)}", LESSONS_GIVENS, "fails"),
    (r"\frac{\partial J(\theta)}{\partial \theta_j} = \sum_{i=1}^{m}\left(h_\theta(x^{(i)}) - y^{(i)}\right)"
     r"x_j^{(i)}", LESSONS_GIVENS, "fails"),
    (r"\sum_{k=0}^{n} k\binom{n}{k} = n 2^{n}", [], "fails"),
    (r"\sum_{k=0}^{n} k\binom{n}{k} = n 2^{n-1}", [], "checked"),   # SymPy finds no closed form
    (r"\sum_{i=1}^{n} i^2 = 9n - 13", [], "fails"),
    (r"\text{softmax}(z)_i = \frac{e^{z_i - \max_k z_k}}{\sum_j e^{z_j - \max_k z_k}}", [], "checked"),
    (r"\frac{d}{dx}\ln\sigma(x) = 1 - \sigma(x)", [], "holds"),
    (r"\frac{d}{dx}\ln\sigma(x) = \sigma(x)", [], "fails"),
    (r"(x+1)^2 = x^2 + 2x + 1", [], "holds"),
]


@pytest.mark.parametrize("claim, givens, verdict", CLAIMS)
def test_fast_claim_shapes_keep_their_verdicts(claim, givens, verdict):
    r = check_claim(claim, givens=givens)
    assert r.verdict == verdict, r.summary()


def test_symbolic_proof_still_named():
    r = check_claim(r"(x+1)^2 = x^2 + 2x + 1")
    assert "symbolic proof" in r.method
    r = check_claim(r"\sum_{i=1}^{n} i^2 = \frac{n(n+1)(2n+1)}{6}")
    assert r.verdict == "holds"
