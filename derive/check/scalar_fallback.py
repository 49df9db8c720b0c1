"""A claim in network letters whose givens the notation's network cannot express, read as the literal
scalar (index) claim it also is.

Without a spec, \\frac{\\partial L}{\\partial z_i} = \\hat{y}_i - y_i is read in a textbook's network letters;
when the givens define its quantities in another way (L = -\\sum_k y_k \\log \\hat{y}_k with \\hat{y}_k the
softmax of z: a single softmax layer, no network), the network reading is refused. The givens then
define every letter as plain indexed numbers, and the claim is decided as a scalar claim over them.
Only claims with no layer scripts qualify: a superscript other than a transpose or a number would
be a layer that the scalar reading would take as a power."""

from __future__ import annotations

import re

from .compare import NotCheckable
from .syntax import LatexError

# a superscript that may be a layer: ^l, ^{L-1}, ^{(k)}, ^{[l]}, ^(2) (a power of a network letter never
# qualifies either: the scalar reading would take the layer as an exponent)
_LAYER_SUP = re.compile(r"\^\s*(?:\{\s*)?(?:[\(\[]|\\left|[lLkKm](?:\s*[-+]\s*1)?\s*(?:\}|$|[^a-zA-Z0-9]))")


def _has_layer_scripts(text: str) -> bool:
    return bool(_LAYER_SUP.search(text))


def _writes_dnames(claim: str, givens) -> bool:
    """Whether the claim writes a derivative's d-name (CS231n's dW_2 = H^T dO) no given defines: the literal
    reading would take it as d times W_2 and "fail" a true gradient."""
    from .dnames import _dname, defined_dnames
    from .tokens import tokenize

    toks = tokenize(claim)
    named = defined_dnames(givens)
    return any((got := _dname(claim, toks, k)) is not None and "d" + got[0].strip()[:1] not in named
               for k in range(len(toks)))


def _matrix_marks(claim, givens) -> bool:
    from .syntax import parse
    from .tree import matrix_marks

    try:
        return bool(matrix_marks(parse(claim)) or any(matrix_marks(parse(g, "definition")) for g in givens))
    except LatexError:
        return True


def scalar_reading(claim: str, givens, seed) -> object | None:
    """The scalar decision of a claim whose network reading was refused, or None (then the refusal stands)."""
    from .matrix_claims import check_matrix
    from .scalar import check_scalar
    from .slips import explain_scalar

    if not givens or any(_has_layer_scripts(t) for t in [claim, *givens]) or _writes_dnames(claim, givens):
        return None
    try:
        m = check_matrix(claim, list(givens), seed)       # written about matrices or vectors: decided on them
        r = m if m is not None else check_scalar(claim, list(givens), [], seed)
    except (LatexError, NotCheckable, ValueError, TypeError, ArithmeticError):
        return None
    if r.verdict not in ("holds", "fails", "checked", "conditional"):
        return None
    if m is not None:
        r.notes.append("read as a matrix claim over the given definitions (they define no network of the notation)")
        return r
    if r.verdict != "fails" and not getattr(r, "vector_reading", False) and _matrix_marks(claim, givens):
        return None     # a scalar hold of a claim written about matrices decides nothing (AB = BA for numbers)
    r.notes.append("read as a scalar claim over the given definitions (they define no network of the notation)")
    return explain_scalar(r, givens, (), seed, ())
