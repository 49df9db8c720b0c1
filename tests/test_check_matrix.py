"""Matrix and vector claims without a spec: typed, then decided on random matrices at several sizes.

Table-driven: true identities hold, the classic wrong ones fail (by shape where the shapes already say
so, with the reason in words), layouts are named, and nothing about matrices is decided at 1×1."""

from __future__ import annotations

import pytest

from derive.check import check_claim
from derive.check.matrix_claims import check_matrix

HOLDS = [
    r"(\mathbf{A}\mathbf{B})^\top = \mathbf{B}^\top\mathbf{A}^\top",
    r"(ABC)^{-1} = C^{-1} B^{-1} A^{-1}",
    r"\operatorname{Tr}(\mathbf{A}\mathbf{B}\mathbf{C}) = \operatorname{Tr}(\mathbf{C}\mathbf{A}\mathbf{B})",
    r"\mathrm{tr}(\mathbf{A}^\intercal\mathbf{B}) = \sum_{i,j} A_{ij} B_{ij}",
    r"\|\mathbf{A}\|_F^2 = \text{Tr}(\mathbf{A}^T\mathbf{A})",
    r"\det(\mathbf{A}\mathbf{B}) = \det(\mathbf{A})\det(\mathbf{B})",
    r"\boldsymbol{x}^\top\boldsymbol{A}\boldsymbol{y} = \boldsymbol{y}^\top\boldsymbol{A}^\top\boldsymbol{x}",
    r"\|\vec{u} - \vec{v}\|^2 = \vec{u}^T\vec{u} - 2\vec{u}^T\vec{v} + \vec{v}^T\vec{v}",
    r"\nabla_{\mathbf{x}} \mathbf{x}^\top \mathbf{A} \mathbf{x} = (\mathbf{A} + \mathbf{A}^\top)\mathbf{x}",
    r"\nabla_{\mathbf{x}} \mathbf{A} \mathbf{x} = \mathbf{A}^\top",            # d2l: gradient of a vector
    r"\frac{\partial \mathbf{A}\mathbf{x}}{\partial \mathbf{x}} = \mathbf{A}",  # the Jacobian
    r"\frac{\partial \mathbf{a}^T\mathbf{x}}{\partial \mathbf{x}} = \mathbf{a}^T",  # MML's row gradient
    r"\frac{\partial}{\partial \mathbf{X}} \operatorname{tr}(\mathbf{A}\mathbf{X}\mathbf{B}) = \mathbf{A}^T\mathbf{B}^T",
    r"\frac{\partial}{\partial W} \frac{1}{2} \lambda \sum_k\sum_l W_{k,l}^2 = \lambda W",
    r"\nabla_\theta \frac{1}{2}\|X\theta - \vec{y}\|^2 = X^T (X\theta - \vec{y})",
    r"\nabla_{\mathbf{x}} \|\mathbf{x}\|_2 = \frac{\mathbf{x}}{\|\mathbf{x}\|_2}",
    r"\boldsymbol{A}\boldsymbol{A}^{-1} = \boldsymbol{I}",
    r"x^T A x = \sum_{i=1}^n \sum_{j=1}^n A_{ij} x_i x_j",
    r"(\mathbf{A} \odot \mathbf{B})^T = \mathbf{B}^T \odot \mathbf{A}^T",
    r"\nabla_{\mathbf{A}} \log\det(\mathbf{A}) = \mathbf{A}^{-T}",             # drawn where det A > 0
    r"\operatorname{diag}(\mathbf{a})\mathbf{b} = \mathbf{a} \odot \mathbf{b}",
]

FAILS = [  # (claim, a phrase the reason must contain)
    (r"(\boldsymbol{A}\boldsymbol{B})^\top = \boldsymbol{A}^\top \boldsymbol{B}^\top", "only when m = n"),
    (r"\boldsymbol{A}\boldsymbol{B} = \boldsymbol{B}\boldsymbol{A}", "only when"),
    (r"(A+B)^2 = A^2 + 2AB + B^2", "counterexample"),
    (r"\text{Tr}(\boldsymbol{A}\boldsymbol{B}\boldsymbol{C}) = \text{Tr}(\boldsymbol{B}\boldsymbol{A}\boldsymbol{C})",
     "counterexample"),
    (r"(\mathbf{A}+\mathbf{B})^{-1} = \mathbf{A}^{-1} + \mathbf{B}^{-1}", "counterexample"),
    (r"\nabla_{\mathbf{x}} \mathbf{x}^\top \mathbf{A} \mathbf{x} = 2\mathbf{A}\mathbf{x}", "counterexample"),
    (r"\nabla_{\mathbf{X}} \|\mathbf{X}\|_F^2 = \mathbf{X}", "counterexample"),
    (r"\nabla_{\mathbf{w}} \frac{1}{2N}\|X\mathbf{w} - \mathbf{y}\|^2 = \frac{1}{N}(X\mathbf{w} - \mathbf{y})X^T",
     "is not defined"),
    (r"\|\mathbf{u}\|^2 = \mathbf{u}\mathbf{u}^T", "is a scalar but"),
    (r"\nabla_x b^T x = b^T", "but"),
    (r"\frac{\partial \mathbf{a}^T\mathbf{X}\mathbf{b}}{\partial \mathbf{X}} = \mathbf{b}\mathbf{a}^T", "only when"),
    (r"\det(2\mathbf{A}) = 4\det(\mathbf{A})", "counterexample"),          # true for 2×2 only
    (r"\det(\mathbf{A}\mathbf{B}) = \det(\mathbf{B}\mathbf{A})", "counterexample"),  # A 2×3, B 3×2: det(BA) = 0
    (r"\mathbf{x}^T\mathbf{x} = \mathbf{x}\mathbf{x}^T", "but"),
    (r"\nabla_{\mathbf{A}} \log\det(\mathbf{A}) = \mathbf{A}^{-1}", "counterexample"),
]

NOT_MATRIX = [  # left to the other readings (a function applied to a vector, scalar claims)
    r"\sigma(\mathbf{A}\mathbf{x}) = \mathbf{A}\sigma(\mathbf{x})",
    r"(a+b)^2 = a^2 + 2ab + b^2",
    r"\frac{d}{dx} x^2 = 2x",
]


@pytest.mark.parametrize("claim", HOLDS)
def test_true_identities_hold(claim):
    r = check_claim(claim)
    assert r.verdict == "holds", r.summary()
    assert "sizes" in r.summary()


@pytest.mark.parametrize("claim,reason", FAILS)
def test_wrong_identities_fail_with_the_reason(claim, reason):
    r = check_claim(claim)
    assert r.verdict == "fails", r.summary()
    text = r.summary()
    assert reason in text, text
    for internal in ("sym", "const", "#1", "\\mathbf", "\\boldsymbol", "Dummy", "None"):
        assert internal not in text.replace(claim, ""), text


@pytest.mark.parametrize("claim", NOT_MATRIX)
def test_other_claims_are_not_read_as_matrices(claim):
    assert check_matrix(claim) is None


def test_givens_define_functions_of_vectors():
    given = [r"f(\boldsymbol{x}) = \frac{1}{2} \| \boldsymbol{A} \boldsymbol{x} - \boldsymbol{b} \|_2^2"]
    good = r"\nabla_{\boldsymbol{x}} f(\boldsymbol{x}) = \boldsymbol{A}^\top \boldsymbol{A} \boldsymbol{x} - \boldsymbol{A}^\top \boldsymbol{b}"
    assert check_claim(good, givens=given).verdict == "holds"
    bad = good.replace(r"\boldsymbol{A}^\top \boldsymbol{A} \boldsymbol{x}", r"\boldsymbol{A} \boldsymbol{A}^\top \boldsymbol{x}")
    assert check_claim(bad, givens=given).verdict == "fails"


def test_layout_is_named():
    assert "denominator layout" in check_claim(r"\nabla_{\mathbf{x}} \mathbf{A} \mathbf{x} = \mathbf{A}^\top").summary()
    assert "Jacobian" in check_claim(r"\frac{\partial \mathbf{A}\mathbf{x}}{\partial \mathbf{x}} = \mathbf{A}").summary()
    assert "numerator layout" in check_claim(
        r"\frac{\partial \mathbf{a}^T\mathbf{x}}{\partial \mathbf{x}} = \mathbf{a}^T").summary()


def test_a_size_letter_is_not_taken_for_a_number():
    r = check_claim(r"\mathbf{1}^T\mathbf{1} = n")
    assert r.verdict == "not-checkable", r.summary()


CHAIN = [r"\boldsymbol{y} = g(\boldsymbol{x})", "z = f(\\boldsymbol{y})"]


@pytest.mark.parametrize("claim,verdict", [
    (r"\nabla_{\boldsymbol{x}} z = \left( \frac{\partial \boldsymbol{y}}{\partial \boldsymbol{x}} \right)^\top"
     r" \nabla_{\boldsymbol{y}} z", "holds"),                                   # Goodfellow (6.46)
    (r"\nabla_{\boldsymbol{x}} z = \frac{\partial \boldsymbol{y}}{\partial \boldsymbol{x}} \nabla_{\boldsymbol{y}} z",
     "fails"),                                                                # the Jacobian not transposed
])
def test_chain_rule_with_generic_functions(claim, verdict):
    r = check_claim(claim, givens=CHAIN)
    assert r.verdict == verdict, r.summary()
    assert "arbitrary smooth" in r.summary()


def test_a_named_value_in_the_givens():
    given = [r"J = \frac{1}{2}\|X\theta - \vec{y}\|^2"]
    assert check_claim(r"\nabla_\theta J = X^T(X\theta - \vec{y})", givens=given).verdict == "holds"
    assert check_claim(r"\nabla_\theta J = X^T X\theta - \vec{y}", givens=given).verdict == "fails"
