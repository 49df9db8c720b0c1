"""A text's own network letters: read from the forward pass it states, and names defined on a claim's line."""

from __future__ import annotations

import pytest

from derive.check.network_letters import forward_profile
from derive.check.sandbox import check_claim

HAGAN = ['\\mathbf{n}^{m+1} = \\mathbf{W}^{m+1}\\mathbf{a}^m + \\mathbf{b}^{m+1}',
         '\\mathbf{a}^{m+1} = \\mathbf{f}^{m+1}(\\mathbf{n}^{m+1})',
         '\\hat{F} = (\\mathbf{t} - \\mathbf{a})^T (\\mathbf{t} - \\mathbf{a})']
BOLD = ['\\mathbf{z}^{(l)} = \\mathbf{W}^{(l)} \\mathbf{a}^{(l-1)} + \\mathbf{b}^{(l)}', '\\mathbf{a}^{(l)} = f(\\mathbf{z}^{(l)})',
        '\\boldsymbol{\\delta}^{(l)} = \\frac{\\partial \\mathcal{L}}{\\partial \\mathbf{z}^{(l)}}']


@pytest.mark.parametrize("givens, role, spelling, left", [
    (HAGAN, "preact", "\\mathbf{n}^{@}", 1),          # the cost definition stays a given
    (HAGAN, "loss", "\\hat{F}", 1),
    (HAGAN, "target", "t", 1),
    (HAGAN, "activation", "\\mathbf{f}^{@}", 1),
    (BOLD, "weight", "\\mathbf{W}^{(@)}", 0),
    (BOLD, "loss", "\\mathcal{L}", 0),
    (BOLD, "delta", "\\boldsymbol{\\delta}^{(@)}", 0),
])
def test_forward_pass_is_the_profile(givens, role, spelling, left):
    prof, rest = forward_profile(givens)
    assert prof.template(role) == spelling
    assert len(rest) == left


@pytest.mark.parametrize("givens, expected", [
    (['z^{(l+1)} = W^{(l)} a^{(l)} + b^{(l)}'], None),     # UFLDL's one-lower W: not expressible, never misread
    (['\\mathbf{O} = \\mathbf{H}\\mathbf{W}^{(2)} + \\mathbf{b}^{(2)}'], "row"),
    (['L = (y - 500)^2'], None),
    ([], None),
])
def test_forward_pass_not_read(givens, expected):
    assert forward_profile(givens) == expected


@pytest.mark.parametrize("claim, givens, verdict", [
    ('\\frac{\\partial n^m_i}{\\partial w^m_{i,j}} = a^{m-1}_j', HAGAN[:2], "holds"),
    ('\\frac{\\partial n^m_i}{\\partial w^m_{i,j}} = a^{m}_j', HAGAN[:2], "fails"),     # wrong layer
    ('\\frac{\\partial n^m_i}{\\partial b^m_i} = 1', HAGAN[:2], "holds"),
    ('\\frac{\\partial L}{\\partial \\mathbf{H}} = \\mathbf{W}^{(2)} \\frac{\\partial L}{\\partial \\mathbf{O}}',
     ['\\mathbf{O} = \\mathbf{H}\\mathbf{W}^{(2)} + \\mathbf{b}^{(2)}'], "not-checkable"),
])
def test_claims_in_a_stated_notation(claim, givens, verdict):
    assert check_claim(claim, givens=givens).verdict == verdict


@pytest.mark.parametrize("line, verdict, parts", [
    ('q = x + y \\hspace{0.5in} \\implies \\hspace{0.5in} \\frac{\\partial q}{\\partial x} = 1, \\frac{\\partial q}{\\partial y} = 1',
     "holds", 2),
    ('f(x,y) = x y \\hspace{0.5in} \\rightarrow \\hspace{0.5in} \\frac{\\partial f}{\\partial x} = y \\hspace{0.5in}'
     ' \\frac{\\partial f}{\\partial y} = x', "holds", 2),
    ('f(x,y) = x y \\hspace{0.5in} \\rightarrow \\hspace{0.5in} \\frac{\\partial f}{\\partial x} = x', "fails", 0),
    ('x = 2, \\quad x^2 = 5', "fails", 0),
    ('f(x) = \\frac{1}{x} \\hspace{1in} \\rightarrow \\hspace{1in} \\frac{df}{dx} = -1/x^2', "holds", 0),
])
def test_a_name_defined_on_the_line(line, verdict, parts):
    r = check_claim(line)
    assert r.verdict == verdict
    assert len(r.parts) == parts
    assert any("as stated on the same line" in n for p in (r.parts or [r]) for n in p.notes)
