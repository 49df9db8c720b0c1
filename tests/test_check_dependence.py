"""A symbol whose subscript names the variable differentiated by (pi_theta under nabla_theta) must be defined."""

import pytest

from derive.check import check_claim

CASES = [
    (r"\nabla_{\theta} \log \pi_\theta(a) = \phi(a) - \sum_b \pi_\theta(b) \phi(b)", [], "not-checkable"),
    (r"\frac{\partial}{\partial w} f_w(x) = x", [], "not-checkable"),
    (r"\frac{d}{dt} x_t = v", [], "not-checkable"),
    # defined: checked as usual
    (r"\frac{\partial}{\partial \theta} h_\theta(x) = x", [r"h_\theta(x) = \theta x"], "holds"),
    (r"\frac{\partial}{\partial \theta} h_\theta(x) = \theta", [r"h_\theta(x) = \theta x"], "fails"),
    # a label that is the variable differentiated by is that variable, not an index (was "w = 1")
    (r"\frac{\partial}{\partial w} f_w(x) = x", ["f_w(x) = wx"], "holds"),
    (r"\frac{\partial}{\partial w} f_w(x) = w", ["f_w(x) = wx"], "fails"),
    # an operator's subscript is no dependence; an index is not the variable
    (r"\frac{d}{dx} \log_x 2 = -\frac{\ln 2}{x \ln^2 x}", [], "holds"),
    (r"\frac{\partial}{\partial x_i} \sum_{j=1}^{3} x_j^2 = 2 x_i", [], "holds"),
    (r"\frac{\partial}{\partial y} x^2 = 0", [], "holds"),
    # the indices of a gradient's variable (w_{y_i}) are no variable: x_i depends on nothing here
    (r"\nabla_{w_{k}} (w_k x_i) = x_i", [], "holds"),
]


@pytest.mark.parametrize("claim,givens,verdict", CASES)
def test_written_dependence(claim, givens, verdict):
    r = check_claim(claim, givens=givens)
    assert r.verdict == verdict, (r.verdict, r.counterexample, r.notes)
