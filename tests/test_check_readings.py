"""A Greek letter before parentheses (\\psi(x+y)) is a function or a number times the parentheses: both decided."""

import pytest

from derive.check import check_claim

CASES = [
    # read only as a product these 'held' by the distributive law: false for a function
    (r"\psi(x+y) = \psi(x) + \psi(y)", "ambiguous"),
    (r"\zeta(2x) = 2\zeta(x)", "ambiguous"),
    # true under both readings / false under both
    (r"\psi(x)\psi(y) = \psi(y)\psi(x)", "holds"),
    (r"\psi(x) = \psi(x) + 1", "fails"),
    # a letter also written alone is a number (one reading)
    (r"\lambda(a+b) = \lambda a + \lambda b", "holds"),
    # a prime makes it a function whatever else is written
    (r"\frac{d}{dx}\psi(x)^2 = 2\psi(x)\psi'(x)", "holds"),
    (r"(\psi\chi)' = \psi'\chi + \psi\chi'", "holds"),
    (r"(\psi\chi)' = \psi'\chi'", "fails"),
    # Latin letters likewise, unless written alone or inside their own parentheses
    (r"p(x+y) = p(x) + p(y)", "ambiguous"),
    (r"k(2x) = 2k(x)", "ambiguous"),
    (r"x(x+1) = x^2 + x", "holds"),
    (r"\sum_{t=1}^{n} t(t+1) = \frac{n(n+1)(n+2)}{3}", "holds"),
    (r"q(1-q) = q - q^2", "holds"),
    (r"p(x)q(x) = q(x)p(x)", "holds"),
    # builtin functions keep their one meaning
    (r"\Gamma(x+1) = x\Gamma(x)", "holds"),
]


@pytest.mark.parametrize("claim,verdict", CASES)
def test_greek_before_parentheses(claim, verdict):
    r = check_claim(claim)
    assert r.verdict == verdict, (r.verdict, r.method, r.counterexample, r.notes)


def test_a_definition_settles_it():
    r = check_claim(r"\frac{d}{dx}\zeta(x) = \sigma(x)", givens=[r"\zeta(x) = \log(1+\exp(x))"])
    assert r.verdict == "holds"
