"""A failing derivative of an activation of a chain (sigma(wx + b)) names the missing inner factor, not 'the wrong derivative'."""

import pytest

from derive.check import check_claim

CASES = [
    (r"\frac{\partial}{\partial w} \sigma(wx+b) = \sigma(wx+b)(1-\sigma(wx+b))", "inner derivative is missing"),
    (r"\frac{\partial}{\partial w} \tanh(w x) = 1 - \tanh^2(wx)", "inner derivative is missing"),
    # the activation of the variable itself: its derivative is what is wrong
    (r"\frac{d}{dx} \sigma(x) = \sigma(x)^2", "wrong derivative of the activation"),
    # a right inner factor and a wrong outer derivative: no inner factor is named missing
    (r"\frac{\partial}{\partial w} \sigma(wx+b) = \sigma(wx+b)^2 x", None),
]


@pytest.mark.parametrize("claim,slip", CASES)
def test_chain_rule_slips(claim, slip):
    r = check_claim(claim)
    assert r.verdict == "fails", r.verdict
    if slip is None:
        assert "inner derivative" not in (r.slip or ""), r.slip
    else:
        assert slip in (r.slip or ""), r.slip
