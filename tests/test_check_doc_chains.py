"""Documents: a worked chain z = wx + b = 0.5 names z and checks the rest; multline and broken rows are one equation."""

import pytest

from derive.check.docread import equations
from derive.check.documents import check_equations

VALUES = "Let $w = 0.5$, $x = 2$, $b = -0.5$. Then "
CHAINS = [
    (VALUES + "$$z = wx + b = 0.5$$", ["definition"] * 4 + ["holds"]),
    (VALUES + "$$z = wx + b = 0.6$$", ["definition"] * 4 + ["fails"]),
    (VALUES + "$$z = wx + b = 0.5$$ and $$a = \\sigma(z) \\approx 0.622$$",
     ["definition"] * 4 + ["holds", "definition", "holds"]),
    (VALUES + "$$z = wx + b = 0.5$$ and $$a = \\sigma(z) \\approx 0.623$$",
     ["definition"] * 4 + ["holds", "definition", "fails"]),
    ("$$y = (x+1)^2 = x^2 + 2x + 1$$", ["definition", "holds"]),
    ("$$y = (x+1)^2 = x^2 + 1$$", ["definition", "fails"]),
    # a name the notation already gives (Nielsen's delta^L) is no new name: the chain stays a claim
    ("$$\\delta^L = \\nabla_a C \\odot \\sigma'(z^L) = (a^L - y) \\odot \\sigma'(z^L)$$", ["conditional"]),
    # a chain that mentions its own first side defines nothing
    ("$$x = x^2 - x^2 + x = x$$", ["holds"]),
]


@pytest.mark.parametrize("text,verdicts", CHAINS)
def test_worked_chains(text, verdicts):
    assert [v for _, v, _, _ in check_equations(text)] == verdicts


BROKEN = [
    ("\\begin{multline}\n\\frac{d}{dz}\\log(1 + e^{z}) = \\\\ \\sigma(z)\n\\end{multline}",
     ["\\frac{d}{dz}\\log(1 + e^{z}) = \\sigma(z)"]),
    ("\\begin{multline*}\na + b \\\\ + c = c + b + a\n\\end{multline*}", ["a + b + c = c + b + a"]),
    # an align row ending in a relation or an operator goes on in the next row
    ("\\begin{align}\nf(x) &= x^2 + \\\\ &\\quad 2x\\\\\ng(x) &= 3\n\\end{align}", ["f(x) = x^2 + 2x", "g(x) = 3"]),
    ("\\begin{align}\nu &= v \\\\\nw &= t\n\\end{align}", ["u = v", "w = t"]),
]


@pytest.mark.parametrize("text,rows", BROKEN)
def test_rows_broken_over_lines_are_one_equation(text, rows):
    assert [" ".join(e.text.split()) for e in equations("tex", text)] == rows
