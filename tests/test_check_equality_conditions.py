"""Equalities a claim is stated under (\\text{for } x + y + z = 1, \\text{since } \\sum_k y_k = 1) are imposed."""

import pytest

from derive.check import check_claim

SOFTMAX = [r"L = -\sum_k y_k \log p_k", r"p_k = \frac{e^{z_k}}{\sum_j e^{z_j}}"]
CASES = [
    (r"x + y = 1 - z \text{ for } x + y + z = 1", [], ("holds",)),
    (r"x + y = 2 - z \text{ for } x + y + z = 1", [], ("fails",)),
    (r"x^2 = 4 \text{ for } x = 2", [], ("holds",)),
    (r"x^2 = 5 \text{ for } x = 2", [], ("fails",)),
    # the softmax cross-entropy gradient: true exactly when the targets sum to 1
    (r"\frac{\partial L}{\partial z_i} = p_i - y_i \quad \text{since } \sum_k y_k = 1", SOFTMAX, ("holds", "checked")),
    # without it: true only when the labels sum to one, which is named (label_sums), never a plain hold
    (r"\frac{\partial L}{\partial z_i} = p_i - y_i", SOFTMAX, ("fails", "conditional")),
    (r"\frac{\partial L}{\partial z_i} = y_i - p_i \quad \text{since } \sum_k y_k = 1", SOFTMAX, ("fails",)),
    # "where" introduces a definition, not a condition to impose
    (r"x + y = 1 - z \text{ where } x + y + z = 1", [], ("fails",)),
]


@pytest.mark.parametrize("claim,givens,verdicts", CASES)
def test_equality_conditions(claim, givens, verdicts):
    r = check_claim(claim, givens=givens)
    assert r.verdict in verdicts, (r.verdict, r.counterexample, r.notes)
