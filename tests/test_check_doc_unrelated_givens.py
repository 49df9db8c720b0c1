"""A scalar claim in a document beside a row-layout forward pass it does not use is checked as a scalar claim."""

import pytest

from derive.check.documents import check_equations

ROW = "Scores $S = X W_1 + b_1$, hidden $H = \\max(0, S)$, output $O = H W_2 + b_2$.\n\n"
CASES = [
    ("$$\\frac{d\\sigma(x)}{dx} = (1 - \\sigma(x))\\sigma(x)$$", "holds"),
    ("$$\\frac{d\\sigma(x)}{dx} = (1 + \\sigma(x))\\sigma(x)$$", "fails"),
    ("The gate $f(x, y) = xy$ has $\\frac{\\partial f}{\\partial x} = y$.", "holds"),
    ("The gate $f(x, y) = xy$ has $\\frac{\\partial f}{\\partial x} = x$.", "fails"),
    # a claim about the row-layout network itself: read in the chain's letters (d-names are the cost's derivatives)
    ("$$dW_2 = H^T dO$$", "holds"),
    ("$$dW_2 = dO H^T$$", "fails"),
]


@pytest.mark.parametrize("text,verdict", CASES)
def test_scalar_claims_beside_a_row_forward_pass(text, verdict):
    rows = check_equations(ROW + text)
    assert rows[-1][1] == verdict, rows
