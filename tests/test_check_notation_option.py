"""--notation names a profile, role spellings of the author's own, or both ('nielsen; act=o^{@}')."""

import pytest

from derive.check import check_claim
from derive.present.notation import split_notation
from derive.spec import SpecError

CLAIMS = [
    # (claim, --notation, verdict): letters no profile has, named by the author
    (r"\frac{\partial E}{\partial w^l} = \delta^l (o^{l-1})^T", "act=o^{@}; loss=E", "holds"),
    (r"\frac{\partial E}{\partial w^l} = (o^{l-1})^T \delta^l", "act=o^{@}; loss=E", "fails"),
    (r"\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma'(s^l)", "nielsen; preact=s^{@}", "holds"),
    (r"\delta^l = (w^{l+1} \delta^{l+1}) \odot \sigma'(s^l)", "nielsen; preact=s^{@}", "fails"),
    (r"\frac{\partial J}{\partial \theta^{[l]}} = dZ^{[l]} A^{[l-1]T}", "ng; weight=\\theta^{[@]}", "fails"),
]


@pytest.mark.parametrize("claim,notation,verdict", CLAIMS)
def test_named_letters(claim, notation, verdict):
    r = check_claim(claim, notation=notation)
    assert r.verdict == verdict, (r.verdict, r.method, r.counterexample, r.notes)


def test_without_the_letters_the_claim_is_not_a_network_claim():
    from derive.check.nodes import LatexError

    with pytest.raises(LatexError, match="plain symbol"):     # o and E are no roles of any letter set
        check_claim(r"\frac{\partial E}{\partial w^l} = \delta^l (o^{l-1})^T")


@pytest.mark.parametrize("text,problem", [
    ("act=\\input{x}", SpecError), ("foo=o", SpecError), ("nielsen; ng", KeyError), ("nosuch", KeyError),
    ("act=o^{@", SpecError)])
def test_bad_values_name_the_problem(text, problem):
    with pytest.raises(problem):
        split_notation(text)


def test_split():
    assert split_notation("nielsen") == ("nielsen", ())
    assert split_notation("nielsen; loss=E; act=o^{@}") == ("nielsen", (("act", "o^{@}"), ("loss", "E")))
