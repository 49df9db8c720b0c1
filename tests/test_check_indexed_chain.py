"""Differentiating by an entry an indexed definition gives (y_k of y_k = ...) holds the entry as a variable."""

import pytest

from derive.check import check_claim

GIVENS = [r"y_k = \sum_i w_{ki} h_i + b_k", r"\mathcal{L} = \frac{1}{2}\sum_k (y_k-t_k)^2"]
CASES = [
    (r"\frac{\partial \mathcal{L}}{\partial y_k} = 0", "fails"),      # was 'checked': y_k replaced before d/dy_k
    (r"\frac{\partial \mathcal{L}}{\partial y_k} = y_k - t_k", ("holds", "checked")),
    (r"\frac{\partial \mathcal{L}}{\partial w_{kj}} = (y_k - t_k) h_j", ("holds", "checked")),
    (r"\frac{\partial \mathcal{L}}{\partial w_{kj}} = (y_k - t_k) h_k", "fails"),
]


@pytest.mark.parametrize("claim,verdict", CASES)
def test_entry_of_an_indexed_definition(claim, verdict):
    r = check_claim(claim, givens=GIVENS)
    assert r.verdict in ((verdict,) if isinstance(verdict, str) else verdict), (r.verdict, r.counterexample)
