"""A cost written for one output unit (no sum over the units) is checked on networks with one output."""

import pytest

from derive.check import check_claim
from derive.check.documents import check_equations

BCE = r"\mathcal{L} = -y \log \hat{y} - (1 - y)\log(1 - \hat{y})"
BCE_CALL = r"\mathcal{L}(\hat{y}, y) = -y \log \hat{y} - (1 - y)\log(1 - \hat{y})"
OUT = r"\hat{y} = \sigma(z^{[2]})"
CASES = [
    # Ng's binary classifier: the gradients of the output layer, true for sigmoid outputs
    (r"\frac{\partial \mathcal{L}}{\partial b^{[2]}} = \hat{y} - y", [BCE], "conditional"),
    (r"\frac{\partial \mathcal{L}}{\partial b^{[2]}} = \hat{y} - y", [BCE_CALL, OUT], "conditional"),
    (r"\frac{\partial \mathcal{L}}{\partial z^{[2]}} = \hat{y} - y", [BCE, OUT], "conditional"),
    (r"\frac{\partial \mathcal{L}}{\partial W^{[2]}} = (\hat{y} - y) a^{[1]T}", [BCE_CALL], "conditional"),
    (r"\frac{\partial \mathcal{L}}{\partial z^{[1]}} = W^{[2]T} (\hat{y} - y) \odot \sigma'(z^{[1]})", [BCE],
     "conditional"),
    # the classic slips still fail: sign, missing transpose
    (r"\frac{\partial \mathcal{L}}{\partial z^{[2]}} = y - \hat{y}", [BCE, OUT], "fails"),
    (r"\frac{\partial \mathcal{L}}{\partial z^{[1]}} = W^{[2]} (\hat{y} - y) \odot \sigma'(z^{[1]})", [BCE],
     "fails"),
    # a concrete output activation is no condition to search for
    (r"\frac{\partial \mathcal{L}}{\partial z^{[2]}} = \hat{y} - y", [BCE, r"\hat{y} = \operatorname{ReLU}(z^{[2]})"],
     "fails"),
    # a cost summed over the units is not read as one output's
    (r"\frac{\partial C}{\partial b^L_j} = a^L_j - y_j", [r"C = \frac{1}{2}\sum_j (a^L_j - y_j)^2"], "conditional"),
]


@pytest.mark.parametrize("claim,givens,verdict", CASES)
def test_one_output_cost(claim, givens, verdict):
    r = check_claim(claim, givens=givens)
    assert r.verdict == verdict, (r.verdict, r.method, r.counterexample, r.notes)


def test_the_note_says_one_output_only_when_the_cost_has_no_sum():
    one = check_claim(r"\frac{\partial \mathcal{L}}{\partial b^{[2]}} = \hat{y} - y", givens=[BCE])
    summed = check_claim(r"\frac{\partial C}{\partial b^L_j} = a^L_j - y_j",
                         givens=[r"C = \frac{1}{2}\sum_j (a^L_j - y_j)^2"])
    assert any("one output unit" in n for n in one.notes), one.notes
    assert not any("one output unit" in n for n in summed.notes), summed.notes


def test_a_lesson_with_a_per_unit_cost_has_no_false_fails():
    text = ("$$\\mathcal{L}(\\hat{y}, y) = -y \\log \\hat{y} - (1 - y)\\log(1 - \\hat{y})$$\n"
            "$$\\frac{\\partial \\mathcal{L}}{\\partial W^{[2]}} = (\\hat{y} - y)\\, a^{[1]T}, \\qquad"
            " \\frac{\\partial \\mathcal{L}}{\\partial b^{[2]}} = \\hat{y} - y$$\n")
    rows = check_equations(text)
    assert [v for _, v, _, _ in rows] == ["definition", "conditional", "conditional"], rows


def test_a_cost_that_does_not_depend_on_the_network_as_read_is_not_a_verdict():
    # a cost in letters the claim's notation does not have (q^{(i)}): read as other numbers, the cost would be
    # constant and every derivative 0 ("fails"); it is refused instead. (Ng's own per-example a^{[2](i)} is
    # read as column i of A^{[2]}: tests/test_check_rates_and_samples.py.)
    r = check_claim(r"dZ^{[2]} = A^{[2]} - Y", givens=[
        r"J = -\frac{1}{m}\sum_{i=1}^{m}\left(y^{(i)}\log q^{(i)} + (1-y^{(i)})\log(1-q^{(i)})\right)",
        r"A^{[2]} = \sigma(Z^{[2]})"])
    assert r.verdict == "not-checkable", (r.verdict, r.counterexample, r.notes)
    assert any("does not depend on the network" in n for n in r.notes), r.notes


def test_d2l_per_sample_loss_l_of_o_and_y_is_the_loss():
    # d2l 5.3: L = l(o, y), a per-sample loss applied to the output; l is read as the loss, not refused
    givens = [r"\mathbf{o} = \mathbf{W}^{(2)} \mathbf{h}", r"\mathbf{h} = \phi(\mathbf{z})",
              r"\mathbf{z} = \mathbf{W}^{(1)} \mathbf{x}", r"L = l(\mathbf{o}, y)"]
    ok = check_claim(r"\frac{\partial L}{\partial \mathbf{h}} = {\mathbf{W}^{(2)}}^\top \frac{\partial L}{\partial \mathbf{o}}",
                     givens=givens)
    slip = check_claim(r"\frac{\partial L}{\partial \mathbf{h}} = \mathbf{W}^{(2)} \frac{\partial L}{\partial \mathbf{o}}",
                       givens=givens)
    assert ok.verdict == "holds", (ok.verdict, ok.notes)
    assert slip.verdict == "fails", (slip.verdict, slip.notes)
