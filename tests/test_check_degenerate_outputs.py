"""Conditions never rest on a degenerate witness: a softmax over one output unit is the constant 1."""

import pytest

from derive.check import check_claim

CASES = [
    # on one neuron a softmax output makes every derivative 0: no claim "holds for softmax outputs" from that
    (r"\frac{\partial C}{\partial z} = 0", [], "fails"),
    (r"\frac{\partial \mathcal{L}}{\partial z^{[2]}} = 0",
     [r"\mathcal{L} = -y \log \hat{y} - (1 - y)\log(1 - \hat{y})"], "fails"),
    # Bishop's unit letters, the wrong unit's activation: it fails (it was a "condition" of one-unit softmax)
    (r"\frac{\partial E}{\partial w_{kj}} = \delta_k z_k", [], "fails"),
    (r"\frac{\partial E}{\partial w_{kj}} = \delta_k z_j", [], "holds"),
    # a true condition on layered witnesses is still found
    (r"\delta^L = a^L - y", [], "conditional"),
]


@pytest.mark.parametrize("claim,givens,verdict", CASES)
def test_no_condition_from_a_constant_output(claim, givens, verdict):
    r = check_claim(claim, givens=givens)
    assert r.verdict == verdict, (r.verdict, r.method, r.condition, r.notes)
