"""Hagan's derivative matrix (derivative_matrix.py): \\dot{F}^m(n^m) X is f^m'(n^m) \\odot X."""

import pytest

from derive.check import check_claim
from derive.check.derivative_matrix import rewrite_derivative_matrices

# Hagan's forward pass in other letters: u the net input, g the activation, r the error, E = ||y - h||^2
G = [r"\mathbf{u}^{k+1} = \mathbf{W}^{k+1}\mathbf{h}^k + \mathbf{b}^{k+1}", r"\mathbf{h}^{k+1} = \mathbf{g}^{k+1}(\mathbf{u}^{k+1})",
     r"\hat{E} = (\mathbf{y} - \mathbf{h})^T (\mathbf{y} - \mathbf{h})", r"\mathbf{r}^k = \frac{\partial \hat{E}}{\partial \mathbf{u}^k}"]


@pytest.mark.parametrize("claim, rewritten", [
    (r"\mathbf{r}^k = \dot{\mathbf{G}}^k(\mathbf{u}^k) \mathbf{v}",
     r"\mathbf{r}^k = \left((\mathbf{g}^k)'(\mathbf{u}^k) \odot \left(\mathbf{v}\right)\right)"),
    (r"x = \dot{G}(u) v + 1", None),                                    # no activation g in the givens
    (r"\mathbf{r}^k = \dot{\mathbf{G}}^k(\mathbf{u}^k)", None),         # diag(g') alone
    (r"\dot{x} = 3", None),                                             # a time derivative
])
def test_rewrite(claim, rewritten):
    assert rewrite_derivative_matrices(claim, G) == rewritten


@pytest.mark.parametrize("claim, verdict", [
    (r"\mathbf{r}^k = \dot{\mathbf{G}}^k(\mathbf{u}^k)(\mathbf{W}^{k+1})^T \mathbf{r}^{k+1}", "holds"),
    (r"\mathbf{r}^k = \dot{\mathbf{G}}^k(\mathbf{u}^k)\mathbf{W}^{k+1} \mathbf{r}^{k+1}", "fails"),
    (r"\mathbf{r}^K = -2\dot{\mathbf{G}}^K(\mathbf{u}^K)(\mathbf{y} - \mathbf{h})", "holds"),
    (r"\mathbf{r}^K = -\dot{\mathbf{G}}^K(\mathbf{u}^K)(\mathbf{y} - \mathbf{h})", "fails"),
])
def test_verdicts(claim, verdict):
    assert check_claim(claim, givens=G).verdict == verdict
