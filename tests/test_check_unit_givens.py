"""The unit-by-unit forward pass in the shapes texts state it (unit_givens): either factor order, a bias,
a sum per layer with each layer's own output letter, an activation written out, a cost with arguments."""

import pytest

from derive.check.nodes import LatexError
from derive.check.sandbox import check_claim
from derive.check.unit_givens import normalize_forward

# a forward pass per layer, each layer's output in its own letter (as Duda, Hart & Stork write it),
# in letters no corpus file uses
TWO = ['s_j = \\sum_{i=1}^{d} u_i w_{ji} + w_{j0}', 'p_j = f(s_j)', 's_k = \\sum_{j=1}^{m} p_j w_{kj} + w_{k0}',
       'q_k = f(s_k)', 'J(\\mathbf{w}) = \\frac{1}{2}\\sum_{k=1}^{c} (r_k - q_k)^2']
# the activation written out, the net input named x (as Rumelhart, Hinton & Williams write it)
OUT = ['x_j = \\sum_i o_i w_{ji}', 'o_j = \\frac{1}{1 + e^{-x_j}}', 'E = \\frac{1}{2}\\sum_j (o_j - r_j)^2']
# generic activation g, weights from i to j, the input before the weight
FROM = ['n_j = \\sum_i o_i w_{ij}', 'o_j = g(n_j)', 'E = \\frac{1}{2}\\sum_j (r_j - o_j)^2']

CASES = [
    ("\\frac{\\partial J}{\\partial w_{kj}} = (q_k - r_k) f'(s_k) p_j", TWO, "holds"),
    ("\\frac{\\partial J}{\\partial w_{kj}} = (q_k - r_k) p_j", TWO, "fails"),
    ("\\frac{\\partial J}{\\partial w_{ji}} = \\frac{\\partial J}{\\partial p_j} f'(s_j) u_i", TWO, "holds"),
    ("\\frac{\\partial J}{\\partial w_{ji}} = \\frac{\\partial J}{\\partial p_j} u_i", TWO, "fails"),
    ("\\frac{\\partial J}{\\partial p_j} = \\sum_{k=1}^{c} (q_k - r_k) f'(s_k) w_{kj}", TWO, "holds"),
    ("\\frac{\\partial E}{\\partial x_j} = (o_j - r_j) o_j (1 - o_j)", OUT, "holds"),
    ("\\frac{\\partial E}{\\partial x_j} = (o_j - r_j)", OUT, "fails"),
    ("\\frac{\\partial E}{\\partial o_j} = o_j - r_j", OUT, "holds"),
    ("\\frac{\\partial E}{\\partial w_{ji}} = \\frac{\\partial E}{\\partial x_j} o_i", OUT, "holds"),
    ("\\frac{\\partial E}{\\partial w_{ji}} = \\frac{\\partial E}{\\partial x_j} o_j", OUT, "fails"),
    ("\\frac{\\partial E}{\\partial w_{ij}} = -(r_j - o_j) g'(n_j) o_i", FROM, "holds"),
    ("\\frac{\\partial E}{\\partial w_{ij}} = -(r_j - o_j) g'(n_j) o_j", FROM, "fails"),
    ("\\frac{\\partial E}{\\partial o_i} = \\sum_j w_{ij} g'(n_j) \\frac{\\partial E}{\\partial o_j}", FROM, "holds"),
]


@pytest.mark.parametrize("claim,givens,verdict", CASES)
def test_unit_forward_pass_shapes(claim, givens, verdict):
    assert check_claim(claim, givens=givens).verdict == verdict


# a letter used with an index the givens do not bind it to is left unread: never a guessed verdict
UNREAD = [
    ("\\frac{\\partial J}{\\partial w_{kj}} = (q_k - r_k) f'(s_k) p_k", TWO),     # p is layer j's letter
    ("\\frac{\\partial J}{\\partial w_{kj}} = (q_j - r_k) f'(s_k) p_j", TWO),     # q is layer k's letter
]


@pytest.mark.parametrize("claim,givens", UNREAD)
def test_unbound_letters_are_refused(claim, givens):
    assert normalize_forward(claim, list(givens)) is None
    try:
        verdict = check_claim(claim, givens=givens).verdict
    except LatexError:       # refused as unreadable (the command line's exit 2)
        verdict = "error"
    assert verdict != "holds"


def test_normalized_spelling():
    claim, givens = normalize_forward("\\frac{\\partial J}{\\partial p_j} = u_i", list(TWO))
    assert claim == "\\frac{\\partial J}{\\partial p_j} = p_i"                 # the input is the layer before's output
    assert givens[0] == 's_{j} = \\sum_{i} w_{ji} p_{i}'         # weight first, bias dropped
    assert sum(g.startswith('s_') for g in givens) == 1            # one sum kept: the other says the same
    assert not any(g.startswith('q_k') for g in givens)           # q_k = f(s_k) says what p_k = f(s_k) says
    assert 'J = \\frac{1}{2}\\sum_{k=1}^{c} (r_k - p_k)^2' in givens   # J(\\mathbf{w}): named by its letter
    _, written = normalize_forward("E = 0", list(OUT))
    assert 'o_{j} = \\nnact(x_{j})' in written and '\\nnact(u) = \\frac{1}{1 + e^{-u}}' in written


def test_two_written_activations_are_refused():
    givens = ['s_j = \\sum_i u_i w_{ji}', 'p_j = \\tanh(s_j)', 's_k = \\sum_j p_j w_{kj}',
              'q_k = \\frac{1}{1 + e^{-s_k}}', 'E = \\frac{1}{2}\\sum_k (r_k - q_k)^2']
    assert normalize_forward("\\frac{\\partial E}{\\partial w_{kj}} = 0", givens) is None


# the training pattern as a superscript, summed by the cost (as Hertz, Krogh & Palmer write it), in other letters
PAT = ['s_j^\\nu = \\sum_k w_{jk} u_k^\\nu', 'p_j^\\nu = g(s_j^\\nu)', 'E = \\frac{1}{2}\\sum_{\\nu j} (r_j^\\nu - p_j^\\nu)^2']

PATTERNS = [
    ("\\frac{\\partial E}{\\partial w_{jk}} = -\\sum_\\nu (r_j^\\nu - p_j^\\nu) g'(s_j^\\nu) u_k^\\nu", "holds"),
    ("\\frac{\\partial E}{\\partial w_{jk}} = -\\sum_\\nu (r_j^\\nu - p_j^\\nu) u_k^\\nu", "fails"),
    ("\\frac{\\partial E}{\\partial w_{jk}} = \\sum_\\nu (r_j^\\nu - p_j^\\nu) g'(s_j^\\nu) u_k^\\nu", "fails"),
]


@pytest.mark.parametrize("claim,verdict", PATTERNS)
def test_pattern_superscript(claim, verdict):
    assert check_claim(claim, givens=PAT).verdict == verdict


# shapes that cannot be read for one pattern soundly: the pattern's term against the total (the missing
# sum), a sum that does not cover its side, a sum on both sides
UNSOUND = [
    "\\frac{\\partial E}{\\partial w_{jk}} = -(r_j^\\nu - p_j^\\nu) g'(s_j^\\nu) u_k^\\nu",
    "\\frac{\\partial E}{\\partial w_{jk}} = -\\sum_\\nu (r_j^\\nu - p_j^\\nu) g'(s_j^\\nu) u_k^\\nu + w_{jk}",
    "\\sum_\\nu p_j^\\nu = \\sum_\\nu g(s_j^\\nu)",
    "\\frac{\\partial E}{\\partial w_{jk}} = -\\left(\\sum_\\nu (r_j^\\nu - p_j^\\nu) u_k^\\nu\\right)^2",
]


@pytest.mark.parametrize("claim", UNSOUND)
def test_pattern_shapes_refused(claim):
    from derive.check.sample_superscript import strip_sample_superscript

    assert strip_sample_superscript(claim, PAT) is False


# a forward pass with a linear output layer in its own pre-activation letter and a bias written with its
# layer mark (as Grosse writes it): that layer's sum is not read, so nothing is read -- reading the
# hidden layer alone once renamed the output letter into the target's and said "holds" for a slip
LINEAR_OUT = ['s_i = \\sum_j w^{(1)}_{ij} u_j + b^{(1)}_i', 'p_i = \\sigma(s_i)',
              'q_k = \\sum_i w^{(2)}_{ki} p_i + b^{(2)}_k', '\\mathcal{L} = \\frac{1}{2} \\sum_k (q_k - r_k)^2']


@pytest.mark.parametrize("claim", [
    "\\frac{\\partial \\mathcal{L}}{\\partial w^{(2)}_{ki}} = (q_k - r_k) \\sigma'(s_k) p_i",
    "\\frac{\\partial \\mathcal{L}}{\\partial w^{(2)}_{ki}} = (q_k - r_k) p_i",
])
def test_unread_layer_refuses_the_reading(claim):
    from derive.check.unit_notation import read_stated

    assert read_stated(claim, LINEAR_OUT) is None
