"""The value algebra of claims: products, sums and powers of SymPy scalars and explicit matrices."""

from __future__ import annotations

from typing import Callable

import sympy as sp

from .syntax import MAX_EXPONENT, LatexError, ShapeMismatch, UndefinedValue

# ---------------------------------------------------------------------------------------------
# Value algebra: SymPy scalars and explicit matrices


def is_mat(v) -> bool:
    return isinstance(v, sp.MatrixBase)


def shape_of(v) -> tuple[int, int] | None:
    return tuple(v.shape) if is_mat(v) else None


def fmt_shape(v) -> str:
    return "scalar" if not is_mat(v) else f"{v.shape[0]}\u00d7{v.shape[1]}"


def check_defined(v, what: str = "a division by zero or the logarithm of 0"):
    """UndefinedValue when a value is undefined everywhere (1/0, 0/0, log 0): such a claim says nothing."""
    for e in (list(v) if is_mat(v) else [v]):
        if isinstance(e, sp.Basic) and e.has(sp.zoo, sp.nan):
            raise UndefinedValue(what)
    return v


def norm(v):
    """1x1 matrices are scalars."""
    if is_mat(v) and v.shape == (1, 1):
        return v[0, 0]
    return v


SQUARE_NOTE = "the square of a vector is read as its squared norm (sum over its entries)"
MATRIX_POWER_NOTE = "a power of a square matrix is read as a matrix power"


class Algebra:
    """Products, sums and powers of scalars and matrices, with notes on lenient readings."""

    def __init__(self, vector_square: str = "norm"):
        self.notes: list[str] = []
        self.vector_square = vector_square  # (v)^2 of a vector: "norm" (v^T v) or "elementwise"
        self.broadcast = False              # a notation that adds b to a batch matrix (Ng's)
        self.row_layout = False             # one sample per row: b is added to every row (CS231n's X W^T + b)

    def note(self, text: str):
        if text not in self.notes:
            self.notes.append(text)

    def add(self, a, b, what="+"):
        a, b = norm(a), norm(b)
        if is_mat(a) and is_mat(b):
            if self.broadcast and a.shape != b.shape and a.rows == b.rows and 1 in (a.cols, b.cols):
                # Ng's Z = WA + b: the column b is added to every column (NumPy's broadcasting)
                self.note("a column vector added to a matrix is added to each of its columns (broadcasting)")
                a, b = (a * sp.ones(1, b.cols), b) if a.cols == 1 else (a, b * sp.ones(1, a.cols))
            if self.row_layout and a.shape != b.shape:
                a, b = self._add_to_rows(a, b)
            if a.shape != b.shape:
                raise ShapeMismatch(f"cannot add a {fmt_shape(a)} and a {fmt_shape(b)} matrix")
            return a + b
        if is_mat(a) or is_mat(b):
            m, s = (a, b) if is_mat(a) else (b, a)
            if s == 0:
                return m
            # 1 - a for a vector a: the scalar stands for a vector of that value (article habit)
            self.note("a scalar added to a vector is read as that value in every entry")
            return m.applyfunc(lambda x: x + s) if m is a else m.applyfunc(lambda x: s + x)
        return a + b

    def _add_to_rows(self, a, b):
        """Row layout's X W^T + b: a vector as long as a matrix's rows (a column b or a row b^T) is added
        to each of the matrix's rows (numpy's broadcasting); anything else is left to fail."""
        for m, v, swap in ((a, b, False), (b, a, True)):
            if m.rows > 1 and 1 in v.shape and max(v.shape) == m.cols and min(m.shape) > 0 and v.shape != (1, 1):
                self.note("a bias vector added to a matrix of samples is added to each of its rows (broadcasting)")
                tiled = sp.ones(m.rows, 1) * (v.T if v.cols == 1 else v)
                return (tiled, m) if swap else (m, tiled)
        return a, b

    def neg(self, a):
        return -a

    def mul(self, a, b, op="juxt"):
        a, b = norm(a), norm(b)
        if op == "/":
            if is_mat(b) and (not is_mat(a) or a.shape == b.shape):
                # Y / A of two same-shape arrays (numpy's habit, Ng's dA): entry by entry
                self.note("a division of matrices is read entry by entry")
                if not is_mat(a):
                    return b.applyfunc(lambda e: check_defined(a / e, "a division by zero"))
                return sp.Matrix(a.shape[0], a.shape[1], lambda i, j: check_defined(a[i, j] / b[i, j],
                                                                                  "a division by zero"))
            if is_mat(b):
                raise ShapeMismatch(f"cannot divide by a {fmt_shape(b)} matrix")
            if b == 0:
                raise UndefinedValue("a division by zero")
            return check_defined(a / b, "a division by zero")
        if not is_mat(a) or not is_mat(b):
            return a * b
        if op in ("\\odot", "\\circ", "\\bullet", "*", "\u2217"):
            if a.shape != b.shape:
                raise ShapeMismatch(f"element-wise product of a {fmt_shape(a)} and a {fmt_shape(b)}"
                                    " matrix")
            return a.multiply_elementwise(b)
        if op in ("\\cdot", "\u22c5") and a.shape == b.shape and a.shape[1] == 1:
            return norm(a.T * b)
        if a.shape[1] == b.shape[0]:
            return norm(a * b)
        if a.shape == b.shape:
            self.note("juxtaposed same-shape vectors are read as an element-wise product")
            return a.multiply_elementwise(b)
        raise ShapeMismatch(f"cannot multiply a {fmt_shape(a)} by a {fmt_shape(b)} matrix")

    def power(self, base, exp):
        base = norm(base)
        check_defined(base)
        check_defined(exp)
        if is_mat(exp):
            raise ShapeMismatch("an exponent cannot be a matrix")
        if exp.is_Number:
            # e^{1000} stays exp(1000) (nothing expands); only other bases blow up under large powers
            if exp.is_Integer and abs(int(exp)) > (10 ** 6 if base == sp.E else MAX_EXPONENT):
                raise LatexError(f"exponent {exp} is too large (at most {MAX_EXPONENT})")
            if exp.is_Rational and not exp.is_Integer and (abs(exp.p) > MAX_EXPONENT or exp.q > MAX_EXPONENT):
                raise LatexError(f"exponent {exp} is too large")
            if base.is_Number if not is_mat(base) else False:
                if abs(base) > 10**6 and abs(exp) > 8:
                    raise LatexError(f"power {base}^{exp} is too large")
        if is_mat(base):
            if self.vector_square == "elementwise":
                # (z^{1})^{3} in a derivation: powers of network quantities act on each entry
                return base.applyfunc(lambda e: check_defined(sp.Pow(e, exp), "a power of 0 with a negative exponent"))
            if base.shape[1] == 1 and exp == 2:
                self.note(SQUARE_NOTE)
                return norm(base.T * base)
            if base.shape[0] == base.shape[1] and exp.is_Integer and 0 < exp <= 4:
                self.note(MATRIX_POWER_NOTE)
                return base ** int(exp)
            raise ShapeMismatch(f"cannot raise a {fmt_shape(base)} matrix to the power {exp}")
        return check_defined(sp.Pow(base, exp), "a power of 0 with a negative exponent")

    def transpose(self, v):
        return v.T if is_mat(v) else v

    def apply(self, f: Callable, v):
        """A scalar function applied entry by entry."""
        if is_mat(v):
            return v.applyfunc(f)
        return f(v)
