"""The sample as every quantity's argument (sample_argument.py) and sums over a named set of units
(index_sets.py)."""

import pytest

from derive.check import check_claim
from derive.check.index_sets import drop_named_sets
from derive.check.sample_argument import strip_sample_argument


@pytest.mark.parametrize("claim, givens, stripped", [
    (r"\frac{\partial r_k(t)}{\partial o_k(t)} = -1", [r"r_k(t) = q_k(t) - o_k(t)"],
     (r"\frac{\partial r_k}{\partial o_k} = -1", [r"r_k = q_k - o_k"], "t")),
    (r"u(t+1) = u(t) - \eta g(t)", [r"g(t) = 2 u(t)"], None),        # t + 1: the step is a number here
    (r"\sum_t e(t) = 0", [r"e(t) = d(t) - y(t)"], None),              # a sum over the steps
    (r"f(x) = x^2", [], None),                                         # one argument only
])
def test_strip_sample_argument(claim, givens, stripped):
    assert strip_sample_argument(claim, givens) == stripped


@pytest.mark.parametrize("claim, givens, dropped", [
    (r"E = \sum_{k \in K} e_k", [], (r"E = \sum_{k} e_k", [])),
    (r"E = \sum_{j \in \mathcal{C}} e_j", [], (r"E = \sum_{j} e_j", [])),
    (r"E = \sum_{k \in S} e_k", [r"S = \{1, 2\}"], None),              # a set the texts define
    (r"E = \sum_{k} e_k", [], None),
])
def test_drop_named_sets(claim, givens, dropped):
    assert drop_named_sets(claim, givens) == dropped


@pytest.mark.parametrize("claim, givens, verdict", [
    (r"\frac{\partial r_k(t)}{\partial o_k(t)} = -1", [r"r_k(t) = q_k(t) - o_k(t)"], "holds"),
    (r"\frac{\partial r_k(t)}{\partial o_k(t)} = 1", [r"r_k(t) = q_k(t) - o_k(t)"], "fails"),
    (r"\frac{\partial E}{\partial u_k} = -(q_k - u_k)", [r"E = \frac{1}{2}\sum_{k \in O} (q_k - u_k)^2"], "checked"),
    (r"\frac{\partial E}{\partial u_k} = q_k - u_k", [r"E = \frac{1}{2}\sum_{k \in O} (q_k - u_k)^2"], "fails"),
])
def test_verdicts(claim, givens, verdict):
    assert check_claim(claim, givens=givens).verdict == verdict


@pytest.mark.parametrize("claim, verdict", [
    # \delta with two unit indices and no layer is the Kronecker delta, not the output layer's error
    (r"\frac{\partial a^L_p}{\partial z^L_q} = a^L_p(\delta_{pq} - a^L_q)", "conditional"),   # softmax outputs
    (r"\frac{\partial a^L_p}{\partial z^L_q} = a^L_p(\delta_{pq} + a^L_q)", "fails"),
])
def test_kronecker_beside_network_letters(claim, verdict):
    assert check_claim(claim).verdict == verdict


def test_function_arguments_are_not_samples():
    # \zeta(x): x is the function's argument (and dx differentiates by it), not a sample index
    assert strip_sample_argument(r"\frac{d}{dx}\zeta(x) = \sigma(x)", [r"\zeta(x) = \log(1 + \exp(x))"]) is None
