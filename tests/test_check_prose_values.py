"""A value the prose or a qualifier gives (at $z = 0.5$, \\text{ at } x = 2) is where the next claim is checked."""

import pytest

from derive.check import check_claim
from derive.check.documents import check_equations

CLAIMS = [
    (r"x^2 = 4 \text{ at } x = 2", [], "holds"),
    (r"x^2 = 4 \text{ at } x = 3", [], "fails"),
    (r"\sigma(z) \approx 0.6225 \text{ at } z = 0.5", [], "holds"),
    (r"\sigma(z) \approx 0.6225 \text{ for } z = 0.5", [], "holds"),     # rounded to the digits shown
    (r"\sigma(z) \approx 0.6226 \text{ for } z = 0.5", [], "fails"),
    # the worked value overrides the definition of the same letter
    (r"\sigma(z) \approx 0.6225 \text{ at } z = 0.5", [r"z = w^\top x + b"], "holds"),
]


@pytest.mark.parametrize("claim,givens,verdict", CLAIMS)
def test_point_values(claim, givens, verdict):
    assert check_claim(claim, givens=givens).verdict == verdict


LOGREG = ("The model is $\\hat{y} = \\sigma(z)$ with $z = w^\\top x + b$.\n\n"
          "$$L(\\hat{y}, y) = -\\left[y \\log \\hat{y} + (1 - y)\\log(1 - \\hat{y})\\right]$$\n\n"
          "$$\\frac{\\partial L}{\\partial z} = \\hat{y} - y$$\n\n")
DOCS = [
    # a letter nothing defines yet: the prose defines it
    ("With $z = 0.5$, $\\sigma(z) \\approx 0.6225$.", ["definition", "holds"]),
    ("With $z = 0.5$, $\\sigma(z) \\approx 0.6226$.", ["definition", "fails"]),
    # a letter defined before: the value is where the claim of the same sentence is checked
    ("$$z = w x + b$$ With $z = 0.5$ we have\n$\\sigma(z) \\approx 0.6225$.", ["definition", "skipped", "holds"]),
    ("$$z = w x + b$$ With $z = 0.5$ we have\n$\\sigma(z) \\approx 0.6226$.", ["definition", "skipped", "fails"]),
    # the logistic-regression chain: sigmoid outputs with the cross-entropy given (was "fails")
    (LOGREG + "At $z = 0.5$, $\\sigma(z) \\approx 0.6225$.",
     ["definition"] * 3 + ["conditional", "skipped", "holds"]),
]


@pytest.mark.parametrize("text,verdicts", DOCS)
def test_prose_values(text, verdicts):
    assert [v for _, v, _, _ in check_equations(text)] == verdicts


def test_a_condition_about_the_activation_alone_names_no_cost():
    r = check_claim(r"\sigma'(z^l) = \sigma(z^l)(1 - \sigma(z^l))")
    assert r.verdict == "conditional"
    assert "cross-entropy" not in r.method and "logistic sigmoid" in r.method


D2L = ("$$\\mathbf{z} = \\mathbf{W}^{(1)} \\mathbf{x}, \\quad \\mathbf{h} = \\phi(\\mathbf{z}), \\quad"
       " \\mathbf{o} = \\mathbf{W}^{(2)} \\mathbf{h}$$\n\n")


@pytest.mark.parametrize("text,verdicts", [
    # a document's own forward pass (no bias) is its definition, not a failing claim about the default one
    (D2L, ["definition"] * 3),
    (D2L + "$$\\frac{\\partial \\mathbf{o}}{\\partial \\mathbf{h}} = \\mathbf{W}^{(2)}$$", ["definition"] * 3 + ["holds"]),
])
def test_the_documents_forward_pass(text, verdicts):
    assert [v for _, v, _, _ in check_equations(text)] == verdicts


def test_an_activation_of_a_free_letter_is_not_checkable():
    r = check_claim(r"\phi'(u) = \mathbb{1}[u > 0]", givens=[r"h = \phi(W_1 x + b_1)"])
    assert r.verdict == "not-checkable" and "activation function itself" in " ".join(r.notes)


def test_a_chain_rewrite_keeps_a_command_apart_from_the_letter_after_it():
    from derive.check.chain_notation import _spaced

    assert _spaced("\\lambda", "W^{1}") == "\\lambda "
    assert _spaced("2", "W^{1}") == "2"
    assert _spaced("\\lambda", "{") == "\\lambda"
