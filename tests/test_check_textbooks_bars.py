"""Grosse's bar notation (bar_notation.py): \\bar{v} is the derivative of the cost the givens' graph ends in."""

import pytest

from derive.check import check_claim
from derive.check.bar_notation import graph_cost, rewrite_bars

GRAPH = [r"u = p q + c", r"s = \tanh(u)", r"E = (s - r)^2"]


@pytest.mark.parametrize("givens, cost", [
    (GRAPH, "E"),
    ([r"z = wx + b", r"y = \sigma(z)", r"\mathcal{L} = \frac{1}{2}(y - t)^2"], r"\mathcal{L}"),
    ([r"u = p q + c"], None),                       # one given: no graph
    ([r"u = p q", r"v = p + q"], None),             # two sinks: which is the cost is not said
])
def test_graph_cost(givens, cost):
    assert graph_cost(givens) == cost


@pytest.mark.parametrize("claim, rewritten", [
    (r"\bar{u} = \bar{s} (1 - s^2)", r"\frac{\partial E}{\partial u} = \frac{\partial E}{\partial s} (1 - s^2)"),
    (r"\overline{p} = \bar{u} q", r"\frac{\partial E}{\partial p} = \frac{\partial E}{\partial u} q"),
    (r"\bar{\mathbf{V}}^{(2)} = 0", r"\frac{\partial E}{\partial \mathbf{V}^{(2)}} = 0"),
    (r"\bar{\mathbf{v}}^\top = 0", r"\left(\frac{\partial E}{\partial \mathbf{v}}\right)^{\top} = 0"),
    (r"u = p", None),                                # no bar
])
def test_rewrite(claim, rewritten):
    assert rewrite_bars(claim, GRAPH) == rewritten


def test_no_graph_no_rewrite():
    assert rewrite_bars(r"\bar{x} = \frac{1}{2}(x_1 + x_2)", []) is None


def test_entries_defined_entry_by_entry_are_not_rewritten():
    # the scalar reader substitutes y_k's definition before differentiating by it: not read soundly
    givens = [r"y_k = \sum_i w_{ki} h_i", r"E = \frac{1}{2} \sum_k (y_k - t_k)^2"]
    assert rewrite_bars(r"\overline{h_i} = \sum_k \overline{y_k} w_{ki}", givens) is None


@pytest.mark.parametrize("claim, verdict", [
    (r"\bar{s} = 2(s - r)", "holds"),
    (r"\bar{s} = s - r", "fails"),
    (r"\bar{p} = \bar{u} q", "holds"),
    (r"\bar{p} = \bar{u} p", "fails"),
])
def test_verdicts(claim, verdict):
    assert check_claim(claim, givens=GRAPH).verdict == verdict
