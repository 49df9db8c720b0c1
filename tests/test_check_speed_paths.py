"""The fast path of network claims (derive.check.pointdiff): derivatives decided at sample points by a reverse
sweep agree with SymPy's symbolic derivatives, record their switches in the network's own symbols, and deep
wrong claims still fail. Correctness only: the timings are in benchmarks/check_speed.py."""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.check import check_claim
from derive.check.generic_network import GenericNetworkContext, generic_spec
from derive.check.network_context import NetworkContext
from derive.check.pointdiff import PointDerivative
from derive.check.pointeval import ExactEvaluator, Inexact, RealEvaluator
from derive.present.notation import profile_for
from derive.spec import build_spec

SPECS = [  # (widths, activations, loss): every kind of local derivative the sweep meets
    ((2, 3, 2), ["tanh", "sigmoid"], "half_mse"),
    ((3, 2, 3), ["relu", "softmax"], "cce"),
    ((2, 2, 1), ["leaky_relu", "sigmoid"], "bce"),
    ((2, 3, 2, 2), ["elu", "gelu", "linear"], "mse"),
    ((1, 2, 1), ["softplus", "linear"], "half_mse"),
]


def _point(ctx, seed):
    rng = random.Random(seed)
    env = {s: Fraction(rng.choice([i for i in range(-9, 10) if i]), rng.randint(2, 7)) for s in ctx.param_symbols()}
    for s in list(ctx.Y):       # targets inside (0, 1): every loss is defined there
        env[s] = Fraction(rng.randint(1, 3), 4)
    return env


def _pair(spec, widths, batch, make=NetworkContext):
    profile = profile_for(spec.notation) if hasattr(spec, "notation") else profile_for("default")
    fast = make(spec, widths, batch, profile)
    slow = make(spec, widths, batch, profile)
    slow.point_derivatives = False
    slow._forward_cache, slow._delta_cache = {}, {}     # its own forward pass and symbolic error terms
    return fast, slow


def _values(e, env, seed):
    try:
        exact = ExactEvaluator(dict(env), seed)(e)[0]
    except Inexact:            # a kink's side decided by an atom: the point needs real evaluation
        exact = None
    with mpmath.workdps(40):
        return exact, RealEvaluator(dict(env), seed)(e)


def _agree(fast, slow, env, seed):
    xf, rf = _values(fast, env, seed)
    xs, rs = _values(slow, env, seed)
    if xf is not None and xs is not None:
        assert xf == xs                  # the same atoms: the same number exactly
    assert abs(rf - rs) <= mpmath.mpf(10) ** -25 * (1 + abs(rs))


@pytest.mark.parametrize("widths, acts, loss", SPECS)
def test_error_terms_agree_with_symbolic_derivatives(widths, acts, loss):
    spec = build_spec(list(widths), acts, loss)
    for batch in (1, 2):
        fast, slow = _pair(spec, widths, batch)
        for l in range(1, len(widths)):
            df, ds = fast.delta(l), slow.delta(l)
            assert df.shape == ds.shape
            assert any(isinstance(e, PointDerivative) for e in df)
            assert not any(isinstance(e, PointDerivative) for e in ds)
            for seed in (1, 2):
                env = _point(fast, seed * 31 + l)
                for a, b in zip(df, ds):
                    _agree(a, b, env, seed)


@pytest.mark.parametrize("widths, acts, loss", SPECS[:3])
def test_parameter_gradients_agree_with_symbolic_derivatives(widths, acts, loss):
    spec = build_spec(list(widths), acts, loss)
    fast, slow = _pair(spec, widths, 2)
    for l in fast.W:
        gf = fast._d(fast.loss(), fast.W[l], None)
        gs = slow._d(slow.loss(), slow.W[l], None)
        env = _point(fast, 7 + l)
        for a, b in zip(gf, gs):
            _agree(a, b, env, 3)


def test_generic_network_error_terms_agree():
    spec = generic_spec((2, 3, 2), "\\sigma", "C")
    fast, slow = _pair(spec, (2, 3, 2), 2, GenericNetworkContext)
    for l in (1, 2):
        env = _point(fast, l)
        for a, b in zip(fast.delta(l), slow.delta(l)):
            _agree(a, b, env, 5)


def test_relu_switches_are_recorded_in_the_networks_symbols():
    """A sampler covers both sides of every ReLU the derivative depends on: it must see them as
    functions of the parameters, never of the symbols a cut introduced."""
    spec = build_spec([2, 3, 3, 2], ["relu", "relu", "sigmoid"], "half_mse")
    ctx, _ = _pair(spec, (2, 3, 3, 2), 1)
    d = ctx.delta(1)
    switches: dict = {}
    ExactEvaluator(_point(ctx, 4), 1, switches)(d[0])
    params = set(ctx.param_symbols())
    assert switches and all(g.free_symbols <= params for g in switches)
    assert d[0].free_symbols <= params


def test_a_derivative_of_a_derivative_is_symbolic():
    spec = build_spec([2, 2, 1], ["tanh", "sigmoid"], "half_mse")
    ctx, slow = _pair(spec, (2, 2, 1), 1)
    w = ctx.W[1][0, 0]
    second = sp.diff(ctx.delta(2)[0], w)
    assert not second.has(PointDerivative)
    env = _point(ctx, 9)
    _agree(second, sp.diff(slow.delta(2)[0], w), env, 2)


def _deep(depth, act="tanh", folder=None):
    widths = [3] + [4] * (depth - 1) + [2]
    return build_spec(widths, [act] * (depth - 1) + ["sigmoid"], "half_mse")


DEEP = [  # (claim, verdict) at depth 6: right, and each classic slip
    (r"\delta^{1} = (W^{2})^{T} \delta^{2} \odot (1 - (a^{1})^{2})", "holds"),
    (r"\delta^{1} = W^{2} \delta^{2} \odot (1 - (a^{1})^{2})", "fails"),          # missing transpose
    (r"\delta^{1} = (W^{2})^{T} \delta^{2}", "fails"),                            # missing tanh'
    (r"\delta^{1} = (W^{2})^{T} \delta^{2} \odot (1 + (a^{1})^{2})", "fails"),    # wrong derivative
    (r"\delta^{5} = (W^{6})^{T} \delta^{6} \odot (1 - (a^{5})^{2})", "holds"),
    (r"\frac{\partial L}{\partial W^{1}} = \delta^{1} (a^{0})^{T}", "holds"),
    (r"\frac{\partial L}{\partial W^{1}} = (a^{0})^{T} \delta^{1}", "fails"),
]


@pytest.mark.parametrize("claim, verdict", DEEP)
def test_deep_network_claims(claim, verdict):
    r = check_claim(claim, spec=_deep(6))
    assert r.verdict == verdict, r.summary()


def test_deep_failure_is_explained():
    r = check_claim(r"\delta^{1} = (W^{2})^{T} \delta^{2}", spec=_deep(6))
    assert r.verdict == "fails" and "activation-derivative" in r.slip, r.summary()


def test_deep_relu_claims():
    spec = _deep(5, "relu")
    assert check_claim(r"\delta^{2} = (W^{3})^{T} \delta^{3} \odot H(z^{2})", spec=spec).verdict == "holds"
    assert check_claim(r"\delta^{2} = (W^{3})^{T} \delta^{3}", spec=spec).verdict == "fails"


ACTS = st.sampled_from(["tanh", "sigmoid", "relu", "elu", "softplus", "linear"])


@settings(max_examples=6, deadline=None)
@given(depth=st.integers(1, 3), acts=st.lists(ACTS, min_size=3, max_size=3), seed=st.integers(0, 10**6))
def test_random_networks_error_terms_agree(depth, acts, seed):
    rng = random.Random(seed)
    widths = tuple(rng.randint(1, 3) for _ in range(depth + 1))
    spec = build_spec(list(widths), acts[:depth - 1] + ["sigmoid"], "half_mse")
    fast, slow = _pair(spec, widths, 1 + seed % 2)
    l = 1 + seed % depth
    env = _point(fast, seed)
    for a, b in zip(fast.delta(l), slow.delta(l)):
        _agree(a, b, env, seed % 97)
