"""Scalar claims: both sides interpreted over real symbols and compared at instantiated indices."""

from __future__ import annotations

import random
import time

import sympy as sp

from .compare import (
    TOL,
    ClaimError,
    Result,
    _explicit,
    _fmt_num,
    _has_derivative,
    _interp_side,
    _numeric,
    _ratio_convention,
    compare_values,
)
from .context import Definitions, ScalarContext
from .definitions import read_assignment, read_definition
from .interpret import Interpreter
from .syntax import LatexError, Node, OutOfRange, parse
from .tree import (
    all_letters,
    free_index_letters,
    iter_nodes,
    relation_parts,
    sum_index_problems,
    summation_letters,
)
from .values import fmt_shape, is_mat


def _latex(v, notation=None) -> str:
    from ..present.latex_printer import latex

    try:
        if is_mat(v):
            return latex(sp.ImmutableMatrix(v), notation)
        return latex(v, notation)
    except Exception:  # pragma: no cover - printing must never hide a verdict
        return str(v)


def _instantiations(rel: Node, defs: Definitions) -> list[dict[str, int]]:
    """Values for free index letters and sum sizes: n in {2, 3}, free indices over 1..n."""
    sums = summation_letters(rel)
    subs = free_index_letters(rel) - sums
    sizes = set()
    given_letters = set()
    for body in list(defs.symbols.values()) + [f.body for f in defs.functions.values()]:
        given_letters |= all_letters(body)
    for letter in all_letters(rel) | given_letters:
        if letter in ("n", "m", "M", "K") and letter not in defs.symbols:
            sizes.add(letter)
    size_letters = sorted(sizes)
    free = sorted(l for l in subs if l not in size_letters and l not in defs.symbols)
    if not free and not size_letters:
        return [{}]
    out = []
    for size in (2, 3):
        base = {s: size for s in size_letters}
        combos = [dict(base)]
        for letter in free:
            combos = [dict(c, **{letter: v}) for c in combos for v in range(1, size + 1)]
        out.extend(combos)
    return out[:40]


ASSIGNMENTS = (":=", "\\leftarrow", "\\gets")
EQUALITIES = ("=", "\\approx", "\\equiv")


def _relation_kind(rel: Node, network: bool) -> str:
    """'equation', 'assignment' or 'shape' for the relation symbols of a claim; ClaimError otherwise."""
    sides, ops = relation_parts(rel)
    if not ops:
        raise ClaimError("a claim needs '=' (for example \\sigma'(z) = \\sigma(z)(1-\\sigma(z)))")
    if any(o in ASSIGNMENTS for o in ops):
        return "assignment"
    if "\\in" in ops:
        if ops != ["\\in"]:
            raise ClaimError("a shape claim has the form QUANTITY \\in \\mathbb{R}^{m \\times n}, alone")
        if not network:
            raise ClaimError("a shape claim (\\in \\mathbb{R}^{m \\times n}) is about a network quantity:"
                             " give --spec")
        return "shape"
    bad = [o for o in ops if o not in EQUALITIES]
    if bad:
        raise ClaimError(f"'{bad[0]}' states an inequality; only equations (=, \\approx, \\equiv) are checked")
    return "equation"


def _bare_functions(rel: Node) -> dict:
    """Functions differentiated by name (\\frac{d\\sigma}{dz}): a bare \\sigma then means \\sigma(z)."""
    out: dict = {}
    it = Interpreter(ScalarContext(), "")
    for n in iter_nodes(rel):
        if n.kind == "frac":
            try:
                parts = it.derivative_parts(n)
            except LatexError:
                parts = None
            if parts and parts[0] and len(parts[0]) == 1 and not parts[0][0].scripts:
                try:
                    head = it.function_head(parts[0][0])
                except LatexError:
                    head = None
                if head is not None and head[1] not in out:
                    out[head[1]] = parts[1]
    return out


def check_scalar(claim: str, givens: list[str] = (), at: list[str] = (), seed: int = 20261122,
                 h0=0) -> Result:
    t0 = time.perf_counter()
    rel = parse(claim)
    src = rel.source
    sides, ops = relation_parts(rel)
    if _relation_kind(rel, network=False) == "assignment":
        return Result(claim, "not-checkable", notes=["an assignment (:=, \\leftarrow) is an algorithm step, not"
                                                     " an identity"] + rel.notes)
    defs = Definitions()
    for g in givens:
        read_definition(g, defs)
    fixed = dict(read_assignment(a) for a in at)
    problems = sum_index_problems(rel)
    bare = _bare_functions(rel)
    rng = random.Random(seed)
    methods, notes, verdict = [], list(rel.notes), "holds"
    bad: Result | None = None
    insts = _instantiations(rel, defs)
    for inst in insts:
        for k in range(len(sides) - 1):
            try:
                res = _check_scalar_pair(claim, sides[k], sides[k + 1], defs, fixed, inst, rng, h0, src, bare)
            except OutOfRange:
                continue
            notes.extend(n for n in res.notes if n not in notes)
            if res.verdict != "holds":
                bad = res
                break
            if res.method not in methods:
                methods.append(res.method)
        if bad:
            break
    if bad:
        bad.notes = list(dict.fromkeys(notes + bad.notes))
        if inst:
            bad.counterexample = (", ".join(f"{k} = {v}" for k, v in inst.items()) + "; "
                                  + bad.counterexample)
        bad.seconds = time.perf_counter() - t0
        if problems:
            bad.notes = problems + bad.notes
            bad.verdict = "ambiguous"
        return bad
    method = "; ".join(methods)
    if insts != [{}]:
        method += f" (for {len(insts)} choices of the sizes and free indices: " + ", ".join(
            sorted({k for i in insts for k in i})) + ")"
    r = Result(claim, verdict, method, notes, seconds=time.perf_counter() - t0)
    if problems:
        r.verdict = "ambiguous"
        r.notes = problems + r.notes
    return r


def _undefined(v) -> bool:
    vals = list(v) if is_mat(v) else [v]
    return any(isinstance(e, sp.Basic) and e.has(sp.zoo, sp.nan, sp.oo, -sp.oo) for e in vals)


def _check_scalar_pair(claim, ln, rn, defs, fixed, inst, rng, h0, src=None, bare=None) -> Result:
    src = claim if src is None else src
    ctx = ScalarContext(defs, h0)
    ctx.bare_functions = bare or {}
    ctx.indices.update(inst)
    lhs, n1 = _interp_side(ctx, ln, src)
    rhs, n2 = _interp_side(ctx, rn, src)
    for side, v in (("left", lhs), ("right", rhs)):
        if _undefined(v):
            raise ClaimError(f"the {side} side is undefined (a division by zero, or the logarithm of 0?):"
                             f" it evaluates to {v}")
    notes = list(dict.fromkeys(n1 + n2))
    if fixed:
        sub = {ctx.sym(k): v for k, v in fixed.items()}
        lhs = lhs.xreplace(sub) if not is_mat(lhs) else lhs.applyfunc(lambda e: e.xreplace(sub))
        rhs = rhs.xreplace(sub) if not is_mat(rhs) else rhs.applyfunc(lambda e: e.xreplace(sub))
    if is_mat(lhs) or is_mat(rhs):
        if fmt_shape(lhs) != fmt_shape(rhs):
            return Result(claim, "fails", notes=notes,
                          counterexample=f"the left side is {fmt_shape(lhs)}, the right side {fmt_shape(rhs)}")
    at_txt = (" at " + ", ".join(f"{k} = {v}" for k, v in fixed.items())) if fixed else ""

    def held(method):
        kink = _kink_convention(lhs, rhs, h0) if not fixed else ""
        if kink:
            return Result(claim, "fails", method, notes, convention=kink[0], counterexample=kink[1])
        return Result(claim, "holds", method, notes)
    diff = sp.expand(lhs - rhs) if not is_mat(lhs) else (lhs - rhs).applyfunc(sp.expand)
    if (diff == 0) if not is_mat(diff) else diff.is_zero_matrix:
        return held("symbolic proof (the sides expand to the same expression)" + at_txt)
    symbols = sorted(set().union(*[getattr(e, "free_symbols", set()) for e in
                                   (list(lhs) if is_mat(lhs) else [lhs]) + (list(rhs) if is_mat(rhs) else [rhs])]),
                     key=str)
    cmp = compare_values(lhs, rhs, symbols, rng)
    if cmp.equal:
        how = cmp.how if symbols else "exact evaluation"
        if not symbols or cmp.how.startswith("exact"):
            return held(how + at_txt)
        if _simplifies_to_zero(lhs - rhs):
            return held("symbolic proof via simplify" + at_txt)
        return held(how + at_txt)
    if _simplifies_to_zero(lhs - rhs):  # pragma: no cover - numeric disagreement is decisive
        return held("symbolic proof via simplify" + at_txt)
    ratios = [cmp.ratio]
    for _ in range(2):
        c2 = compare_values(lhs, rhs, symbols, rng, points=1)
        ratios.append(c2.ratio if not c2.equal else None)
    # without free symbols every point is the same point: a constant ratio says nothing
    convention = _ratio_convention(ratios) if symbols else ""
    where = (cmp.where + at_txt) if cmp.where else (at_txt.strip() if fixed else "every point")
    cx = f"{where}: left side = {cmp.lhs_value}, right side = {cmp.rhs_value}"
    correct = ""
    if _has_derivative(ln) and not _has_derivative(rn):
        correct = _latex(_tidy(lhs))
    elif _has_derivative(rn) and not _has_derivative(ln):
        correct = _latex(_tidy(rhs))
    return Result(claim, "fails", "", notes, counterexample=cx, correct=correct, convention=convention)


KINKED = (sp.Piecewise, sp.Abs, sp.sign, sp.Heaviside)


def _kink_convention(lhs, rhs, h0) -> tuple[str, str] | None:
    """Sides equal almost everywhere may differ where a symbol is 0 (ReLU'(0), a step's value at 0):
    (convention, where) when they do, since random points never hit the kink."""
    from ..primitives import LeakyReLU, ReLU, Step

    kinds = KINKED + (ReLU, LeakyReLU, Step)
    if is_mat(lhs) or is_mat(rhs) or not any(isinstance(e, sp.Basic) and e.has(*kinds) for e in (lhs, rhs)):
        return None
    symbols = sorted(set(getattr(lhs, "free_symbols", set())) | set(getattr(rhs, "free_symbols", set())), key=str)
    if len(symbols) != 1:
        return None
    x = symbols[0]
    try:
        a = _numeric(lhs, {x: sp.Integer(0)})
        b = _numeric(rhs, {x: sp.Integer(0)})
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not (a.is_number and b.is_number) or a.has(sp.nan, sp.zoo) or b.has(sp.nan, sp.zoo) or abs(a - b) < TOL:
        return None
    return (f"the value at the kink {x} = 0 (a convention: the checker takes ReLU'(0) = step(0) = {h0};"
            " elsewhere the sides agree)",
            f"{x} = 0: left side = {_fmt_num(a)}, right side = {_fmt_num(b)}")


def _tidy(e):
    if is_mat(e):
        return e.applyfunc(_tidy)
    try:
        cands = [e, sp.factor(e), sp.expand(e)]
    except Exception:  # pragma: no cover
        return e
    return min(cands, key=lambda x: (sp.count_ops(x), len(str(x))))


def _simplifies_to_zero(d) -> bool:
    if is_mat(d):
        return all(_simplifies_to_zero(x) for x in d)
    try:
        e = _explicit(d)
        if sp.count_ops(e) > 300:
            return False
        return sp.simplify(e) == 0
    except Exception:  # pragma: no cover - simplify may fail on exotic forms
        return False
