"""A document's forward pass with named activations (ReLU, softmax), hats and W^{(2)\\top}, beside scalar warm-ups."""

import pytest

from derive.check import check_claim
from derive.check.chain_notation import atoms, read_chain
from derive.check.documents import check_equations

FORWARD = [r"\mathbf{z}^{(1)} = W^{(1)}\mathbf{x} + \mathbf{b}^{(1)}", r"\mathbf{h} = \operatorname{ReLU}(\mathbf{z}^{(1)})",
           r"\mathbf{z}^{(2)} = W^{(2)}\mathbf{h} + \mathbf{b}^{(2)}",
           r"\hat{\mathbf{y}} = \operatorname{softmax}(\mathbf{z}^{(2)})", r"L = -\sum_k y_k \log \hat{y}_k"]
ONE_HOT = "one-hot targets"

CLAIMS = [
    # softmax with the cross-entropy the text defines: true exactly for targets that sum to 1
    (r"\frac{\partial L}{\partial \mathbf{z}^{(2)}} = \hat{\mathbf{y}} - \mathbf{y}", "conditional", ONE_HOT),
    (r"\frac{\partial L}{\partial W^{(2)}} = (\hat{\mathbf{y}} - \mathbf{y})\mathbf{h}^\top", "conditional", ONE_HOT),
    (r"\frac{\partial L}{\partial \mathbf{z}^{(1)}} = \left(W^{(2)\top}(\hat{\mathbf{y}} - \mathbf{y})\right)"
     r" \odot \mathbb{1}[\mathbf{z}^{(1)} > 0]", "conditional", ONE_HOT),
    # true for any targets
    (r"\frac{\partial L}{\partial W^{(1)}} = \frac{\partial L}{\partial \mathbf{z}^{(1)}} \mathbf{x}^\top", "holds", None),
    # the slips: a sign, a missing transpose, the ReLU factor dropped (fails whatever the targets)
    (r"\frac{\partial L}{\partial \mathbf{z}^{(2)}} = \mathbf{y} - \hat{\mathbf{y}}", "fails", None),
    (r"\frac{\partial L}{\partial \mathbf{z}^{(1)}} = \left(W^{(2)}(\hat{\mathbf{y}} - \mathbf{y})\right)"
     r" \odot \mathbb{1}[\mathbf{z}^{(1)} > 0]", "fails", None),
    (r"\frac{\partial L}{\partial \mathbf{z}^{(1)}} = W^{(2)\top}(\hat{\mathbf{y}} - \mathbf{y})", "fails", None),
]


@pytest.mark.parametrize("claim,verdict,condition", CLAIMS)
def test_named_activations_in_a_stated_forward_pass(claim, verdict, condition):
    r = check_claim(claim, givens=FORWARD)
    assert r.verdict == verdict, (r.verdict, r.method, r.notes)
    if condition:
        assert condition in r.condition


def test_the_chain_reads_named_activations_and_hats():
    chain = read_chain(FORWARD)
    assert chain is not None and chain.depth == 2
    assert chain.names[("hat:y", None, None)] == ("act", 2, False)
    assert chain.concrete == {1, 3}       # the givens with ReLU and softmax stay, to fix the activations
    assert [a.base for a in atoms(r"\hat{\mathbf{y}}_k - \mathbf{y}")] == ["hat:y", "y"]


def test_a_tuple_of_numbers_is_a_column_vector():
    assert check_claim(r"\operatorname{softmax}(z)_3 \approx 0.6652", givens=["z = (1, 2, 3)"]).verdict == "holds"
    assert check_claim(r"\operatorname{softmax}(z)_3 \approx 0.6653", givens=["z = (1, 2, 3)"]).verdict == "fails"


DOC = ("$$" + FORWARD[0] + r", \qquad " + FORWARD[1] + "$$\n\n$$" + FORWARD[2] + r", \qquad " + FORWARD[3]
       + "$$\n\nThe loss is $" + FORWARD[4] + "$.\n\n"
       + r"A warm-up: $\frac{d}{dx}\log(1 + e^{x}) = \sigma(x)$ and $\sigma'(x) = \sigma(x)(1 + \sigma(x))$." + "\n\n"
       + r"For $z = (1, 2, 3)$, $\operatorname{softmax}(z)_3 \approx 0.6652$." + "\n")


def test_a_document_with_a_forward_pass_and_scalar_warm_ups():
    rows = check_equations(DOC)
    verdicts = [v for _, v, _, _ in rows]
    # the warm-ups are scalar claims, not errors about the forward pass's definitions
    assert verdicts == ["definition"] * 5 + ["holds", "fails", "definition", "holds"], rows


def test_a_slip_is_named_when_the_cost_is_given():
    r = check_claim(r"\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_j \delta^l_k", givens=[r"C = \frac{1}{2} \|y - a^L\|^2"])
    assert r.verdict == "fails" and "index swap" in r.slip, (r.slip, r.corrected)
    assert r.corrected.endswith(r"a^{l-1}_k \delta^l_j")


def test_a_prose_value_applies_only_to_claims_that_use_its_letter():
    rows = check_equations(r"At $z = 0$ we get $\sigma'(z) = 0.25$, and $\sigma(2) \approx 0.8808$." + "\n")
    assert [(v, t) for _, v, t, _ in rows][1:] == [("holds", r"\sigma'(z) = 0.25 \text{ at } z = 0"),
                                                   ("holds", r"\sigma(2) \approx 0.8808")], rows


ROW = [r"H = \max(0, X W_1 + b_1)", r"S = H W_2 + b_2"]     # CS231n: a batch of rows, ReLU written as max

ROW_CLAIMS = [
    (r"\frac{\partial L}{\partial W_2} = H^T \frac{\partial L}{\partial S}", "holds", ""),
    (r"dW_2 = H^T dS", "holds", ""),                   # d-names: dX is the cost's derivative by X
    (r"dH = dS\, W_2^T", "holds", ""),
    (r"dW_2 = dS\, H^T", "fails", "the factors in the wrong order: H^T dS, not dS H^T"),
    (r"dW_2 = H dS", "fails", "a missing transpose: H should be (H)^{T}"),
    # H_{pre} is another quantity than H (a word, not a unit index): not read as H
    (r"dH_{pre} = dH \odot \mathbb{1}[X W_1 + b_1 > 0]", "not-checkable", ""),
]


@pytest.mark.parametrize("claim,verdict,slip", ROW_CLAIMS)
def test_row_layout_forward_pass_with_d_names(claim, verdict, slip):
    r = check_claim(claim, givens=ROW)
    assert r.verdict == verdict, (r.verdict, r.notes)
    assert r.slip == slip                              # in the text's own letters, not the default ones
    if verdict != "not-checkable":
        assert any(n.startswith(r"the given H = \max(0, X W_1 + b_1) makes layer 1") for n in r.notes), r.notes


OWN = [r"\mathbf{u} = V\mathbf{x} + \mathbf{c}", r"\mathbf{g} = \tanh(\mathbf{u})", r"\mathbf{s} = U\mathbf{g} + \mathbf{d}",
       r"\mathbf{p} = \operatorname{softmax}(\mathbf{s})", r"\ell = -\sum_k y_k \log p_k"]


def test_two_unnumbered_layers_in_the_texts_own_letters():
    # no layer is numbered (u, g, s, p; V, U): two layers and named activations are still a chain, \ell its cost
    r = check_claim(r"\frac{\partial \ell}{\partial U} = (\mathbf{p} - \mathbf{y})\mathbf{g}^\top", givens=OWN)
    assert r.verdict == "conditional" and "one-hot" in r.condition, (r.verdict, r.notes)
    assert any(r"\operatorname{softmax}(\mathbf{s})" in n for n in r.notes), r.notes     # not softma\mathbf{x}
    s = check_claim(r"\frac{\partial \ell}{\partial \mathbf{u}} = U^\top(\mathbf{p} - \mathbf{y})", givens=OWN)
    assert s.verdict == "fails"
