"""The normal density \\mathcal{N}(x | \\mu, \\sigma^2), a conditioning bar in a call, a named function before a
Greek symbol (\\log \\sigma_j^2), a given's subscript that is part of its name (\\mu_B), and \\nabla f(x)."""

import pytest

from derive.check import check_claim
from derive.check.syntax import LatexError, parse

CASES = [
    # the normal density: point, mean, VARIANCE; a bar, \mid or a semicolon between them
    (r"\mathcal{N}(x | 0, 1) = \phi(x)", [], "holds"),
    (r"\mathcal{N}(x \mid 0, 1) = \phi(x)", [], "holds"),
    (r"\mathcal{N}(x; 0, 1) = \phi(x)", [], "holds"),
    (r"\mathcal{N}(x | 0, 4) = \phi(x)", [], "fails"),
    (r"\ln \mathcal{N}(x | \mu, \sigma^2) = -\frac{1}{2}\ln(2\pi\sigma^2) - \frac{(x-\mu)^2}{2\sigma^2}", [], "holds"),
    (r"\ln \mathcal{N}(x | \mu, \sigma^2) = -\ln \sigma - \frac{(x-\mu)^2}{2\sigma^2}", [], "fails"),
    (r"\frac{\partial}{\partial \mu}\ln \mathcal{N}(x | \mu, \sigma^2) = \frac{x-\mu}{\sigma^2}", [], "holds"),
    (r"\frac{\partial}{\partial \mu}\ln \mathcal{N}(x | \mu, \sigma^2) = \frac{x-\mu}{\sigma}", [], "fails"),
    # a plain N is still a symbol (a count), and a bar pair inside parentheses is still |.|
    (r"N(x + 1) = Nx + N", [], "holds"),
    (r"f(|x|) = f(|-x|)", [], "holds"),
    (r"(|x| + 1)^2 = x^2 + 2|x| + 1", [], "holds"),
    # \log before a Greek letter that is a symbol here: its argument, as \log x is
    (r"\log \sigma_j^2 = 2\log\sigma_j", [], "holds"),
    (r"\log \sigma^2 = \log \sigma", [], "fails"),
    (r"\frac{\partial}{\partial \sigma_j}\left(-\frac{1}{2}\left(1 + \log \sigma_j^2 - \mu_j^2 - \sigma_j^2\right)\right)"
     r" = \sigma_j - \frac{1}{\sigma_j}", [], "holds"),
    (r"\frac{\partial}{\partial \sigma_j}\left(-\frac{1}{2}\left(1 + \log \sigma_j^2 - \mu_j^2 - \sigma_j^2\right)\right)"
     r" = \sigma_j - 1", [], "fails"),
    # a generic function's prime before another function letter is still a product (psi' chi)
    (r"(\psi\chi)' = \psi'\chi + \psi\chi'", [], "holds"),
    # a given's subscript that its body does not index is part of its name (mu_B, not mu at B = 1)
    (r"\frac{\partial \mu_B}{\partial x_i} = \frac{1}{m}", [r"\mu_B = \frac{1}{m}\sum_{i=1}^{m} x_i"], "holds"),
    (r"\frac{\partial \mu_B}{\partial x_i} = 1", [r"\mu_B = \frac{1}{m}\sum_{i=1}^{m} x_i"], "fails"),
    (r"\frac{\partial \mu_B}{\partial x} = 1", [r"\mu_B = x + y"], "holds"),
    # \nabla without a subscript: with respect to the one argument of the call it acts on
    (r"\nabla f(x) = 3x^2", [r"f(x) = x^3"], "holds"),
    (r"\nabla f(x) = 3x", [r"f(x) = x^3"], "fails"),
    (r"\nabla E(\mathbf{w}) = 2\mathbf{w}", [r"E(\mathbf{w}) = \mathbf{w}^T\mathbf{w}"], "holds"),
    (r"\nabla E(\mathbf{w}) = 2A\mathbf{w}", [r"E(\mathbf{w}) = \mathbf{w}^T A\mathbf{w}"], "fails"),
]


@pytest.mark.parametrize("claim,givens,verdict", CASES)
def test_verdicts(claim, givens, verdict):
    r = check_claim(claim, givens=givens)
    assert r.verdict == verdict, (r.verdict, r.method, r.counterexample, r.notes)


REFUSED = [
    r"\mathcal{N}(0, 1) = 1",               # a distribution, not a number
    r"\nabla f(x, y) = y",                  # two arguments: the variable is not written
    r"\nabla \|Ax - b\|^2 = 2A^T(Ax - b)",  # no call: the variable is not written
]


@pytest.mark.parametrize("claim", REFUSED)
def test_refused_never_holds(claim):
    try:
        r = check_claim(claim, givens=[r"f(x, y) = xy"] if "f(x, y)" in claim else [])
    except LatexError:
        return
    assert r.verdict in ("error", "not-checkable"), (r.verdict, r.notes)


def test_a_bar_in_a_call_is_a_condition():
    assert "mid" in parse(r"p(y | x) = p(y | x)").source
    assert "mid" not in parse(r"f(|x|) = |x|").source


MU = r"\mu = \frac{1}{H}\sum_{i=1}^{H} a_i"
SD = r"\sigma = \sqrt{\frac{1}{H}\sum_{i=1}^{H}\left(a_i - \mu\right)^2}"
GIVEN_SIGMA = [
    # a given sigma = \sqrt{...} is a value, not the sigmoid; a_j is an entry only where H >= j
    (r"\frac{\partial \sigma}{\partial a_j} = \frac{a_j - \mu}{H\sigma}", [MU, SD], ("holds", "checked")),
    (r"\frac{\partial \sigma}{\partial a_j} = \frac{a_j - \mu}{\sigma}", [MU, SD], ("fails",)),
    (r"\frac{\partial \mu}{\partial a_j} = \frac{1}{H}", [MU], ("holds", "checked")),
    (r"\frac{\partial \mu}{\partial a_j} = 1", [MU], ("fails",)),
    # without a given, sigma is still the sigmoid
    (r"\frac{d\sigma}{dz} = \sigma(1 - \sigma)", [], ("holds",)),
]


@pytest.mark.parametrize("claim,givens,verdicts", GIVEN_SIGMA)
def test_given_sigma_and_ranged_index(claim, givens, verdicts):
    r = check_claim(claim, givens=givens)
    assert r.verdict in verdicts, (r.verdict, r.counterexample, r.notes)
