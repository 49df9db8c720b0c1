"""Soundness of the checker: never a false "holds" (regions, undefined points, sums, tiny differences),
and one verdict model with one exit code per verdict in every mode."""

from __future__ import annotations

import pytest

from derive.check import check_claim
from derive.check.sampling import claim_seeds
from nnderive.cli import main

NOT_HOLDS = [  # false (or meaningless) claims a careless sampler calls "holds"
    r"\frac{d}{dx} c\max(0,x) = c",                            # one side of the kink only
    r"\frac{d}{dx}\begin{cases} x & x > 0 \\ a(e^{x}-1) & x \le 0 \end{cases}"
    r" = \begin{cases} 1 & x > 0 \\ e^{x} & x \le 0 \end{cases}",  # wrong ELU derivative, two symbols
    r"\max(0, x - 1000) = 0",                                  # the other region is far away
    r"|x - 500| = x - 500",
    r"\sum_{i=1}^{n} i^2 = 9n - 13",                           # true at n = 2 and n = 3 only
    r"\sum_{i=1}^{n} 2^i = 2^{n+1} - 3",
    r"\frac{d}{dx}\frac{1}{x-x} = 0",                          # undefined everywhere
    r"(0 \cdot \frac{1}{0})^{2} = 1",
    r"\ln(x) + \ln(-x) = \ln(-x^2)",                           # never defined over the reals
    r"e^{x} = e^{x} + 10^{-50}",                               # a tiny difference is a difference
    r"x = x + 10^{-40}",
    r"\sqrt{x^2} = x",
    r"\sqrt[n]{x^n} = x",                                    # false at n = 2, x = -1 (a fraction n hides it)
    r"\frac{d}{dx}\sin(128x) = \cos(128x)",
    r"\operatorname{sign}(x) = 1",
    r"\frac{d}{dx}|x| = 1",
]


@pytest.mark.parametrize("claim", NOT_HOLDS)
def test_false_claims_never_hold(claim):
    assert check_claim(claim).verdict != "holds"


HOLDS = [  # true claims that need more than one region or a careful definition of "defined"
    r"\frac{d}{dx}\begin{cases} x & x > 0 \\ a(e^{x}-1) & x \le 0 \end{cases}"
    r" = \begin{cases} 1 & x > 0 \\ a e^{x} & x \le 0 \end{cases}",
    r"\max(0, x - 1000) + \min(0, x - 1000) = x - 1000",
    r"|x| = \max(x, -x)",
    r"\frac{x}{x} = 1",
    r"\log(x^2) = 2\log|x|",
    r"\sum_{i=1}^{n} i^3 = \left(\frac{n(n+1)}{2}\right)^2",
    r"\frac{d}{dx}\sin(128x) = 128\cos(128x)",
    r"\sin^2 x + \cos^2 x = 1",
]


@pytest.mark.parametrize("claim", HOLDS)
def test_true_claims_hold(claim):
    r = check_claim(claim)
    assert r.verdict == "holds", r.summary()


def test_one_sided_domain_is_said():
    r = check_claim(r"\log(x^2) = 2\log x")
    assert r.verdict == "holds" and "left side is defined but the right side is not" in r.summary()


def test_seeds_come_from_the_claim_and_are_several():
    assert claim_seeds("a") == claim_seeds("a") and claim_seeds("a") != claim_seeds("b")
    assert len(set(claim_seeds("a"))) == 3
    r1, r2 = check_claim(r"\sigma'(z) = \sigma(z)(1+\sigma(z))"), check_claim(r"\sigma'(z) = \sigma(z)(1+\sigma(z))")
    assert r1.counterexample == r2.counterexample


def test_method_is_named():
    assert check_claim(r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}").method.startswith("symbolic proof")
    assert "points from 3 seeds" in check_claim(r"\sin^2 x + \cos^2 x = 1").method
    r = check_claim(r"\left(\sum_{k=1}^{n} x_k\right)^2 = \sum_{k=1}^{n} x_k^2 + 2\sum_{k=1}^{n}\sum_{j=1}^{k-1} x_j x_k")
    assert r.verdict == "checked" and "checked only for n =" in r.summary()


@pytest.mark.parametrize("argv, code", [
    ([r"\frac{d}{dx} x^2 = 2x"], 0),                       # holds
    ([r"\frac{d}{dx} x^2 = 3x"], 1),                       # fails
    ([r"\frac{d}{dx} x^2 = -2x"], 1),                      # fails, right up to a sign: still a failure
    ([r"\frac{d}{dx} (x^2"], 2),                           # error: cannot be read
    ([r"\log 0 = 1"], 4),                                  # not-checkable
    ([r"\theta := \theta - 1"], 4),                        # not-checkable (an assignment)
    ([r"\left(\sum_{k=1}^{n} x_k\right)^2 = \sum_{k=1}^{n} x_k^2 + 2\sum_{k=1}^{n}\sum_{j=1}^{k-1} x_j x_k"], 4),
    ([r"\sum_{i=1}^{n} i^2 = 30", "--at", "n=4"], 0),      # --at sets a sum's bound
    ([r"\sum_{i=1}^{n} i^2 = 31", "--at", "n=4"], 1),
])
def test_exit_codes(argv, code, capsys):
    assert main(["check", *argv]) == code
    out = capsys.readouterr()
    assert "Traceback" not in out.err


def test_sign_slip_is_reported_as_what_it_is(capsys):
    assert main(["check", r"\frac{d}{dx} x^2 = -2x"]) == 1
    assert "fails (right up to a sign)" in capsys.readouterr().out
