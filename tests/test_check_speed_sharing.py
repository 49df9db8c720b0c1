"""What the checker's speed work shares must not change a verdict: softmax entries at a point, one-pass
confirmation of agreement, sample points and sweeps shared by the entries of a claim."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from derive.check import check_claim
from derive.check.pointeval import ExactEvaluator, RealEvaluator
from derive.primitives import SoftmaxEntry
from derive.spec import load_spec

x, y, z = sp.symbols("x y z", real=True)
ENV = {x: Fraction(3, 7), y: Fraction(-5, 4), z: Fraction(2, 9)}


@pytest.mark.parametrize("k", [0, 1, 2])
@pytest.mark.parametrize("args", [(x, y, z), (x * y, sp.sin(z), x + 1)])
def test_softmax_entry_at_a_point_is_its_closed_form(k, args):
    e = SoftmaxEntry(k, *args)
    closed = sp.exp(args[k]) / sp.Add(*[sp.exp(a) for a in args])
    with mpmath.workdps(50):
        got, want = RealEvaluator(dict(ENV), 7)(e), RealEvaluator(dict(ENV), 7)(closed)
    assert abs(got - want) < mpmath.mpf(10) ** -45
    # the exact evaluator's atoms: the same rational function of exp atoms as the closed form
    assert ExactEvaluator(dict(ENV), 7)(e) == ExactEvaluator(dict(ENV), 7)(closed)


@pytest.mark.parametrize("claim, verdict", [
    (r"\sin(x)^2 + \cos(x)^2 = 1", "holds"),
    (r"\sin(x)^2 + \cos(x)^2 = 1 + 10^{-12}", "fails"),
    (r"\sin(x)^2 + \cos(x)^2 = 1 + 10^{-35}", "fails"),       # below the first precision's tolerance
    (r"\sin(x)^2 + \cos(x)^2 = 1 + 10^{-60} x^{2}", "fails"),
    (r"e^{x} e^{-x} = 1 + 10^{-12} x", "fails"),
    (r"\ln(e^{1000} + 1) = 1000", "fails"),                    # hidden under a large term
])
def test_one_pass_confirmation_tells_tiny_differences(claim, verdict):
    assert check_claim(claim).verdict == verdict


def _spec(tmp_path, acts, loss, profile="default", layout="column", layers=(2, 2, 2)):
    p = tmp_path / "s.toml"
    p.write_text(f'[network]\nname = "s"\nlayers = {list(layers)}\nactivations = {acts}\nloss = "{loss}"\n'
                 f'\n[notation]\nprofile = "{profile}"\n\n[conventions]\nlayout = "{layout}"\n', encoding="utf-8")
    return load_spec(p)


CASES = [  # (activations, loss, profile, layout, claim, verdict): every entry decided at shared points
    (["softplus", "sigmoid"], "bce", "default", "column",
     r"\frac{\partial L}{\partial W^{2}_{jk}} = \frac{1}{N} \sum_{n=1}^{N} \delta^{2}_{jn} a^{1}_{kn}", "holds"),
    (["softplus", "sigmoid"], "bce", "default", "column",   # index swap: wrong only off the diagonal
     r"\frac{\partial L}{\partial W^{2}_{jk}} = \frac{1}{N} \sum_{n=1}^{N} \delta^{2}_{kn} a^{1}_{jn}", "fails"),
    (["elu", "linear"], "half_mse", "default", "column",
     r"\frac{\partial L}{\partial W^{1}_{jk}} = \frac{1}{N} \sum_{n=1}^{N} \delta^{1}_{jn} x_{kn}", "holds"),
    (["elu", "linear"], "half_mse", "default", "column",
     r"\frac{\partial L}{\partial W^{1}_{jk}} = \sum_{n=1}^{N} \delta^{1}_{jn} x_{kn}", "fails"),
    (["softplus", "softmax"], "cce", "article000", "row",
     r"\frac{\partial \ell}{\partial w^{1}_{jk}} = \sum_{n=1}^{N} \left(\frac{\partial\ell}{\partial"
     r" \vec{z}^{1}}\right)_{jn} x_{kn}", "holds"),
    (["softplus", "softmax"], "cce", "article000", "row",   # the derivative by the cut z^1 of the wrong unit
     r"\frac{\partial \ell}{\partial w^{1}_{jk}} = \sum_{n=1}^{N} \left(\frac{\partial\ell}{\partial"
     r" \vec{z}^{1}}\right)_{kn} x_{jn}", "fails"),
]


@pytest.mark.parametrize("acts, loss, profile, layout, claim, verdict", CASES)
def test_entries_sharing_points_and_sweeps_keep_their_verdicts(tmp_path, acts, loss, profile, layout, claim,
                                                               verdict):
    spec = _spec(tmp_path, acts, loss, profile, layout)
    assert check_claim(claim, spec=spec).verdict == verdict
