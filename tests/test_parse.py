"""Tests for derive.check (syntax, interpret): the dialect, its meanings, positions of errors and refusals."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.check.context import ScalarContext
from derive.check.interpret import Interpreter
from derive.check.syntax import LatexError, parse
from derive.check.tree import relation_parts
from derive.primitives import ReLU, Sigmoid, Tanh

x, y, z = sp.symbols("x y z", real=True)


def value(text):
    rel = parse(text)
    sides, _ = relation_parts(rel)
    return Interpreter(ScalarContext(), text).value(sides[0])


@pytest.mark.parametrize("text, expected", [
    ("y(1-y)", y * (1 - y)),                       # a product, not a call
    (r"\sigma(z)(1-\sigma(z))", Sigmoid(z) * (1 - Sigmoid(z))),
    ("e^{-z}", sp.exp(-z)),                         # e is Euler's number
    (r"\exp(x) + \ln x", sp.exp(x) + sp.log(x)),
    (r"\max(0, x)", ReLU(x, 0)),
    (r"\operatorname{ReLU}(x)", ReLU(x, 0)),
    (r"\tanh^{2}(z)", Tanh(z) ** 2),
    (r"\frac{d}{dx}(5x+3)^2", 50 * x + 30),
    (r"\frac{\partial}{\partial x} x^2 y", 2 * x * y),
    (r"\sum_{i=1}^{3} i", 6),
    (r"\sum_{i=1}^{100000} i", 5000050000),       # a long sum in SymPy's closed form
    (r"\left( x \right)^{2} \cdot 2", 2 * x ** 2),
    (r"2 \times 3 - 4 / 2", 4),
    ("0.5 x", x / 2),
    (r"x^\top", x),
    (r"\sqrt{4}", 2),
    (r"x_{1} - x_1", 0),
])
def test_meanings(text, expected):
    assert sp.simplify(value(text) - expected) == 0


@pytest.mark.parametrize("text, line, col, needle", [
    (r"\frac{a}{b}}", 1, 12, "unmatched"),
    (r"(x + ", 1, 4, "ends too early"),
    (r"x + \foo{y}", 1, 5, r"unknown or unsupported command \foo"),
    ("x +\n  ) y", 2, 3, "unmatched"),
    (r"{a \over b \over c}", 1, 12, "two infix fractions"),   # x^23 is read now (TeX's rule: x^2 3)
    (r"\begin{align} x \end{align}", 1, 1, "environment"),
    ("x = = y", 1, 5, "unexpected"),
])
def test_errors_point_at_position(text, line, col, needle):
    with pytest.raises(LatexError) as e:
        value(text)
    msg = str(e.value)
    assert f"line {line}, column {col}" in msg and needle in msg
    assert msg.rstrip().endswith("^")


@pytest.mark.parametrize("text, needle", [
    ('__import__("os").system("echo hi")', "not accepted"),
    ("exec('1')", "unexpected"),
    ("lambda: 1", "unexpected"),
    (r"\input{/etc/passwd}", "unknown or unsupported command"),
    ("(" * 40 + "x" + ")" * 40, "nested more than"),
    ("{" * 30 + "x" + "}" * 30, "nested more than"),
    ("9^{9^{9^{9}}}", "too large"),
    ("2^{1000}", "too large"),
    ("x" * 2500, "at most 2000"),
    (r"\sum_{i=1}^{100000} x_i", "not expanded"),   # an indexed family is never expanded that far
])
def test_refused_cleanly(text, needle):
    with pytest.raises(LatexError) as e:
        value(text)
    assert needle in str(e.value)
