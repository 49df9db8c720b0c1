"""A cost the givens (or a document's earlier line) define is the cost of a network claim without a spec."""

import pytest

from derive.check import check_claim
from derive.check.documents import check_equations

DELTA_L = r"\delta^L = (a^L - y) \odot \sigma'(z^L)"
CASES = [
    # Nielsen's quadratic cost named by a given: BP1 for it holds outright (without it: conditional)
    (DELTA_L, [r"C = \frac{1}{2}\|y - a^L\|^2"], "holds"),
    (DELTA_L, [r"C = \frac{1}{2}\sum_j (y_j - a^L_j)^2"], "holds"),
    (DELTA_L, [r"C = \|y - a^L\|^2"], "fails"),                    # the factor 2 is missing
    (r"\delta^L = a^L - y", [r"C = \frac{1}{2}\|y - a^L\|^2"], "conditional"),          # linear outputs
    (r"\delta^L = a^L - y", [r"C = -\sum_j \left[y_j \ln a^L_j + (1-y_j)\ln(1-a^L_j)\right]"], "conditional"),
    # a^L = \sigma(z^L) with Nielsen's generic sigma is the notation's own definition: it fixes nothing
    (r"\delta^L = a^L - y", [r"C = -\sum_j \left[y_j \ln a^L_j + (1-y_j)\ln(1-a^L_j)\right]",
                             r"a^L = \sigma(z^L)"], "conditional"),
    (DELTA_L, [], "conditional"),
    # the cost given, the output activation not: a claim true for no output fails
    (r"\delta^L = y - a^L", [r"C = -\sum_j \left[y_j \ln a^L_j + (1-y_j)\ln(1-a^L_j)\right]"], "fails"),
]


def test_the_output_activation_is_named():
    r = check_claim(r"\delta^L = a^L - y", givens=[r"C = -\sum_j \left[y_j \ln a^L_j + (1-y_j)\ln(1-a^L_j)\right]"])
    assert "sigmoid" in r.condition and "tanh" not in r.condition, r.condition


@pytest.mark.parametrize("claim,givens,verdict", CASES)
def test_given_cost(claim, givens, verdict):
    r = check_claim(claim, givens=givens)
    assert r.verdict == verdict, (r.verdict, r.method, r.counterexample, r.notes)


def test_a_document_cost_line_is_a_definition_the_claims_after_it_use():
    text = ("For the cost $$C = \\frac{1}{2}\\|y - a^L\\|^2$$ the error is\n"
            "$$\\delta^L = (a^L - y) \\odot \\sigma'(z^L)$$\n")
    rows = check_equations(text)
    assert [v for _, v, _, _ in rows] == ["definition", "holds"], rows
