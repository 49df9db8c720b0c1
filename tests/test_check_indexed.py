"""Index notation in scalar claims (derive/check/index_sums.py): sums without an upper limit, softmax(z)_i,
indexed definitions in --given, Kronecker deltas, indicators of index equalities, labels, \\sum_{j \\neq y}."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.check.context import Definitions
from derive.check.definitions import read_definition
from derive.check.index_sums import plan_indices
from derive.check.scalar import check_scalar
from derive.check.syntax import parse

S = ['s_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}']
EN = ['E(w) = \\sum_{n=1}^{N} E_n(w)']
L2 = ['C = C_0 + \\frac{\\lambda}{2n} \\sum_w w^2']
P = ['p_k = \\frac{e^{f_k}}{ \\sum_j e^{f_j} }', 'L_i =-\\log\\left(p_{y_i}\\right)']

# (claim, givens, verdict): true claims are 'checked' (decided at several lengths, not proved for all),
# and each classic slip fails, several only at a length above 1 or only off the diagonal
CASES = [
    ('\\sum_j \\operatorname{softmax}(z)_j = 1', [], "checked"),
    ('\\sum_j \\operatorname{softmax}(z)_j = 1 + \\operatorname{softmax}(z)_1 - 1', [], "fails"),
    ('\\operatorname{softmax}(z + c)_i = \\operatorname{softmax}(z)_i', [], "checked"),
    ('\\operatorname{softmax}(cz)_i = \\operatorname{softmax}(z)_i', [], "fails"),
    ('\\operatorname{softmax}(z)_i = \\sigma(z_i)', [], "fails"),
    ('\\frac{\\partial}{\\partial z_i} \\log\\sum_j e^{z_j} = \\operatorname{softmax}(z)_i', [], "checked"),
    ('\\frac{\\partial}{\\partial z_i} \\log\\sum_j e^{z_j} = 1', [], "fails"),           # true at length 1 only
    ('\\frac{\\partial}{\\partial z_i} \\log\\sum_j e^{z_j} = \\frac{e^{z_j}}{\\sum_k e^{z_k}}', [], "fails"),
    ('\\frac{\\partial s_i}{\\partial z_j} = s_i(\\delta_{ij} - s_j)', S, "checked"),
    ('\\frac{\\partial s_i}{\\partial z_j} = s_i(1 - s_j)', S, "fails"),                 # delta dropped
    ('\\frac{\\partial s_i}{\\partial z_j} = -s_i s_j', S, "fails"),                     # only off the diagonal
    ('\\frac{\\partial s_i}{\\partial z_j} = s_i(s_j - \\delta_{ij})', S, "fails"),      # sign
    ('\\frac{\\partial s_i}{\\partial z_i} = s_i(1 - s_i)', S, "checked"),
    # s named as the softmax of z: s_i is its entry i
    ('\\frac{\\partial s_i}{\\partial z_j} = s_i(\\delta_{ij} - s_j)', ['s = \\operatorname{softmax}(z)'], "checked"),
    ('\\frac{\\partial s_i}{\\partial z_j} = s_i(1 - s_j)', ['s = \\operatorname{softmax}(z)'], "fails"),
    ('\\frac{\\partial L_i }{ \\partial f_k } = p_k - \\mathbb{1}(y_i = k)', P, "checked"),
    ('\\frac{\\partial L_i }{ \\partial f_k } = p_k - 1', P, "fails"),
    ('\\frac{\\partial L_i }{ \\partial f_k } = p_{y_i} - \\mathbb{1}(y_i = k)', P, "fails"),   # label confused
    ('\\sum_{j} \\delta_{ij} x_j = x_i', [], "checked"),
    ('\\sum_{j} \\delta_{ij} x_j = \\sum_j x_j', [], "fails"),
    ('\\sum_{j \\neq i} x_j = \\sum_j x_j - x_i', [], "checked"),
    ('\\sum_{j \\neq i} x_j = \\sum_j x_j', [], "fails"),
    ('\\sum_{c=1}^{C} \\mathbb{1}(y = c) = 1', [], "checked"),
    ('\\frac{\\partial y_k}{\\partial a_j} = y_k (I_{kj} - y_j)', ['y_k = \\frac{\\exp(a_k)}{\\sum_j \\exp(a_j)}'],
     "checked"),
    ('\\frac{\\partial h_i}{\\partial z_j} = f\'(z_i) \\delta_{ij}', ['h_i = f(z_i)'], "holds"),
    ('\\frac{\\partial h_i}{\\partial z_j} = f\'(z_i)', ['h_i = f(z_i)'], "fails"),
    ('\\max_j z_j = \\log \\sum_j e^{z_j}', [], "fails"),                                  # equal at K = 1 only
    # Nielsen's L2 term over the weights: w in \\sum_w w^2 is each weight, outside it any one of them
    ('\\frac{\\partial C}{\\partial w} = \\frac{\\partial C_0}{\\partial w} + \\frac{\\lambda}{n} w', L2, "checked"),
    ('\\frac{\\partial C}{\\partial w} = \\frac{\\partial C_0}{\\partial w} - \\frac{\\lambda}{n} w', L2, "fails"),
    ('\\frac{\\partial C}{\\partial w} = \\frac{\\partial C_0}{\\partial w} + \\frac{\\lambda}{2n} w', L2, "fails"),
    ('\\frac{\\partial C}{\\partial b} = \\frac{\\partial C_0}{\\partial b}', L2, "checked"),
    # a per-sample error E_n(w) beside E(w) = \\sum_n E_n(w) is an arbitrary function per sample
    ('\\frac{\\partial E}{\\partial w} = \\sum_{n=1}^{N} \\frac{\\partial E_n}{\\partial w}', EN, "checked"),
    ('\\frac{\\partial E}{\\partial w} = \\frac{1}{N}\\sum_{n=1}^{N} \\frac{\\partial E_n}{\\partial w}', EN, "fails"),
    ('\\frac{\\partial E}{\\partial w} = \\sum_n \\frac{\\partial E_n}{\\partial w}', ['E = \\sum_n E_n'], "checked"),
    # a cost nothing defines is an arbitrary function of what it is differentiated by: never 0 by accident
    ('\\frac{\\partial L_i}{\\partial f_k} = \\sum_j 0 f_j', [], "fails"),
    ('\\frac{\\partial C}{\\partial b} = 0', L2, "fails"),
    # definitions by a sum say nothing; a matrix written whole beside its entries is not read entry-wise
    ('S_j = \\frac{e^{a_j}}{\\sum_{k=1}^{N} e^{a_k}}', [], "not-checkable"),
    ('L = \\frac{1}{N} \\sum_i L_i + \\frac{1}{2} \\lambda \\sum_k\\sum_l W_{k,l}^2', [], "not-checkable"),
    ('\\frac{\\partial}{\\partial a_j} \\left( a_c - \\log \\sum_{c\'} \\exp(a_{c\'}) \\right) = '
     '\\delta_{cj} - \\frac{\\exp(a_j)}{\\sum_{c\'} \\exp(a_{c\'})}', [], "checked"),
]


@pytest.mark.parametrize("claim, givens, verdict", CASES)
def test_indexed_claims(claim, givens, verdict):
    r = check_scalar(claim, givens)
    assert r.verdict == verdict, r.summary()


def test_checked_says_for_which_lengths():
    r = check_scalar('\\sum_j \\operatorname{softmax}(z)_j = 1')
    assert r.verdict == "checked"
    assert "K = 1, 2, 3, 4, 6" in r.summary() and "length of z" in r.summary()


def test_a_slip_true_at_length_one_is_caught_above_it():
    r = check_scalar('\\frac{\\partial}{\\partial z_i} \\log\\sum_j e^{z_j} = 1')
    assert r.verdict == "fails" and "K = 2" in r.counterexample


def test_matrix_written_whole_and_by_entries_is_not_checked_entrywise():
    from derive.check.syntax import NotCheckableError
    with pytest.raises(NotCheckableError, match="both as a whole and by its entries"):
        check_scalar('\\frac{\\partial}{\\partial W} \\frac{1}{2} \\lambda \\sum_k\\sum_l W_{k,l}^2 = \\lambda W')


def test_indicator_of_real_numbers_is_refused():
    # \mathbb{1}(x = 0) of a real x is 0 almost everywhere: sampling would call x = x \mathbb{1}(x=0) + x true
    from derive.check.syntax import LatexError
    with pytest.raises(LatexError, match="compares two indices"):
        check_scalar('\\mathbb{1}(x = 0) + x = x')


@pytest.mark.parametrize("claim, lengths, free", [
    ('\\sum_j e^{z_j} = e^{z_i}', ["K"], {"i": "K"}),
    ('\\sum_k \\sum_l W_{k,l}^2 = W_{i,j}', ["K", "M"], {"i": "K", "j": "M"}),
    ('\\sum_{k=1}^{N} e^{a_k} + \\sum_j e^{a_j} = a_i', ["N"], {"i": "N"}),
])
def test_plan_links_letters_by_slot(claim, lengths, free):
    p = plan_indices(parse(claim), Definitions(), {"N"} if "N" in claim else set())
    assert p.active and sorted(p.lengths) == sorted(lengths) and p.free == free


def test_indexed_definition_is_a_pattern():
    defs = Definitions()
    read_definition('y_{nk} = \\sum_i w_{ki} x_{ni}', defs)
    assert defs.indexed["y"][0] == ("n", "k")
    r = check_scalar('y_{12} = \\sum_i w_{2i} x_{1i}', ['y_{nk} = \\sum_i w_{ki} x_{ni}'])
    assert r.verdict == "checked", r.summary()


@settings(max_examples=4, deadline=None)
@given(c=st.integers(min_value=2, max_value=9))
def test_random_constants_length_one_does_not_hide_a_slip(c):
    # adding c once instead of once per term is right at length 1 only; scaling every term is right always
    assert check_scalar(f'\\sum_j (x_j + {c}) = \\sum_j x_j + {c}').verdict == "fails"
    assert check_scalar(f'\\sum_j {c} x_j = {c} \\sum_j x_j').verdict == "checked"
