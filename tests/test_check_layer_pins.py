"""A claim about the output written at a free layer letter (Goodfellow's l, the depth) holds when that layer is the output."""

import pytest

from derive.check import check_claim

CASES = [
    (r"\hat{y} = h^{(l)}", "conditional"),              # Goodfellow's algorithm 6.3: his l is the depth
    (r"\hat{y} = h^{(l-1)}", "fails"),                  # the layer below the output is never it
    (r"\hat{y} = h^{(L)}", "holds"),
    # a claim that also writes L is a slip at the other letter, never "true when l = L"
    (r"\delta^L = \nabla_a C \odot \sigma'(z^l)", "fails"),
    # a claim not about the output is not pinned: its layer letter means every layer
    (r"\frac{\partial C}{\partial w^l_{jk}} = a^{l}_k \delta^l_j", "fails"),
    (r"a^l = \sigma(z^l)", "holds"),
]


@pytest.mark.parametrize("claim,verdict", CASES)
def test_output_at_a_free_layer(claim, verdict):
    r = check_claim(claim)
    assert r.verdict == verdict, (r.verdict, r.method, r.condition)
