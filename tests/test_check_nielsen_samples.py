"""Nielsen's \\sum_x with the sample written in the superscript (\\delta^{x,l}): each sample's quantity once."""

import pytest

from derive.check import check_claim

CASES = [
    (r"\frac{\partial C}{\partial b^l} = \frac{1}{n}\sum_x \delta^{x,l}", "holds"),
    (r"\frac{\partial C}{\partial b^l_j} = \frac{1}{n}\sum_x \delta^{x,l}_j", "holds"),
    (r"\frac{\partial C}{\partial w^l} = \frac{1}{n}\sum_x \delta^{x,l} (a^{x,l-1})^T", "holds"),
    (r"\frac{\partial C}{\partial w^l} = \frac{1}{n}\sum_x (a^{x,l-1})^T \delta^{x,l}", "fails"),
    (r"\frac{\partial C}{\partial b^l} = \sum_x \delta^{x,l}", "fails"),
    (r"\frac{\partial C}{\partial b^l} = \frac{1}{n}\sum_x \delta^{x,l+1}", "fails"),
]


@pytest.mark.parametrize("claim,verdict", CASES)
def test_sample_superscripts(claim, verdict):
    r = check_claim(claim)
    assert r.verdict == verdict, (r.verdict, r.counterexample, r.notes)
