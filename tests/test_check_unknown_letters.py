"""A network claim's letter that no notation or given defines is read as a number; a shape it breaks proves nothing."""

import pytest

from derive.check import check_claim

CASES = [
    # Goodfellow's running gradient g, never defined: it may be a vector, so a shape mismatch decides nothing
    (r"\nabla_{h^{(k-1)}} J = W^{(k)\top} g", [], "not-checkable"),
    (r"\nabla_{W^{(k)}} J = g\, h^{(k-1)\top}", [], "not-checkable"),
    # the letters all the notation's: a shape mismatch is the claim's own (a missing transpose)
    (r"\nabla_{h^{(k-1)}} J = W^{(k)} \nabla_{a^{(k)}} J", [], "fails"),
    (r"\frac{\partial C}{\partial b^l} = \delta^{l+1}", [], "fails"),
    # a number only the given cost uses (its lambda) stays a number: the claim's missing transpose fails
    (r"\frac{\partial J}{\partial \mathbf{h}} = \mathbf{W}^{(2)} \frac{\partial J}{\partial \mathbf{o}}",
     [r"\mathbf{o} = \mathbf{W}^{(2)} \mathbf{h}", "J = L + s", r"L = l(\mathbf{o}, y)"], "fails"),
]


@pytest.mark.parametrize("claim,givens,verdict", CASES)
def test_unknown_letters_and_shapes(claim, givens, verdict):
    r = check_claim(claim, givens=givens)
    assert r.verdict == verdict, (r.verdict, r.counterexample, r.notes)


def test_the_message_names_the_letter():
    r = check_claim(r"\nabla_{h^{(k-1)}} J = W^{(k)\top} g")
    assert any("g is not defined" in n for n in r.notes), r.notes


def test_under_a_spec_other_letters_are_refused_not_read_as_numbers():
    from pathlib import Path

    from derive.spec import load_spec

    spec = load_spec(Path(__file__).resolve().parent.parent / "examples" / "digits_64_32_10.toml")
    r = check_claim(r"\delta_2 = A_2 - Y", spec=spec)
    assert r.verdict == "not-checkable", (r.verdict, r.counterexample, r.notes)
    assert check_claim(r"\delta^2 = a^2 - y", spec=spec).verdict == "holds"
    assert check_claim(r"\sigma'(z) = \sigma(z)(1-\sigma(z))", spec=spec).verdict == "holds"
