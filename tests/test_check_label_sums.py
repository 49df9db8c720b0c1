"""Labels that sum to one (\\sum_k y_k = 1) as a premise or as the condition a claim names, and the scalar
reading of a claim in network letters whose givens define no network (label_sums, scalar_fallback)."""

import pytest

from derive.check import check_claim

XENT = r"\frac{\partial}{\partial z_i}\left(-\sum_k y_k \ln \frac{e^{z_k}}{\sum_j e^{z_j}}\right)"
L_GIVEN = r"L = -\sum_k y_k \log \hat{y}_k"
SOFTMAX = r"\hat{y}_k = \frac{e^{z_k}}{\sum_j e^{z_j}}"
ONE = r"\sum_k y_k = 1"
RSS = r"\text{RSS}(\mathbf{w}) = \frac{1}{2}(\mathbf{X}\mathbf{w} - \mathbf{y})^T(\mathbf{X}\mathbf{w} - \mathbf{y})"

CASES = [
    # true only for labels summing to one: a conditional hold naming it, never a plain hold
    (XENT + r" = \frac{e^{z_i}}{\sum_j e^{z_j}} - y_i", [], ("conditional",)),
    (r"\frac{\partial L}{\partial z_i} = \hat{y}_i - y_i", [L_GIVEN, SOFTMAX], ("conditional",)),
    # given as a premise: used as given
    (XENT + r" = \frac{e^{z_i}}{\sum_j e^{z_j}} - y_i", [ONE], ("holds", "checked")),
    (r"\frac{\partial L}{\partial z_i} = \hat y_i - y_i", [L_GIVEN, SOFTMAX, ONE], ("holds", "checked")),
    # false under the condition too: fails
    (XENT + r" = \frac{e^{z_i}}{\sum_j e^{z_j}} + y_i", [], ("fails",)),
    (r"\frac{\partial L}{\partial z_i} = -\frac{y_i}{\hat{y}_i}", [L_GIVEN, SOFTMAX], ("fails",)),
    (r"\frac{\partial L}{\partial z_i} = \hat{y}_i + y_i", [L_GIVEN, SOFTMAX, ONE], ("fails",)),
    # the condition itself is no claim that holds; sums of data (no log-probability) are no labels
    (ONE, [], ("fails",)),
    (r"\sum_{k} y_k \cdot 2 = 2", [], ("fails",)),
    # a matrix claim over givens that define no network: decided on matrices, never as numbers
    (r"\nabla_{\mathbf{w}}\text{RSS}(\mathbf{w}) = \mathbf{X}\mathbf{X}^T\mathbf{w} - \mathbf{X}^T\mathbf{y}", [RSS],
     ("fails", "not-checkable")),
]


@pytest.mark.parametrize("claim,givens,verdicts", CASES)
def test_verdicts(claim, givens, verdicts):
    r = check_claim(claim, givens=givens)
    assert r.verdict in verdicts, (r.verdict, r.method, r.counterexample, r.notes)
    if r.verdict == "conditional":
        assert "sum to one" in r.condition


def test_a_decorated_entry_is_not_the_whole_vector():
    # \hat{y}_i beside y_i: the y inside the hat is not y written bare
    r = check_claim(r"\hat{y}_i - y_i = -(y_i - \hat{y}_i)")
    assert r.verdict in ("holds", "checked"), (r.verdict, r.notes)


WORD_NAMED = [
    # a function the givens define under a word (\text{RSS}): decided on matrices
    (r"\nabla_{\mathbf{w}}\text{RSS}(\mathbf{w}) = \mathbf{X}^T\mathbf{X}\mathbf{w} - \mathbf{X}^T\mathbf{y}", "holds"),
    (r"\nabla_{\mathbf{w}}\text{RSS}(\mathbf{w}) = \mathbf{X}^T(\mathbf{X}\mathbf{w} - \mathbf{y})", "holds"),
    (r"\nabla\text{RSS}(\mathbf{w}) = \mathbf{X}^T(\mathbf{X}\mathbf{w} - \mathbf{y})", "holds"),
    (r"\nabla_{\mathbf{w}}\text{RSS}(\mathbf{w}) = \mathbf{X}\mathbf{X}^T\mathbf{w} - \mathbf{X}^T\mathbf{y}", "fails"),
    (r"\nabla_{\mathbf{w}}\text{RSS}(\mathbf{w}) = 2\mathbf{X}^T(\mathbf{X}\mathbf{w} - \mathbf{y})", "fails"),
]


@pytest.mark.parametrize("claim,verdict", WORD_NAMED)
def test_word_named_matrix_function(claim, verdict):
    r = check_claim(claim, givens=[RSS])
    assert r.verdict == verdict, (r.verdict, r.counterexample, r.notes)
