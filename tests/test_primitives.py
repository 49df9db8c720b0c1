"""The primitive registry: each fdiff is proven against its closed form; unknown names are named."""

import pytest
import sympy as sp

from derive.primitives import (
    ACTIVATIONS,
    ELU,
    LOSSES,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Tanh,
    activation_entry,
    loss_entry,
    output_form,
    prove_primitive,
)

PARAMS = {ReLU: (0,), LeakyReLU: (sp.Rational(1, 10), 0), ELU: (1,)}


@pytest.mark.parametrize("name", sorted(n for n, e in ACTIVATIONS.items() if e.func is not None))
def test_fdiff_equals_derivative_of_closed_form(name):
    func = ACTIVATIONS[name].func
    assert prove_primitive(func, PARAMS.get(func, ()))


def test_a_wrong_fdiff_is_caught():
    class BadSigmoid(Sigmoid):
        def fdiff(self, argindex=1):
            return BadSigmoid(self.args[0]) * (1 + BadSigmoid(self.args[0]))

    with pytest.raises(AssertionError):
        prove_primitive(BadSigmoid)


@pytest.mark.parametrize("name, form", [("sigmoid", "a*(1 - a)"), ("tanh", "1 - a**2"),
                                        ("softplus", "Sigmoid(z)"), ("linear", "1")])
def test_article_forms_of_derivatives(name, form):
    a, z = sp.symbols("a z", real=True)
    assert str(output_form(activation_entry(name), z, a)) == form


def test_relu_prime_at_zero_is_a_convention():
    z = sp.Symbol("z")
    assert ReLU(z, 0).diff(z).subs(z, 0) == 0
    assert ReLU(z, sp.Rational(1, 2)).diff(z).subs(z, 0) == sp.Rational(1, 2)


@pytest.mark.parametrize("lookup, name", [(activation_entry, "swish2"), (loss_entry, "hinge")])
def test_unknown_names_are_named(lookup, name):
    with pytest.raises(KeyError, match=name):
        lookup(name)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_term_fdiff_matches_closed_form(name):
    a, y = sp.symbols("a y", positive=True)
    term = LOSSES[name].term
    assert sp.simplify(sp.diff(term(a, y), a) - sp.diff(term.explicit(a, y), a)) == 0


def test_tanh_derivative_in_output_form():
    z = sp.Symbol("z")
    assert Tanh(z).diff(z) == 1 - Tanh(z) ** 2
