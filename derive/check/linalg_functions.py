"""Functions of written-out matrices in scalar claims: \\det \\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}."""

from __future__ import annotations

from .syntax import LatexError
from .values import is_mat


def determinant(m):
    """\\det of a written-out square matrix (a number is its own 1x1 determinant)."""
    if not is_mat(m):
        return m
    if m.rows != m.cols:
        raise LatexError(f"\\det needs a square matrix, not a {m.rows}x{m.cols} one")
    return m.det()


determinant.vector_aware = True
