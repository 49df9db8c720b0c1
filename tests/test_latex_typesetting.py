"""Typesetting rules of the derivation documents: unambiguous superscripts, readable numbers, tables that
keep together, unbreakable identifiers; and the checks of tests/latex_checks.py, shown to catch each fault.
"""

from __future__ import annotations

import shutil

import pytest
import sympy as sp
from sympy.matrices.expressions import HadamardPower, Transpose

from derive.present.latex_printer import latex, number
from derive.present.writers import KEEP_ROWS, MdWriter, TexWriter

try:
    from tests.latex_checks import compile_and_check, computer_numbers, stacked_scripts
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from latex_checks import compile_and_check, computer_numbers, stacked_scripts

W2 = sp.MatrixSymbol("W2", 3, 2)
A1 = sp.MatrixSymbol("A1", 2, 1)
a1 = sp.IndexedBase("A1")[sp.Symbol("j")]


@pytest.mark.parametrize("expr,profile,printed", [
    (a1 ** 2, "default", "(a^{1}_{j})^{2}"),
    (1 - a1 ** 2, "default", "1 - (a^{1}_{j})^{2}"),
    (a1 ** 3, "article003", "(h^{1}_{j})^{3}"),
    (a1 ** 2, "article004", r"{a_{1,j}}^{2}"),  # a subscript only: nothing to misread
    (Transpose(W2), "default", r"(W^{2})^{\top}"),
    (Transpose(W2), "article000", r"(\mathbf{w}^{2})^{\top}"),
    (Transpose(W2), "article004", r"{W_{2}}^{\top}"),
    (Transpose(A1), "default", r"(a^{1})^{\top}"),
    (HadamardPower(A1, 2), "default", r"(a^{1})^{\circ 2}"),
    (sp.Symbol("x") ** 2, "default", "x^{2}"),
])
def test_superscripts_on_superscripted_symbols_are_parenthesised(expr, profile, printed):
    assert latex(expr, profile) == printed
    assert stacked_scripts(printed) == []


@pytest.mark.parametrize("value,printed", [
    (1e-6, "10^{-6}"), (1e-06, "10^{-6}"), (0.02, "0.02"), (0.5, "0.5"), (100, "100"), (2.5e-4, r"2.5 \cdot 10^{-4}"),
    (0.001, "0.001"), (1e6, "10^{6}"), (1234567, r"1.234567 \cdot 10^{6}"), (-3e-9, r"-3 \cdot 10^{-9}"),
    (sp.Rational(1, 3), "0.333333"), (sp.Rational(2, 3), "0.666667"), (0, "0"), (sp.Rational(44715, 10 ** 6), "0.044715"),
])
def test_numbers_for_reading(value, printed):
    assert number(value) == printed
    assert computer_numbers(printed) == []


def test_printer_spells_long_decimals_for_reading():
    assert latex(sp.Rational(1, 10 ** 6) * sp.Symbol("x")) == r"10^{-6} x"
    assert latex(sp.Float(2.5e-4)) == r"2.5 \cdot 10^{-4}"


@pytest.mark.parametrize("tex,bad", [
    (r"{W^{2}}^{\top}", True), (r"1 - {a^{1}_{j}}^{2}", True), (r"{f^{2}}'\left(z\right)", True),
    (r"{\vec{y}^{1}{}}^{\top}", True), (r"x^{2}^{3}", True), (r"W^{1}'", True),  # a double superscript
    (r"(W^{2})^{\top}", False), (r"{W_{2}}^{\top}", False), (r"\mathbf{1}_{N}^{\top}", False),
    (r"\vec{y}^{1}", False), (r"e^{z^{1}_{j}}", False), (r"\frac{1}{2}", False), (r"\{x^{2}\}^{3}", False),
])
def test_stacked_scripts_check(tex, bad):
    assert bool(stacked_scripts(tex)) is bad


def test_computer_numbers_check():
    assert computer_numbers(r"$\tau = 1e-06$ and 2.5E+03") == ["1e-06", "2.5E+03"]
    assert computer_numbers(r"$\tau = 10^{-6}$, net1e5x, W1e") == []


@pytest.mark.parametrize("writer,text,expected", [
    (TexWriter(), "witnesses 2-3-2 (N=2), 1-1-1 (N=3)", r"witnesses \mbox{2-3-2}~(N=2), \mbox{1-1-1}~(N=3)"),
    (TexWriter(), "widths 5\u20137\u20134\u20133, a well-known net", "widths \\mbox{5\u20137\u20134\u20133}, a well-known net"),
    (MdWriter(), "witnesses 2-3-2 (N=2)", "witnesses 2\u20113\u20112\u00a0(N=2)"),
    (MdWriter(), "5\u20137", "5\u2013\u20607"),
])
def test_identifiers_are_unbreakable(writer, text, expected):
    assert writer.text(text) == expected


def _table_doc(rows: int, keep: bool, filler: int, identifier: str) -> str:
    """A page nearly full of filler, then a table of `rows` rows, then an identifier in a narrow box."""
    w = TexWriter()
    table = w.table(["a", "b"], [[f"row {i}", "x"] for i in range(rows)], "Test")
    if not keep:
        table = [ln.replace(r"\\*", r"\\") for ln in table]
    body = "\n\n".join(["Filler line."] * filler)
    return ("\\documentclass[11pt]{article}\n\\usepackage[margin=2.5cm]{geometry}\n\\usepackage{booktabs,"
            "longtable}\n\\begin{document}\n" + body + "\n\n" + "\n".join(table)
            + "\n\\parbox{4.5cm}{checked on the witnesses " + identifier + " and more}\n\\end{document}\n")


@pytest.mark.parametrize("keep", [True, False])
def test_compiled_checks_catch_split_tables_and_broken_identifiers(tmp_path, keep):
    """The compiled-output checks fail on a short table that splits and on 1-1-1 broken at a
    hyphen, and pass once the writer keeps the table whole and the identifier unbreakable."""
    if not (shutil.which("pdflatex") and shutil.which("pdftotext")):
        pytest.skip("pdflatex and pdftotext (poppler-utils) needed")
    assert 15 <= KEEP_ROWS
    ident = TexWriter().text("1-1-1-1-1-1 (N=2)") if keep else "1-1-1-1-1-1 (N=2)"
    problems = compile_and_check(tmp_path, "t", _table_doc(15, keep, 36, ident))
    if keep:
        assert problems == []
    else:
        assert any("short table 1 is split" in p for p in problems), problems
        assert any("identifier broken across lines" in p for p in problems), problems
