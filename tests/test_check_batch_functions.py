"""Functions of whole matrices in network claims: softmax normalises each sample (a column, or a row in row
layout), and `cases` on matrices act entry by entry (how a derivation prints ELU' of Z^1)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from derive.check import check_claim
from derive.check.nodes import LatexError
from derive.spec import build_spec, load_spec

ROW = Path(__file__).parent / "corpus" / "specs" / "row_3_4_2.toml"


def _layouts():
    row = load_spec(str(ROW))
    col = dataclasses.replace(row, conventions=dataclasses.replace(row.conventions, layout="column"))
    return {"row": row, "column": col}


@pytest.mark.parametrize("layout", ["row", "column"])
@pytest.mark.parametrize("claim,verdict", [
    (r"a^{2} = \operatorname{softmax}(z^{2})", "holds"),
    (r"A^{2} = \operatorname{softmax}(Z^{2})", "holds"),
    (r"A^{2} = \operatorname{softmax}(2 Z^{2})", "fails"),
    (r"A^{2} = \operatorname{softmax}(Z^{2} + 1)", "holds"),      # shift invariance, per sample
])
def test_softmax_per_sample(layout, claim, verdict):
    r = check_claim(claim, spec=_layouts()[layout])
    assert r.verdict == verdict, (layout, claim, r.verdict, r.counterexample)


ELU = build_spec([2, 3, 2], ["elu", "sigmoid"], "half_mse", name="elu_cases")
GELU_TANH = build_spec([2, 3, 2], ["gelu_tanh", "sigmoid"], "half_sse", name="gelu_tanh_powers")


@pytest.mark.parametrize("spec,claim,verdict", [(ELU, c, v) for c, v in [
    (r"\Delta^{1} = (W^{2})^{T} \Delta^{2} \odot \begin{cases} 1 & \text{for } Z^{1} > 0 \\ A^{1} + 1 & "
     r"\text{otherwise} \end{cases}", "holds"),
    (r"\Delta^{1} = (W^{2})^{T} \Delta^{2} \odot \begin{cases} 1 & \text{for } Z^{1} > 0 \\ A^{1} & "
     r"\text{otherwise} \end{cases}", "fails"),
    (r"\Delta^{1} = (W^{2})^{T} \Delta^{2} \odot \begin{cases} 1 & Z^{1} > 0 \\ A^{1} + 1 & Z^{1} \le 0 "
     r"\end{cases}", "holds"),
]] + [(GELU_TANH, c, v) for c, v in [
    # the document writer's spellings: GELU_{tanh} by its subscript, (z^{1})^{3} entry by entry
    (r"a^{1} = \operatorname{GELU}_{\tanh}\left(z^{1}\right)", "holds"),
    (r"a^{1} = \operatorname{GELU}\left(z^{1}\right)", "fails"),
    (r"a^{1} = \frac{1}{2} z^{1} \odot \left(\mathbf{1} + \tanh\left(\sqrt{\frac{2}{\pi}} \left(z^{1} + 0.044715 "
     r"(z^{1})^{3}\right)\right)\right)", "holds"),
    (r"a^{1} = \frac{1}{2} z^{1} \odot \left(\mathbf{1} + \tanh\left(\sqrt{\frac{2}{\pi}} \left(z^{1} + 0.044715 "
     r"(z^{1})^{2}\right)\right)\right)", "fails"),
]])
def test_functions_of_matrices(spec, claim, verdict):
    """cases on matrices act entry by entry (ELU' of Z^1); GELU_{tanh} by its subscript; (z^{1})^{3} entry by entry."""
    r = check_claim(claim, spec=spec)
    assert r.verdict == verdict, (claim, r.verdict, r.counterexample)


def test_cases_of_different_shapes_refused():
    with pytest.raises(LatexError, match="matrices of different shapes"):
        check_claim(r"\Delta^{1} = \begin{cases} Z^{1} & Z^{2} > 0 \\ 0 & \text{otherwise} \end{cases}", spec=ELU)



def test_unknown_function_subscript_still_refused():
    with pytest.raises(LatexError, match="subscript on GELU"):
        check_claim(r"\operatorname{GELU}_{\sigma}(z) = z")


@pytest.mark.parametrize("wrapper", [r"\nnfit{%s}", r"\boxed{%s}", r"\nnfit{%s.}"])
def test_display_wrappers_are_unwrapped(wrapper):
    from derive.check.docread import equations

    tex = "\\begin{equation}\n" + wrapper % r"a^{1}_{j} = \sigma(z^{1}_{j})" + "\n\\end{equation}\n"
    assert [e.text for e in equations("latex", tex)] == [r"a^{1}_{j} = \sigma(z^{1}_{j})"]
