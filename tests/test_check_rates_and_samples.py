"""A penalty's lambda in a network claim is a number; Ng's per-example cost letters are his capitals' columns."""

import pytest

from derive.check import check_claim

# d2l 5.3: J = L + s with the L2 penalty s; the forward pass z = W^{(1)} x, h = phi(z), o = W^{(2)} h
D2L = [r"J = L + s", r"s = \frac{\lambda}{2}(\|W^{(1)}\|_F^2 + \|W^{(2)}\|_F^2)", r"o = W^{(2)} h",
       r"h = \phi(z)", r"z = W^{(1)} x"]
# Ng's two-layer classifier: the cost in his one-example letters, the claim in his capitals
NG = [r"J = -\frac{1}{m}\sum_{i=1}^{m} (y^{(i)}\log a^{[2](i)} + (1-y^{(i)})\log(1-a^{[2](i)}))",
      r"A^{[2]} = \sigma(Z^{[2]})"]

CLAIMS = [
    (r"\frac{\partial J}{\partial W^{(2)}} = \frac{\partial J}{\partial o} h^\top + \lambda W^{(2)}", D2L, "holds"),
    (r"\frac{\partial J}{\partial W^{(2)}} = \frac{\partial J}{\partial o} h^\top + 2\lambda W^{(2)}", D2L, "fails"),
    (r"\frac{\partial J}{\partial W^{(2)}} = \frac{\partial J}{\partial o} h^\top", D2L, "fails"),
    (r"\frac{\partial s}{\partial W^{(1)}} = \lambda W^{(1)}", D2L, "holds"),
    # a foreign letter that is not conventionally a number stays undefined (it may be a vector)
    (r"\frac{\partial J}{\partial W^{(2)}} = \frac{\partial J}{\partial o} h^\top + q W^{(2)}", D2L,
     "not-checkable"),
    # true for sigmoid outputs with this cross-entropy: conditional, not "the cost does not depend on the network"
    (r"dZ^{[2]} = A^{[2]} - Y", NG, "conditional"),
    (r"dZ^{[2]} = Y - A^{[2]}", NG, "fails"),
]


@pytest.mark.parametrize("claim,givens,verdict", CLAIMS)
def test_verdicts(claim, givens, verdict):
    assert check_claim(claim, givens=givens).verdict == verdict


def test_counterexample_spells_greek_names_as_tex():
    r = check_claim(D2L_CLAIM_SLIP, givens=D2L)
    assert r.verdict == "fails"
    assert "\\lambda = " in r.counterexample and "lambda =" not in r.counterexample.replace("\\lambda", "")
    assert any(n.startswith("\\lambda is not a symbol") for n in r.notes)
    s = check_claim(r"\lambda x = 2 \lambda x")
    assert "\\lambda = " in s.counterexample


D2L_CLAIM_SLIP = r"\frac{\partial J}{\partial W^{(2)}} = \frac{\partial J}{\partial o} h^\top + 2\lambda W^{(2)}"


def test_a_failing_claim_with_a_given_cost_shows_tex_names():
    r = check_claim(r"dZ^{[2]} = Y - A^{[2]}", givens=NG)
    assert r.verdict == "fails"
    assert "(W^{[1]})_{11}" in r.counterexample and "w1_1_1" not in r.counterexample, r.counterexample
    assert "network with the same activations and loss" in r.counterexample


OUTPUT_CLAIMS = [
    # nothing defines y_hat: the output of a generic network with three output units (never one unit, where
    # i = j always and the softmax Jacobian would agree with the sigmoid's)
    (r"\frac{\partial \hat{y}_i}{\partial z_j} = \hat{y}_i(\delta_{ij} - \hat{y}_j)", "conditional", "softmax outputs (any cost"),
    (r"\frac{\partial \hat{y}_i}{\partial z_i} = \hat{y}_i(1 - \hat{y}_i)", "conditional", "logistic sigmoid"),
]


@pytest.mark.parametrize("claim,verdict,condition", OUTPUT_CLAIMS)
def test_an_undefined_output_is_the_generic_networks(claim, verdict, condition):
    r = check_claim(claim)
    assert r.verdict == verdict and condition in r.condition, (r.verdict, r.condition)
    assert "sigmoid" not in r.condition or "delta" not in claim


@pytest.mark.parametrize("claim", [r"\frac{\partial \hat{y}_i}{\partial z_j} = \hat{y}_i(1 - \hat{y}_j)",
                                   r"\frac{\partial q}{\partial z} = q(1 - q)"])
def test_a_false_or_foreign_one_stays_an_undefined_symbol(claim):
    from derive.check.nodes import LatexError

    with pytest.raises(LatexError, match="is not defined"):
        check_claim(claim)


def test_the_y_inside_y_hat_is_no_target():
    from derive.check.network_letters import _roles_used
    from derive.check.sandbox import _network_notation
    from derive.check.syntax import parse

    claim = r"\frac{\partial \hat{y}_i}{\partial z_j} = \hat{y}_i(\delta_{ij} - \hat{y}_j)"
    assert "target" not in _roles_used(parse(claim), _network_notation(claim, "default"))
    assert "target" in _roles_used(parse(r"L = \hat{y} - y"), _network_notation(claim, "default"))
