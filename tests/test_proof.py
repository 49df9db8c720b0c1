"""The proof method itself: forward mode agrees with sympy.diff, and each kind of error is caught where it should be."""

import random
from fractions import Fraction
from dataclasses import replace

import numpy as np
import pytest
import sympy as sp
from sympy.core.cache import clear_cache

import derive.verify as verify
from derive.engine import Equation, build
from derive.errors import VerificationError
from derive.evaluate import ExactEvaluator
from derive.primitives import ACTIVATIONS, LOSSES, CrossEntropyTerm, Sigmoid
from derive.spec import build_spec
from derive.verify import (
    forward_directional,
    forward_gradients,
    random_point,
    sympy_gradients,
    verify_derivation,
)

# every activation and every loss at least once; widths 1-2-2 keep sympy.diff affordable
AGREE = [
    (["sigmoid", "softmax"], "cce"),
    (["relu", "linear"], "mse"),
    (["elu", "sigmoid"], "bce"),
    (["gelu", "softmax"], "sparse_cce"),
    (["softmax", "tanh"], "half_sse"),
    (["silu", "softplus"], "sse"),
    (["leaky_relu", "gelu_tanh"], "half_mse"),
]


@pytest.mark.parametrize("acts, loss", AGREE, ids=lambda v: "-".join(v) if isinstance(v, list) else v)
def test_forward_mode_agrees_exactly_with_sympy_diff(acts, loss):
    widths = (1, 2, 2)
    spec = build_spec(list(widths), acts, loss, conventions={"relu_prime_at_zero": 0.5})
    ev = ExactEvaluator(7)
    values = random_point(spec, widths, 2, random.Random(3))
    mine = forward_gradients(spec, widths, 2, values, ev)
    theirs = sympy_gradients(spec, widths, 2, values, ev)
    assert set(mine) == set(theirs) == {"W1", "b1", "W2", "b2"}
    for p in mine:
        assert mine[p].shape == theirs[p].shape
        assert all(mine[p][i] == theirs[p][i] for i in np.ndindex(mine[p].shape)), p
    # the directional derivative is the same linear form of the gradient
    rng = random.Random(4)
    v = {p: np.array([Fraction(rng.randint(-50, 50)) for _ in range(a.size)], dtype=object).reshape(a.shape)
         for p, a in mine.items()}
    assert forward_directional(spec, widths, 2, values, v, ev) == sum((v[p] * mine[p]).sum() for p in v)


def test_cross_check_runs_both_methods_in_the_proof():
    d = build(build_spec([2, 2], ["sigmoid"], "bce"), "row")
    assert verify_derivation(d, cross_check=True).entries > 0


def _sabotage(d, name, new_rhs):
    def change(eqs):
        return tuple(Equation(e.name, e.lhs, new_rhs(e) if e.name == name else e.rhs) for e in eqs)
    return replace(d, gradients=change(d.gradients), backward=change(d.backward))


def _drop_softmax_jacobian(e):
    # delta = S ⊙ P - S ⊙ (1 1^T (S ⊙ P)): keep one of the two terms of the Jacobian product
    assert e.rhs.is_MatAdd
    return e.rhs.args[0]


ENGINE_ERRORS = [  # each a plausible slip in a backward pass; the network proof must catch it
    ("softmax-hidden", "delta1", _drop_softmax_jacobian),
    ("softmax-hidden", "grad_b1", lambda e: e.rhs * sp.Rational(1, 2)),
    ("relu-deep", "delta2", lambda e: e.rhs.args[0] if e.rhs.is_HadamardProduct else e.rhs),
    ("relu-deep", "grad_W3", lambda e: e.rhs * sp.Rational(101, 100)),
    ("relu-deep", "delta3", lambda e: -e.rhs),
]
NETWORKS = {
    "softmax-hidden": (build_spec([3, 4, 2], ["softmax", "sigmoid"], "bce"), "column"),
    "relu-deep": (build_spec([3, 4, 4, 2], ["relu", "tanh", "linear"], "half_mse"), "row"),
}


@pytest.mark.parametrize("directional", [False, True], ids=["per-entry", "directional"])
@pytest.mark.parametrize("net, name, change", ENGINE_ERRORS, ids=lambda v: v if isinstance(v, str) else "")
def test_a_wrong_engine_equation_fails_the_network_proof(net, name, change, directional, monkeypatch):
    if directional:  # no witness small enough for per-entry: only random directions guard it
        monkeypatch.setattr(verify, "PER_ENTRY_PARAMS", 0)
    spec, layout = NETWORKS[net]
    d = build(spec, layout)
    assert verify_derivation(d).entries > 0  # the intact derivation passes in both modes
    with pytest.raises(VerificationError, match=r"disagrees with direct differentiation .* at entry \[\d+, \d+\]"):
        verify_derivation(_sabotage(d, name, change))


def test_directional_mode_is_described(monkeypatch):
    monkeypatch.setattr(verify, "PER_ENTRY_PARAMS", 10)
    v = verify_derivation(build(build_spec([3, 4, 4, 2], ["relu", "tanh", "linear"], "mse"), "column"))
    assert "a random directional derivative on each other witness" in v.method
    assert "every entry on 1-1-1-1" in v.method


class WrongSigmoid(Sigmoid):
    """sigma with a wrong derivative: sigma(1 + sigma) instead of sigma(1 - sigma)."""

    def fdiff(self, argindex=1):
        return WrongSigmoid(self.args[0]) * (1 + WrongSigmoid(self.args[0]))


class WrongCrossEntropy(CrossEntropyTerm):
    """-y log a with a wrong derivative -2y/a (its closed form is still right)."""

    def fdiff(self, argindex=1):
        a, y = self.args
        return -2 * y / a if argindex == 1 else -sp.log(a)


@pytest.fixture
def fresh_caches():
    # derivatives and proofs of a replaced primitive must not leak into other tests (or in)
    clear_cache()
    verify._primitive_proof.cache_clear()
    yield
    clear_cache()
    verify._primitive_proof.cache_clear()


def test_a_wrong_fdiff_passes_the_network_comparison_but_fails_its_primitive_proof(monkeypatch, fresh_caches):
    monkeypatch.setitem(ACTIVATIONS, "sigmoid", replace(ACTIVATIONS["sigmoid"], func=WrongSigmoid))
    d = build(build_spec([2, 3, 2], ["sigmoid", "linear"], "mse"), "column")
    # both sides of the network comparison use the primitive's fdiff, so they agree ...
    with monkeypatch.context() as m:
        m.setattr(verify, "_primitive_proof", lambda name, params: "skipped")
        assert verify_derivation(d).entries > 0
    # ... and the primitive's own proof against its closed form is what catches it
    with pytest.raises(VerificationError, match="activation 'sigmoid': WrongSigmoid: fdiff != d/dz explicit"):
        verify_derivation(d)


def test_a_wrong_loss_derivative_fails_the_network_proof(monkeypatch, fresh_caches):
    # the engine differentiates the loss term by its fdiff, the proof its closed form
    monkeypatch.setitem(LOSSES, "cce", replace(LOSSES["cce"], term=WrongCrossEntropy))
    d = build(build_spec([2, 3, 2], ["tanh", "softmax"], "cce"), "column")
    with pytest.raises(VerificationError, match="disagrees"):
        verify_derivation(d)


@pytest.mark.parametrize("per_entry_params", [0, 200], ids=["directional", "per-entry"])
def test_a_wrong_elementwise_form_fails_in_every_mode(per_entry_params, monkeypatch):
    # the element-wise forms are printed in documents: they are proven even when no witness is
    # small enough for per-entry comparison (then on the smallest witness)
    monkeypatch.setattr(verify, "PER_ENTRY_PARAMS", per_entry_params)
    d = build(build_spec([3, 4, 4, 2], ["relu", "tanh", "linear"], "mse"), "column")
    wrong = replace(d, elementwise=tuple(Equation(e.name, e.lhs, 2 * e.rhs) if e.name == "elem_grad_W2" else e
                                         for e in d.elementwise))
    with pytest.raises(VerificationError, match="element-wise gradient of W2"):
        verify_derivation(wrong)
