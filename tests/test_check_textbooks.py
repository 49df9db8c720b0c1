"""Network claims in other textbooks' letters without a spec: a forward pass stated letter by letter,
a script after a layer script, a cost whose definition names the per-sample loss, a symbolic count of
units as a sum's bound, and givens that define a network quantity (the activation they name)."""

import pytest

from derive.check import check_claim
from derive.check.chain_notation import read_chain, read_chain_claim

# a row-layout MLP (d2l 5.1, CS231n): H = \phi(X W^{(1)} + b^{(1)}), O = H W^{(2)} + b^{(2)}
ROW = [r"\mathbf{H} = \phi(\mathbf{X} \mathbf{W}^{(1)} + \mathbf{b}^{(1)})",
       r"\mathbf{O} = \mathbf{H}\mathbf{W}^{(2)} + \mathbf{b}^{(2)}"]
# Goldberg's row vectors, layers as plain superscripts
GOLDBERG = [r"h = g(x W^1 + b^1)", r"y = h W^2 + b^2"]
# Raschka's named layers, no biases
NAMED = [r"Z^{(h)} = A^{(in)} W^{(h)}", r"A^{(h)} = \phi(Z^{(h)})", r"Z^{(out)} = A^{(h)} W^{(out)}",
         r"A^{(out)} = \phi(Z^{(out)})", r"\delta^{(out)} = \frac{\partial J}{\partial Z^{(out)}}"]


@pytest.mark.parametrize("givens, layout, stored, depth", [
    (ROW, "row", "in_out", 2),
    (GOLDBERG, "row", "in_out", 2),
    (NAMED, "row", "in_out", 2),
    ([r"z = W^{(1)} x", r"h = \phi(z)", r"o = W^{(2)} h"], "column", "out_in", 2),
    ([r"h_1 = \Phi(W_1^T x)", r"o = \Phi(W_2^T h_1)"], "column", "in_out", 2),
])
def test_chain_read(givens, layout, stored, depth):
    chain = read_chain(givens)
    assert (chain.layout, chain.stored, chain.depth) == (layout, stored, depth)


@pytest.mark.parametrize("givens", [
    [r"z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}", r"a^{(l)} = f(z^{(l)})"],   # a layer variable: not a chain
    [r"o = W^{(2)} h"],                                                    # h is not layer 1 of anything
    [r"q = x + y"],
])
def test_not_a_chain(givens):
    assert read_chain(givens) is None


def test_a_named_activation_is_a_chain_whose_given_stays():
    # the ReLU given is kept (rewritten) so that it fixes the layer's activation (tests/test_check_named_forward_pass.py)
    chain = read_chain([r"H = \operatorname{ReLU}(X W^{(1)})"])
    assert (chain.layout, chain.depth, chain.concrete, chain.used) == ("row", 1, {0}, set())


def test_defined_activation_is_not_generic():
    assert read_chain_claim(r"\frac{\partial J}{\partial W^{(h)}} = (A^{(in)})^T \delta^{(h)}",
                            NAMED + [r"\phi(z) = \frac{1}{1 + e^{-z}}"]) is None


@pytest.mark.parametrize("claim, givens, verdict", [
    (r"\frac{\partial L}{\partial \mathbf{W}^{(2)}} = \mathbf{H}^\top \frac{\partial L}{\partial \mathbf{O}}", ROW, "holds"),
    (r"\frac{\partial L}{\partial \mathbf{W}^{(2)}} = \frac{\partial L}{\partial \mathbf{O}} \mathbf{H}^\top", ROW, "fails"),
    (r"\frac{\partial L}{\partial \mathbf{H}} = \frac{\partial L}{\partial \mathbf{O}} {\mathbf{W}^{(2)}}^\top", ROW, "holds"),
    (r"\frac{\partial L}{\partial h} = \frac{\partial L}{\partial y} (W^2)^\top", GOLDBERG, "holds"),
    (r"\frac{\partial L}{\partial W^1} = x^\top \left( \frac{\partial L}{\partial h} \odot g'(x W^1 + b^1) \right)",
     GOLDBERG, "holds"),
    (r"\frac{\partial L}{\partial W^1} = x^\top \frac{\partial L}{\partial h}", GOLDBERG, "fails"),
    (r"\frac{\partial J}{\partial W^{(out)}} = (A^{(h)})^T \delta^{(out)}", NAMED, "holds"),
    (r"\frac{\partial J}{\partial W^{(out)}} = \delta^{(out)} (A^{(h)})^T", NAMED, "fails"),
    # Goodfellow's transpose after the layer script
    (r"\nabla_{h^{(k-1)}} J = W^{(k)\top} \nabla_{a^{(k)}} J", (), "holds"),
    (r"\nabla_{h^{(k-1)}} J = W^{(k)} \nabla_{a^{(k)}} J", (), "fails"),
])
def test_textbook_claims(claim, givens, verdict):
    assert check_claim(claim, givens=list(givens)).verdict == verdict


def test_cost_naming_the_per_sample_loss_does_not_recurse():
    # J = L(\hat{y}, y) + \lambda\Omega(\theta): the L inside is the per-sample loss, not J again
    r = check_claim(r"\nabla_{b^{(k)}} J = g + \lambda \nabla_{b^{(k)}} \Omega(\theta)",
                    givens=[r"g = \nabla_{a^{(k)}} J", r"J = L(\hat{y}, y) + \lambda \Omega(\theta)"])
    assert r.verdict != "error" and not any("nested" in n for n in r.notes)
    assert r.verdict != "holds" or r.method


UFLDL = [r"z^{(l+1)} = W^{(l)} a^{(l)} + b^{(l)}", r"a^{(l+1)} = f(z^{(l+1)})"]
CS229 = [r"a^{[k]} = \operatorname{ReLU}(z^{[k]})"]


@pytest.mark.parametrize("claim, givens, verdict", [
    # UFLDL's s_{l+1}: the width of layer l+1, the layer the index j numbers the units of
    (r"\delta^{(l)}_i = \left( \sum_{j=1}^{s_{l+1}} W^{(l)}_{ji} \delta^{(l+1)}_j \right) f'(z^{(l)}_i)", UFLDL, "holds"),
    (r"\delta^{(l)}_i = \left( \sum_{j=1}^{s_{l+1}} W^{(l)}_{ij} \delta^{(l+1)}_j \right) f'(z^{(l)}_i)", UFLDL, "fails"),
    # a count whose index numbers no unit is no width
    (r"\delta^{(l)}_i = \left( \sum_{k=1}^{K} W^{(l)}_{ji} \delta^{(l+1)}_j \right) f'(z^{(l)}_i)", UFLDL,
     "not-checkable"),
    # CS229's a^{[k]} = ReLU(z^{[k]}): every layer's activation is the ReLU
    (r"\delta^{[k]} = \left(W^{[k+1]\top} \delta^{[k+1]}\right) \odot \operatorname{ReLU}'(z^{[k]})", CS229, "holds"),
    (r"\delta^{[k]} = \left(W^{[k+1]} \delta^{[k+1]}\right) \odot \operatorname{ReLU}'(z^{[k]})", CS229, "fails"),
    (r"\delta^{[k]} = \left(W^{[k+1]\top} \delta^{[k+1]}\right) \odot \tanh'(z^{[k]})", CS229, "fails"),
    # UFLDL's shift with f defined: read by layer_chain.py in that numbering, with f the sigmoid (this was
    # not-checkable before the layer-chain reader; the claim is true)
    (r"f'(z^{(l)}_i) = a^{(l)}_i (1 - a^{(l)}_i)", UFLDL + [r"f(z) = \frac{1}{1+\exp(-z)}"], "holds"),
    (r"f'(z^{(l)}_i) = a^{(l)}_i (1 + a^{(l)}_i)", UFLDL + [r"f(z) = \frac{1}{1+\exp(-z)}"], "fails"),
])
def test_counts_and_network_givens(claim, givens, verdict):
    assert check_claim(claim, givens=list(givens)).verdict == verdict


MITCHELL = [r"net_j = \sum_i w_{ji} x_{ji}", r"o_j = \sigma(net_j)",
            r"E_d = \frac{1}{2}\sum_{k \in outputs} (t_k - o_k)^2", r"\delta_j = -\frac{\partial E_d}{\partial net_j}"]
RUSSELL_NORVIG = [r"in_j = \sum_i w_{i,j} a_i", r"a_j = g(in_j)", r"g(x) = \tanh(x)"]


@pytest.mark.parametrize("claim, givens, verdict", [
    # Mitchell's names of several letters, x_{ji} (the input from i into j), delta = -dE_d/dnet, sigmoid units
    (r"\delta_k = o_k(1 - o_k)(t_k - o_k)", MITCHELL, "holds"),
    (r"\delta_k = o_k(1 - o_k)(o_k - t_k)", MITCHELL, "fails"),
    (r"\frac{\partial E_d}{\partial w_{ji}} = -\delta_j x_{ji}", MITCHELL, "holds"),
    # Russell & Norvig's w_{i,j} from i to j and an activation the text defines
    (r"g'(in_j) = 1 - a_j^2", RUSSELL_NORVIG, "holds"),
    (r"g'(in_j) = a_j(1 - a_j)", RUSSELL_NORVIG, "fails"),
])
def test_unit_letters_of_several_texts(claim, givens, verdict):
    assert check_claim(claim, givens=givens).verdict == verdict


def test_names_of_several_letters_get_one_control_word():
    from derive.check.unit_notation import _name_words

    claim, givens = _name_words(r"g'(in_j) = a_j", [r"in_j = \sum_i w_{i,j} a_i", r"\frac{\partial E}{\partial net_j}"])
    assert claim == r"g'(\nnwin_j) = a_j"
    assert givens == [r"\nnwin_j = \sum_i w_{i,j} a_i", r"\frac{\partial E}{\partial \nnwnet_j}"]


@pytest.mark.parametrize("claim, verdict, names", [
    # Bishop's (5.66): true for tanh hidden units only, so true on that condition
    (r"\delta_j = (1-z_j^2) \sum_{k} w_{kj} \delta_k", "conditional", "tangent"),
    # a missing activation-derivative factor is true for linear layers only: no condition is searched there
    (r"\delta^l = (w^{l+1})^T \delta^{l+1}", "fails", ""),
])
def test_condition_on_every_layers_activation(claim, verdict, names):
    r = check_claim(claim)
    assert r.verdict == verdict and names in (r.condition or "")
