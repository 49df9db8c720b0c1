"""Expectations, variances, probabilities and divergences are refused by name, never read letter by letter."""

import pytest

from derive.check import check_claim
from derive.check.probability import probability_operator

REFUSED = [
    r"\mathrm{Var}(X) = \mathbb{E}[X^2] - \mathbb{E}[X]^2",     # was "fails": E times X squared
    r"E[X] = \sum_x x\, p(x)",
    r"\operatorname{E}_{x \sim p}[f(x)] = \int f(x) p(x)\, dx",
    r"D_{KL}(p \| q) \ge 0",                                   # was an error: unexpected ')'
    r"D_{\mathrm{KL}}(p\|q) = \sum_i p_i \log \frac{p_i}{q_i}",
    r"\Pr(A \cup B) = \Pr(A) + \Pr(B) - \Pr(A \cap B)",
    r"p(y \mid x) = \sigma(w^\top x)",
    r"\operatorname{Cov}(X, Y) = \mathbb{E}[XY] - \mathbb{E}[X]\mathbb{E}[Y]",
]


@pytest.mark.parametrize("claim", REFUSED)
def test_probability_notation_is_refused(claim):
    r = check_claim(claim)
    assert r.verdict == "not-checkable", (r.verdict, r.notes)
    assert "not modelled" in " ".join(r.notes)


@pytest.mark.parametrize("claim", [
    r"E = \frac{1}{2}\sum_k (y_k - t_k)^2",         # Bishop's error function E
    r"\frac{\partial E}{\partial w} = (y - t) x",
    r"E(w) = \frac{1}{2}\|Xw - t\|^2",
    r"e^{x}[1 + x] = e^x + x e^x",
    r"\frac{\partial E_n}{\partial w_{ji}} = \delta_j z_i",
])
def test_an_error_function_named_e_is_no_expectation(claim):
    assert probability_operator(claim) is None


@pytest.mark.parametrize("claim,verdict", [
    # a rate or penalty weight beside a vector stays a number (was read as a vector: "fails" on shapes)
    (r"\lambda\mathbf{w} = \mathbf{w}\lambda", "holds"),
    (r"\mathbf{w} - \eta\nabla_{\mathbf{w}} \frac{1}{2}\|\mathbf{w}\|^2 = (1-\eta)\mathbf{w}", "holds"),
    (r"\mathbf{w} - \eta\nabla_{\mathbf{w}} \frac{1}{2}\|\mathbf{w}\|^2 = (1+\eta)\mathbf{w}", "fails"),
    (r"X\theta = \theta^T X^T", "fails"),      # \theta is read by its use: a vector
])
def test_greek_rates_beside_vectors(claim, verdict):
    assert check_claim(claim).verdict == verdict
