"""Soundness of document checks: worked numbers to the rounding a document states, and names defined twice.

A scalar document that says it rounds ("every value rounded to 4 decimals") claims ``a = 0.8808`` to the
digits shown: the claim checked is |a - 0.8808| <= 0.00005, so 0.880797... holds and 0.8809 fails. A name
the document defines again with another meaning (``f(x) = x^2`` ... ``f(x) = x^3``) is a redefinition:
the line is reported as such (never "holds"), and the equations after it use the new definition, so a
claim true only of the old one is not reported as holding.
"""

from __future__ import annotations

from fractions import Fraction

from .syntax import LatexError, parse
from .tree import relation_parts
from .written import plain_decimal


def rounded_claim(text: str, stated: int | None) -> tuple[str, str] | None:
    """(the claim to check, a note) for ``lhs = d.ddd`` in a document that states a rounding (``stated``
    decimals, from worked.stated_decimals), the tolerance half a unit of the last decimal shown (the
    digits as written.plain_decimal reads them, as for \\approx and worked numbers); else None."""
    if stated is None or text.count("=") != 1:
        return None
    lhs, rhs = text.split("=", 1)
    written = plain_decimal(rhs)
    if written is None or not lhs.strip():
        return None
    shown = written[0]
    half = Fraction(1, 2 * 10 ** shown)
    claim = (f"\\left|{lhs.strip()} - \\left({rhs.strip()}\\right)\\right| \\le "
             f"\\frac{{{half.numerator}}}{{{half.denominator}}}")
    value = rhs.strip() if not rhs.strip().startswith("-") else f"({rhs.strip()})"
    return claim, (f"checked to the {shown} decimals shown (the document rounds to {stated}): |{lhs.strip()} -"
                   f" {value}| <= {float(half):g}")


def earlier_definition(text: str, givens, defined_name) -> int | None:
    """The index in ``givens`` of an earlier definition of the name ``text`` defines (its left side),
    written differently; None when there is none or the same text is repeated."""
    try:
        sides, ops = relation_parts(parse(text, "definition"))
    except LatexError:
        return None
    if len(sides) != 2 or ops[0] not in ("=", "\\equiv"):
        return None
    name = defined_name(sides[0])
    if name is None:
        return None
    for j, g in enumerate(givens):
        try:
            gs, _ = relation_parts(parse(g, "definition"))
        except LatexError:
            continue
        if defined_name(gs[0]) == name:
            return None if " ".join(g.split()) == " ".join(text.split()) else j
    return None


def defined_in(givens, name: str | None, defined_name) -> bool:
    """Whether one of ``givens`` defines ``name`` (its left side's name, by ``defined_name``)."""
    if name is None:
        return False
    for g in givens:
        try:
            gs, _ = relation_parts(parse(g, "definition"))
        except LatexError:
            continue
        if defined_name(gs[0]) == name:
            return True
    return False
