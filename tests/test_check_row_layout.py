"""Row layout (CS231n, numpy: one sample per row) on a spec that says `layout = "row"`: every sample-indexed
quantity is N x n, W keeps its stored n_l x n_{l-1} shape and b is added to every row."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from derive.check import check_claim
from derive.spec import load_spec

ROW = Path(__file__).parent / "corpus" / "specs" / "row_3_4_2.toml"

CASES = [
    # (claim, verdict): the forward pass, BP1/BP2 and the gradients, each with its column-layout twin
    (r"Z^{1} = X (W^{1})^{T} + b^{1}", "holds"),
    (r"z^{1} = x (W^{1})^{\top} + \mathbf{1}_{N} (b^{1})^{\top}", "holds"),
    (r"Z^{1} = W^{1} X + b^{1}", "fails"),
    (r"\Delta^{2} = A^{2} - Y", "holds"),
    (r"\Delta^{1} = \Delta^{2} W^{2} \odot \mathbb{1}(Z^{1} > 0)", "holds"),
    (r"\Delta^{1} = (W^{2})^{T} \Delta^{2} \odot \mathbb{1}(Z^{1} > 0)", "fails"),
    (r"\Delta^{1} = \Delta^{2} (W^{2})^{T} \odot \mathbb{1}[Z^{1} > 0]", "fails"),
    (r"\frac{\partial L}{\partial W^{1}} = \frac{1}{N} (\Delta^{1})^{T} X", "holds"),
    (r"\frac{\partial L}{\partial W^{1}} = \frac{1}{N} X^{T} \Delta^{1}", "fails"),
    (r"\frac{\partial L}{\partial z^{1}_{j}} = \sum_k \delta^{2}_{k} W^{2}_{kj} \mathbb{1}[z^{1}_{j} > 0]", "holds"),
    (r"\frac{\partial L}{\partial z^{1}_{j}} = \sum_k \delta^{2}_{k} W^{2}_{jk} \mathbb{1}[z^{1}_{j} > 0]", "fails"),
    # entries: X_{nk} is sample n, unit k; the derivation's z_{jn} names its sample letter second
    (r"Z^{1}_{nj} = \sum_{k} X_{nk} W^{1}_{jk} + b^{1}_{j}", "holds"),
    (r"z^{1}_{jn} = \sum_{k=1}^{n_{0}} W^{1}_{jk} x_{kn} + b^{1}_{j}", "holds"),
    (r"Z^{1}_{nj} = \sum_{k} X_{nk} W^{1}_{kj} + b^{1}_{j}", "fails"),
    (r"\frac{\partial L}{\partial W^{1}_{jk}} = \frac{1}{N} \sum_{n=1}^{N} \delta^{1}_{jn} x_{kn}", "holds"),
    # an entry of a parenthesised value: (\cdot)_{jn} is unit j of sample n, (\cdot)_{nj} sample n, unit j
    (r"\left(\frac{\partial L}{\partial Z^{2}}\right)_{jn} = \frac{1}{N} \left(A^{2}_{jn} - Y_{jn}\right)", "holds"),
    (r"\left(\frac{\partial L}{\partial Z^{2}}\right)_{nj} = \frac{1}{N} \left(A^{2}_{nj} - Y_{nj}\right)", "holds"),
    (r"\left(\frac{\partial L}{\partial Z^{2}}\right)_{jn} = A^{2}_{jn} - Y_{jn}", "fails"),
]


@pytest.mark.parametrize("claim,verdict", CASES)
def test_row_layout_claims(claim, verdict):
    r = check_claim(claim, spec=load_spec(str(ROW)))
    assert r.verdict == verdict, (claim, r.verdict, r.counterexample, r.notes)


@pytest.mark.parametrize("claim,column,row", [
    (r"Z^{1} = W^{1} X + b^{1} \mathbf{1}_{N}^{\top}", "holds", "fails"),
    (r"Z^{1} = X (W^{1})^{T} + b^{1}", "fails", "holds"),
    (r"\Delta^{1} = \Delta^{2} W^{2} \odot \mathbb{1}(Z^{1} > 0)", "fails", "holds"),
])
def test_layout_decides(claim, column, row):
    """The same claim on the same network in the two layouts: the spec's layout is what decides."""
    spec = load_spec(str(ROW))
    col = dataclasses.replace(spec, conventions=dataclasses.replace(spec.conventions, layout="column"))
    assert check_claim(claim, spec=col).verdict == column
    assert check_claim(claim, spec=spec).verdict == row


def test_row_layout_correction_is_in_row_layout():
    """The corrected form a failing claim is shown is the engine's, in the spec's own layout."""
    r = check_claim(r"Z^{1} = W^{1} X + b^{1}", spec=load_spec(str(ROW)))
    assert r.verdict == "fails"
    hint = " ".join(r.notes) + " " + str(getattr(r, "correct", "") or "")
    assert "(W^{1})^{\\top}" in hint, hint
