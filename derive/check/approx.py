"""Approximate equality (\\approx) against a written decimal: decided to the digits the claim writes."""

from __future__ import annotations

import sympy as sp

from .compare import Result
from .tree import relation_parts
from .written import plain_number


def decide_approx(claim: str, rel, defs, fixed: dict) -> Result | None:
    """`value \\approx 0.7616` with a side that evaluates to a number: it holds when the value rounds (or
    truncates) to the written digits. None when the claim is not of that form (it is then sampled as usual)."""
    from ..primitives import Primitive
    from .context import ScalarContext
    from .interpret import Interpreter
    from .worked import numeric_matrix

    sides, ops = relation_parts(rel)
    if ops != ["\\approx"] or len(sides) != 2:
        return None
    for k in (1, 0):
        written = plain_number(sides[k])
        shown = numeric_matrix(sides[k]) if written is not None else None
        if shown is None or not shown.is_number:
            continue
        places, text = written
        try:
            value = Interpreter(ScalarContext(defs), rel.source).value(sides[1 - k])
            value = sp.sympify(value)
            value = value.xreplace({s: fixed[s.name] for s in value.free_symbols if s.name in fixed})
            value = value.doit() if hasattr(value, "doit") else value
            value = value.replace(lambda q: isinstance(q, Primitive), lambda q: q.as_explicit())
            got = sp.N(value, 40)
        except Exception:  # noqa: BLE001 - not a number of its own: sampled as an identity instead
            return None
        if not got.is_number or not got.is_real:
            return None
        unit = sp.Rational(1, 10 ** places)
        # written rounded (|difference| <= half a unit of the last place) or truncated (the digits agree)
        rounded = abs(got - shown) <= unit / 2 + sp.Rational(1, 10 ** 30)
        truncated = sp.floor(abs(got) / unit) == sp.floor(abs(shown) / unit) and sp.sign(got) == sp.sign(shown)
        digits = f"{places} decimal place{'s' if places != 1 else ''}"
        side = "right" if k == 0 else "left"
        if rounded or truncated:
            how = "rounded" if rounded else "truncated"
            also = "" if rounded else f" (rounded: {_show(got, places)})"
            return Result(claim, "holds", f"evaluated: the {side} side is {_show(got, places + 3)}, which {how} to"
                                          f" {digits} is {text}{also}")
        return Result(claim, "fails", counterexample=f"the {side} side is {_show(got, places + 3)}, which rounded to"
                                                     f" {digits} is {_show(got, places)}, not {text}")
    return None


def _show(v, places: int) -> str:
    return f"{float(v):.{places}f}" if abs(v) < 1e15 else f"{float(v):.{places + 1}g}"


def undecided(bad: Result, claim: str, ops) -> Result:
    """A failing \\approx that no written digits settle: sides that differ may still be 'approximately equal'."""
    if bad.verdict != "fails" or "\\approx" not in ops:
        return bad
    return Result(claim, "not-checkable", notes=[
        f"approximately equal (\\approx) is not decided: the sides are not equal ({bad.counterexample}),"
        " and the claim does not say how close they must be"] + bad.notes)
