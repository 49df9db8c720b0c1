"""Network claims without a spec (issue 9.1): a generic network in a textbook's letters, any activation
and any cost, with the condition named when a claim holds only for some activations and losses."""

from __future__ import annotations

import pytest

from derive.check import check_claim
from nnderive.cli import main

GENERIC = [  # (claim, verdict): the backpropagation equations as the textbooks print them
    # Nielsen, chapter 2: BP1-BP4, in vector and in component form
    (r"\delta^L = \nabla_a C \odot \sigma'(z^L)", "holds"),
    (r"\delta^L_j = \frac{\partial C}{\partial a^L_j} \sigma'(z^L_j)", "holds"),
    (r"\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma'(z^l)", "holds"),
    (r"\delta^l = (w^{l+1})^T \delta^{l+1}", "fails"),                       # the activation factor is missing
    (r"\delta^l = w^{l+1} \delta^{l+1} \odot \sigma'(z^l)", "fails"),         # the transpose is missing
    (r"\frac{\partial C}{\partial b^l_j} = \delta^l_j", "holds"),
    (r"\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_k \delta^l_j", "holds"),
    (r"\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_j \delta^l_k", "fails"),   # the indices swapped
    (r"z^l = w^l a^{l-1} + b^l", "holds"),
    (r"a^{l}_j = \sigma\left( \sum_k w^{l}_{jk} a^{l-1}_k + b^l_j \right)", "holds"),
    # true only for some outputs and costs: the condition is found by trying the engine's
    (r"\delta^L = a^L - y", "conditional"),
    (r"\delta^L = (a^L-y) \odot \sigma'(z^L)", "conditional"),
    # Goodfellow, algorithm 6.4, and Ng's course notation
    (r"a^{(k)} = b^{(k)} + W^{(k)} h^{(k-1)}", "holds"),
    (r"h^{(k)} = f(a^{(k)})", "holds"),
    (r"\nabla_{a^{(k)}} J = \nabla_{h^{(k)}} J \odot f'(a^{(k)})", "holds"),
    (r"Z^{[l]} = W^{[l]}A^{[l-1]} + b^{[l]}", "holds"),
    (r"A^{[l]} = g^{[l]}(Z^{[l]})", "holds"),
    (r"z^{[1](i)} = W^{[1]} x^{(i)} + b^{[1]}", "holds"),
    # a power stays a power where the base is not a network symbol
    (r"a^2 + b^2 = c^2", "fails"),
    (r"(x+1)^{2} = x^{2} + 2x + 1", "holds"),
]


@pytest.mark.parametrize("claim, verdict", GENERIC)
def test_generic_network_claims(claim, verdict):
    r = check_claim(claim)
    assert r.verdict == verdict, r.summary()


def test_generic_claims_say_what_was_assumed():
    r = check_claim(r"\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma'(z^l)")
    assert "any differentiable activation" in r.method and "Nielsen" in r.method
    assert "3-2-4-2" in r.method                     # several depths, every weight matrix non-square


def test_conditions_are_named_from_the_registries():
    r = check_claim(r"\delta^L = a^L - y")
    assert r.verdict == "conditional"
    assert "logistic sigmoid outputs with binary cross-entropy" in r.condition
    assert "softmax outputs with categorical cross-entropy" in r.condition
    r = check_claim(r"\delta^L = (a^L-y) \odot \sigma'(z^L)")
    assert "half sum of squared errors cost (any output activation)" in r.condition


@pytest.mark.parametrize("argv, code", [
    ([r"\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma'(z^l)"], 0),
    ([r"\delta^L = a^L - y"], 4),                    # conditional: not a plain holds
    ([r"\delta^l = (w^{l+1})^T \delta^{l+1}"], 1),
    ([r"\delta^{2} = a^{2} - y", "--notation", "nielsen"], 4),
])
def test_generic_network_exit_codes(argv, code, capsys):
    assert main(["check", *argv]) == code


@pytest.mark.parametrize("h0,verdict", [(0.5, "holds"), (0.0, "fails")])
def test_scalar_beside_a_network_uses_the_specs_relu_convention(tmp_path, h0, verdict):
    """ReLU'(z) = H(z) with H(0) = 1/2 beside a spec: the spec's ReLU'(0) decides, as for its own lines."""
    from derive.spec import load_spec

    p = tmp_path / "s.toml"
    p.write_text('[network]\nname = "s"\nlayers = [2, 2, 1]\nactivations = ["relu", "sigmoid"]\n'
                 f'loss = "bce"\n[conventions]\nrelu_prime_at_zero = {h0}\n', encoding="utf-8")
    claim = (r"\operatorname{ReLU}'(z) = \begin{cases} 1 & z > 0 \\ \frac{1}{2} & z = 0 \\ 0 & z < 0"
             r" \end{cases}")
    r = check_claim(claim, spec=load_spec(str(p)))
    assert r.verdict == verdict, (r.verdict, r.counterexample, r.notes)
