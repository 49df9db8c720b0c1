"""A forward pass stated for a generic layer in the text's own letters and layer offsets (layer_chain.py):
each role's offset against the default letters, the claim rewritten, and end-to-end verdicts."""

import pytest

from derive.check import check_claim
from derive.check.layer_chain import read_layer_chain, read_layer_chain_claim

# bias first, layer as a subscript, the activation numbered like the NEXT pre-activation (as Prince)
SUBSCRIPT = [r"\mathbf{u}_k = \mathbf{c}_k + \mathbf{V}_k \mathbf{g}_k", r"\mathbf{g}_k = \psi[\mathbf{u}_{k-1}]"]
# W stored in x out with the bias written as W_0 (as MIT 6.036), other letters
IN_OUT = [r"S^l = (W^l)^T G^{l-1} + W_0^l", r"G^l = \rho^l(S^l)"]
# the weight numbered by the layer it reads (as UFLDL)
LOWER = [r"q^{(l+1)} = W^{(l)} r^{(l)} + c^{(l)}", r"r^{(l+1)} = g(q^{(l+1)})"]
# inline activation, subscripts, a numbered first layer and an output letter (as Aggarwal)
INLINE = [r"v_1 = \phi(W_1^T x)", r"v_{p+1} = \phi(W_{p+1}^T v_p)", r"y = \phi(W_{k+1}^T v_k)"]


# unit by unit with a layer variable, thresholds subtracted, the output and the error named (as Mehlig)
UNITS = [r"u_i^{(\ell)} = \sum_j w_{ij}^{(\ell)} s_j^{(\ell-1)} - \beta_i^{(\ell)}", r"s_i^{(\ell)} = \psi(u_i^{(\ell)})",
         r"q_i = s_i^{(L)}", r"E = \frac{1}{2} \sum_i (r_i - q_i)^2", r"\epsilon_i^{(\ell)} = -\frac{\partial E}{\partial u_i^{(\ell)}}"]


@pytest.mark.parametrize("givens, stored, offsets", [
    (SUBSCRIPT, "out_in", {"u": ("preact", 0), "V": ("weight", 0), "c": ("bias", 0), "g": ("act", -1)}),
    ([r"\mathbf{u}_0 = \mathbf{c}_0 + \mathbf{V}_0 \mathbf{x}"] + SUBSCRIPT, "out_in",   # numbered: V_0 is layer 1
     {"u": ("preact", 1), "V": ("weight", 1), "c": ("bias", 1), "g": ("act", 0), "x": ("input", 0)}),
    (IN_OUT, "in_out", {"S": ("preact", 0), "W": ("weight", 0), "G": ("act", 0)}),
    (LOWER, "out_in", {"q": ("preact", -1), "W": ("weight", 0), "c": ("bias", 0), "r": ("act", -1)}),
    (INLINE, "in_out", {"W": ("weight", 0), "v": ("act", 0), "y": ("output", 0), "x": ("input", 0)}),
])
def test_offsets(givens, stored, offsets):
    chain = read_layer_chain(givens)
    assert chain.stored == stored
    got = {key[0]: (role, off) for key, (role, off, _) in chain.names.items() if not key[2] and key[0] != "delta"}
    assert got == offsets


@pytest.mark.parametrize("givens", [
    [r"z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}", r"a^{(l+1)} = f(z^{(l)})"],   # the activation read two ways
    [r"z = W x + b", r"a = f(z)"],                                            # no layer variable
    [r"z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}"],                               # no activation step
    [r"q = x + y"],
])
def test_not_a_layer_chain(givens):
    assert read_layer_chain(givens) is None


@pytest.mark.parametrize("givens, claim, rewritten", [
    (SUBSCRIPT, r"\frac{\partial \ell}{\partial \mathbf{g}_k} = \mathbf{V}_k^T \frac{\partial \ell}{\partial \mathbf{u}_k}",
     r"\frac{\partial L}{\partial a^{l-1}} = {W^{l}}^T \frac{\partial L}{\partial z^{l}}"),
    (IN_OUT, r"\frac{\partial \text{loss}}{\partial W_0^l} = \frac{\partial \text{loss}}{\partial S^l}",
     r"\frac{\partial L}{\partial b^{l}} = \frac{\partial L}{\partial z^{l}}"),
    (LOWER, r"\delta^{(l)}_i = g'(q^{(l)}_i)", r"\delta^{l-1}_i = f'(z^{l-1}_i)"),
])
def test_rewrite(givens, claim, rewritten):
    assert read_layer_chain_claim(claim, givens)[0] == rewritten


@pytest.mark.parametrize("claim, rewritten", [
    (r"\frac{\partial E}{\partial \beta_m^{(\ell)}} = \epsilon_m^{(\ell)}",
     r"\left(-\frac{\partial L}{\partial b^{l}_m}\right) = (-\delta^{l}_m)"),
    (r"\frac{\partial E}{\partial w_{mn}^{(L)}} = -(r_m - q_m) \psi'(u_m^{(L)}) s_n^{(L-1)}",
     r"\frac{\partial L}{\partial W^{L}_{mn}} = -(y_m - a^{L}_m) f'(z^{L}_m) a^{L-1}_n"),   # the target r is y
])
def test_rewrite_units(claim, rewritten):
    got = read_layer_chain_claim(claim, UNITS)
    assert got is None if rewritten is None else got[0] == rewritten


def test_unplaceable_letter_is_left_to_other_readers():
    # V at a layer written with a second variable: not this chain's layer
    assert read_layer_chain_claim(r"\frac{\partial \ell}{\partial \mathbf{V}_j} = 0", SUBSCRIPT) is None


@pytest.mark.parametrize("givens, claim, verdict", [
    (SUBSCRIPT, r"\frac{\partial \ell}{\partial \mathbf{V}_k} = \frac{\partial \ell}{\partial \mathbf{u}_k} \mathbf{g}_k^T",
     "holds"),
    (SUBSCRIPT, r"\frac{\partial \ell}{\partial \mathbf{g}_k} = \mathbf{V}_k \frac{\partial \ell}{\partial \mathbf{u}_k}",
     "fails"),
    (IN_OUT, r"\frac{\partial \text{loss}}{\partial G^{l-1}} = W^l \frac{\partial \text{loss}}{\partial S^l}", "holds"),
    (IN_OUT, r"\frac{\partial \text{loss}}{\partial W^l} = \frac{\partial \text{loss}}{\partial S^l} (G^{l-1})^T",
     "fails"),
    (LOWER + [r"g(t) = \frac{1}{1 + e^{-t}}"], r"g'(q^{(l)}_i) = r^{(l)}_i (1 - r^{(l)}_i)", "holds"),
    (INLINE, r"\frac{\partial L}{\partial W_{p+1}} = v_p \left[ \phi'(W_{p+1}^T v_p) \odot "
             r"\frac{\partial L}{\partial v_{p+1}} \right]^T", "holds"),
    (SUBSCRIPT[:1] + [r"\mathbf{g}_k = \text{ReLU}[\mathbf{u}_{k-1}]"],
     r"\frac{\partial \ell}{\partial \mathbf{u}_{k-1}} = \mathbf{V}_k^T \frac{\partial \ell}{\partial \mathbf{u}_k}", "fails"),
    (UNITS, r"\frac{\partial E}{\partial \beta_m^{(\ell)}} = \epsilon_m^{(\ell)}", "holds"),
    (UNITS, r"\frac{\partial E}{\partial \beta_m^{(\ell)}} = -\epsilon_m^{(\ell)}", "fails"),
    (UNITS, r"\epsilon_j^{(\ell-1)} = \sum_i \epsilon_i^{(\ell)} w_{ij}^{(\ell)} \psi'(u_j^{(\ell-1)})", "holds"),
    (UNITS, r"\epsilon_i^{(L)} = (r_i - q_i) \psi'(u_i^{(L)})", "holds"),
    (UNITS, r"\epsilon_i^{(L)} = (q_i - r_i) \psi'(u_i^{(L)})", "fails"),
])
def test_verdicts(givens, claim, verdict):
    assert check_claim(claim, givens=givens).verdict == verdict


# a chain of single neurons: the cost squares the one output (as 3Blue1Brown)
SINGLE = [r"q^{(L)} = w^{(L)} h^{(L-1)} + c^{(L)}", r"h^{(L)} = \sigma(q^{(L)})", r"E = (h^{(L)} - y)^2"]


@pytest.mark.parametrize("cost, one", [
    (r"(a^{(L)} - y)^2", True),
    (r"\sum_j (a_j^{(L)} - y_j)^2", False),
    (r"\| a^{(L)} - y \|^2", False),
    (r"(a^{(L)} - y)^3", False),
])
def test_squares_one_output(cost, one):
    from derive.check.network_letters import _squares_one_output
    from derive.check.syntax import parse

    assert _squares_one_output(parse(cost)) is one


@pytest.mark.parametrize("claim, verdict", [
    (r"\frac{\partial E}{\partial h^{(L-1)}} = w^{(L)} \sigma'(q^{(L)}) 2(h^{(L)} - y)", "holds"),
    (r"\frac{\partial E}{\partial w^{(L)}} = h^{(L-1)} \sigma'(q^{(L)}) 2(h^{(L)} - y)", "holds"),
    (r"\frac{\partial E}{\partial h^{(L-1)}} = \sigma'(q^{(L)}) 2(h^{(L)} - y)", "fails"),
])
def test_single_neuron_chain(claim, verdict):
    assert check_claim(claim, givens=SINGLE).verdict == verdict
