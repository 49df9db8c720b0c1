"""In a network claim a gradient of the cost letter ends at the letter: \\nabla_{a} J \\, h^\\top is (\\nabla_a J) h^T."""

import pytest

from derive.check import check_claim

CASES = [
    (r"\nabla_{W^{(k)}} J = \nabla_{a^{(k)}} J \, h^{(k-1)\top}", "holds"),       # Goodfellow alg. 6.4
    (r"\nabla_{W^{(k)}} J = \nabla_{a^{(k)}} J \, h^{(k)\top}", "fails"),         # wrong layer
    (r"\frac{\partial C}{\partial w^l} = \nabla_{z^l} C \, (a^{l-1})^T", "holds"),
    (r"\frac{\partial C}{\partial w^l} = (a^{l-1})^T \nabla_{z^l} C", "fails"),
    # the cost's own arguments belong to it (UFLDL's J(W,b;x,y))
    (r"\nabla_{W^{(k)}} J(\theta) = \nabla_{a^{(k)}} J(\theta) \, h^{(k-1)\top}", "holds"),
    # not the cost letter: the operator still takes the whole product
    (r"\nabla_{\mathbf{u}} \mathbf{u}^\top M \mathbf{u} = (M + M^\top)\mathbf{u}", "holds"),
    # a gradient is never a definition of a name (\nabla is no name)
    (r"\nabla_{\mathbf{x}} (\mathbf{x}^\top \mathbf{x}) = \mathbf{x}", "fails"),
]


@pytest.mark.parametrize("claim,verdict", CASES)
def test_gradient_operand(claim, verdict):
    r = check_claim(claim)
    assert r.verdict == verdict, (r.verdict, r.method, r.counterexample, r.notes)


def test_with_a_spec():
    from derive.spec import load_spec

    spec = load_spec("examples/digits_64_32_10.toml")
    r = check_claim(r"\frac{\partial L}{\partial W^{2}} = \nabla_{z^{2}} L \, (a^{1})^{T}", spec=spec)
    assert r.verdict == "holds", (r.verdict, r.counterexample, r.notes)
