"""Matrix and vector claims without a spec: typed (``matrix_types``), then decided exactly on random
integer matrices at several size assignments and seeds.

A claim about matrices is never decided at 1×1 (every unknown dimension is at least 2), and several
assignments of sizes are tried, distinct where the claim allows it, so AB = BA and (AB)^T = A^T B^T fail
for the reason they fail. Arithmetic is exact (rationals; square roots compared to 60 digits), so no
tolerance can hide a wrong factor. Gradients are differentiated entry by entry on the instantiated
expression: ``\\nabla_x f`` and ``\\frac{\\partial f}{\\partial X}`` of a scalar have the shape of the variable
(the gradient, or denominator, layout of the Matrix Cookbook, CS229, Goodfellow and d2l); ``\\nabla_x`` of a
vector is d2l's n×m transpose of the Jacobian (so ``\\nabla_x Ax = A^T``), ``\\frac{\\partial y}{\\partial x}``
of a vector the m×n Jacobian (Goodfellow 6.5.2, MML). Where only the other layout typechecks (MML's row
gradients, ``\\frac{\\partial a^T x}{\\partial x} = a^T``), it is used and the result says so.
"""

from __future__ import annotations

import random
import re
import time
import zlib

import sympy as sp

from .compare import NotCheckable, Result
from .matrix_eval import Evaluator
from .matrix_read import BOLD, MatrixReader, Unsupported, core, text_name
from .matrix_shapes import Namer, ShapeError, is_scalar
from .matrix_types import Typer, _children, has_grad, render, resolve_kinds, set_display
from .nodes import LatexError, Node
from .tree import all_letters, iter_nodes, matrix_marks, relation_parts

DIM_LETTERS = frozenset("nmdkpNMDK")
SIZE_CHOICES = ((2, 3, 4), (3, 4, 2), (4, 2, 3))
DRAWS = 2


def _marked(rel) -> bool:
    """Whether the claim writes matrices or vectors: a transpose, bold or arrowed letters, a trace,
    determinant or Frobenius norm, or (in a claim of capital letters only) a product of capitals."""
    if matrix_marks(rel):
        return True
    for n in iter_nodes(rel):
        if n.kind == "decor" and str(n.args[0]) in BOLD:
            return True
        if n.kind == "text" and len(n.args) > 1 and str(n.args[1]) in ("det", "Tr", "tr", "trace"):
            return True
        if n.kind == "postfix" and _capital(n.args[0]) and any(
                sc[0] == "sub" and len(_entry_letters(sc[1])) == 2 for sc in n.scripts):
            return True       # W_{k,l}: an entry of a matrix (the sum over it runs to its dimensions)
    letters = all_letters(rel)
    if letters and all(x.isupper() for x in letters) and \
            not any(n.kind == "command" and str(n.args[0]).lstrip("\\")[:1].isalpha() for n in iter_nodes(rel)):
        for n in iter_nodes(rel):
            if n.kind == "juxt" and sum(1 for c in n.args if isinstance(c, Node) and c.kind == "postfix"
                                        and c.args[0].kind in ("letter", "paren")) >= 2:
                return True
    return False


def _capital(base) -> bool:
    return base.kind == "letter" and str(base.args[0]).isupper()


def _entry_letters(script) -> list[str]:
    n = core(script)
    if isinstance(n, Node) and n.kind in ("juxt", "list"):
        return [str(core(c).args[0].args[0]) for c in n.args if isinstance(core(c), Node)
                and core(c).kind == "postfix" and core(c).args[0].kind == "letter"]
    return []


def _functions(givens, parse) -> dict | None:
    """The givens as f(x) = body definitions; None when one is something else."""
    out = {}
    reader = MatrixReader()
    for g in givens:
        try:
            rel = parse(g)
        except LatexError:
            return None
        sides, ops = relation_parts(rel)
        if len(sides) != 2 or ops != ["="]:
            return None
        left = core(sides[0])
        if isinstance(left, Node) and left.kind == "postfix" and not left.scripts:
            atom = reader._atom(left.args[0])          # J = \frac{1}{2}\|X\theta - y\|^2: a name for a value
            if atom is None or atom[0].startswith("#"):
                return None
            out[atom[0]] = (None, sides[1])
            continue
        items = list(left.args) if isinstance(left, Node) and left.kind == "juxt" else []
        if len(items) != 2 or items[0].kind != "postfix" or items[0].scripts or items[1].kind != "postfix" \
                or items[1].args[0].kind != "paren" or items[0].args[0].kind not in ("letter", "command", "text"):
            return None
        arg = core(items[1].args[0].args[0]) if len(items[1].args[0].args) == 1 else None
        atom = reader._atom(arg.args[0]) if isinstance(arg, Node) and arg.kind == "postfix" and not arg.scripts \
            else None
        if atom is None:
            return None
        head = items[0].args[0]
        out[text_name(head) if head.kind == "text" else str(head.args[0])] = (atom[0], sides[1])
    return out


def check_matrix(claim: str, givens=(), seed: int = 20261122) -> Result | None:
    """The verdict on a claim written about matrices or vectors, or None when it is not one (or uses
    something this reading does not cover: the caller's other readings decide it then)."""
    from .syntax import parse

    t0 = time.perf_counter()
    text = re.sub(r"\\det(?![A-Za-z])", r"\\operatorname{det}", claim)
    try:
        rel = parse(text)
    except LatexError:
        return None
    sides, ops = relation_parts(rel)
    if len(sides) < 2 or any(o != "=" for o in ops) or not _marked(rel):
        return None
    functions = _functions(givens, parse)
    if functions is None:
        return None
    reader = MatrixReader(functions)
    try:
        irs = [reader.read(s) for s in sides]
    except Unsupported:
        return None
    promoted = resolve_kinds(irs, reader)
    if not any(s.kind in ("matrix", "vector") for s in reader.syms.values()) \
            and not any(_has_const(e) for e in irs):
        return None
    set_display(reader.syms)
    try:
        r = _decide(claim, irs, reader, promoted, seed)
    except Unsupported:
        return None
    except NotCheckable as e:
        r = Result(claim, "not-checkable", notes=[str(e)])
    r.seconds = time.perf_counter() - t0
    return r


def _has_const(e) -> bool:
    return e[0] == "const" or any(_has_const(c) for c in _children(e))


def _type(irs, reader, numerator: bool):
    """(typer, problem) where problem is None or (verdict words) for the equation's shapes."""
    typer = Typer(reader, numerator)
    shapes = [typer.shape(e) for e in irs]
    before = Namer(typer.dims)
    words = typer.words()
    merged: list[str] = []
    shown = [before.shape(x) for x in shapes]          # in the letters before the equation joins any
    for k, (a, b, ea, eb) in enumerate(zip(shapes, shapes[1:], irs, irs[1:])):
        mismatch = f"{render(ea)} is {shown[k]} but {render(eb)} is {shown[k + 1]}" + (f" (when {words})" if words else "")
        if is_scalar(a) and is_scalar(b):
            continue
        if is_scalar(a) or is_scalar(b):
            if (ea[0] == "num" and ea[1] == 0) or (eb[0] == "num" and eb[1] == 0):
                continue
            return typer, mismatch
        for da, db in ((a[0], b[0]), (a[1], b[1])):
            if typer.dims.merges_symbols(da, db):
                merged.append(f"{before.dim(da)} = {before.dim(db)}")
            if not typer.dims.unify(da, db):
                return typer, mismatch
    if merged:
        return typer, (f"the sides have the same shape only when {', '.join(dict.fromkeys(merged))}: {render(irs[0])}"
                       f" is {shown[0]} and {render(irs[1])} is {shown[1]} when {words}")
    return typer, None


def _decide(claim, irs, reader, promoted, seed) -> Result:
    notes = []
    if promoted:
        notes.append("read " + ", ".join(reader.syms[k].display for k in promoted) + " as column vector"
                     + ("s" if len(promoted) > 1 else "") + " (the claim uses them as vectors)")
    try:
        typer, problem = _type(irs, reader, False)
    except ShapeError as e:
        return Result(claim, "fails", method="shapes", notes=[f"the shapes do not fit: {e}"] + notes)
    if problem is not None and any(has_grad(e, "partial") for e in irs):
        try:
            alt, alt_problem = _type(irs, reader, True)
        except ShapeError:
            alt_problem = "x"
        if alt_problem is None:
            typer, problem = alt, None
            notes.append("the sides have the same shape only in the other layout convention for derivatives by"
                         " vectors, so the claim is read in that one")
    if problem is not None:
        bad = _first_failure(claim, irs, typer, seed, squares_only=True)
        if bad is not None:
            extra = ["at the only sizes where the sides are alike, they differ too (the counterexample)"]
        else:
            extra = ["at the only sizes where the sides are alike, they agree: the claim holds for those shapes only"]
        return Result(claim, "fails", method="shapes", notes=[problem] + extra + notes,
                      counterexample=bad.counterexample if bad is not None else "")
    if typer.gen_shape:
        names = sorted(typer.gen_shape)
        notes.append(f"{', '.join(names)} {'is an arbitrary smooth function' if len(names) == 1 else 'are arbitrary smooth functions'}"
                     " (each draw tries a different random cubic map)")
    shapes_note = typer.words()
    if shapes_note:
        notes.append(f"read as matrices and vectors (vectors are columns): {shapes_note}")
    square = [reader.syms[k].display for k, sh in typer.sym_shape.items() if sh is not None and k not in typer.defs
              and sh[1] != 1 and typer.dims.find(sh[0]) == typer.dims.find(sh[1])]
    if square:
        notes.append(f"the claim is defined only for square {', '.join(square)}")
    if any(e[0] == "grad" or has_grad(e) for e in irs):
        notes.append(_layout_note(irs, typer))
    bad = _first_failure(claim, irs, typer, seed)
    if bad is not None:
        letters = [k for k, s in reader.syms.items() if typer.sym_shape[k] is None and s.display in DIM_LETTERS
                   and k not in typer.defs]
        for key in letters:      # 1^T 1 = n: the letter may be a size; the claim fails only if it fails as each
            for root in typer.dims.roots():
                if _first_failure(claim, irs, typer, seed, fixed={key: root}) is None:
                    return Result(claim, "not-checkable", notes=[
                        f"it fails when {reader.syms[key].display} is a number unrelated to the sizes, and holds when"
                        f" {reader.syms[key].display} is a size of the matrices ({Namer(typer.dims).dim(root)}); which"
                        " one the claim means it does not say"] + notes)
        bad.notes.extend(notes)
        return bad
    roots = typer.dims.roots()
    example = ", ".join(f"{s.display} {Namer(typer.dims, _sizes(roots, SIZE_CHOICES[0])).shape(typer.sym_shape[k])}"
                        for k, s in reader.syms.items() if typer.sym_shape[k] is not None)
    tried = 1 + (len(SIZE_CHOICES) if roots else 0)
    return Result(claim, "holds", method="exact evaluation on random matrices", notes=[
        f"checked exactly (rational arithmetic) on random integer entries at {tried} choices of the sizes"
        + (f" (e.g. {example})" if example else "") + f", {DRAWS} draws each"] + notes)


def _layout_note(irs, typer) -> str:
    """Which convention each derivative of the claim was read in, in words."""
    kinds = set()

    def walk(e):
        if e[0] == "grad":
            scalar = is_scalar(typer.shapes.get(id(e[2])))
            kinds.add((e[3], scalar, typer.numerator and typer.sym_shape[e[1]][1] == 1))
        for c in _children(e):
            walk(c)
    for e in irs:
        walk(e)
    words = []
    for how, scalar, numerator in sorted(kinds):
        if scalar and numerator:
            words.append("the derivative of a scalar by a column vector is a row (numerator layout, as in MML)")
        elif scalar:
            words.append("the gradient of a scalar has the shape of the variable (denominator layout, as in the"
                         " Matrix Cookbook, CS229, Goodfellow and d2l)")
        elif (how == "nabla") != numerator:
            words.append("the gradient of a vector y by x is n×m, the transpose of the Jacobian (d2l's denominator"
                         " layout: \\nabla_x Ax = A^T)")
        else:
            words.append("the derivative of a vector y by x is its m×n Jacobian (numerator layout, as in Goodfellow"
                         " 6.5.2 and MML)")
    return "; ".join(dict.fromkeys(words))


def _sizes(roots, choice) -> dict:
    return {r: choice[i % len(choice)] for i, r in enumerate(roots)}


def _first_failure(claim, irs, typer, seed, squares_only: bool = False, fixed=None) -> Result | None:
    """A counterexample, or None when every size choice and draw agrees."""
    roots = typer.dims.roots()
    choices = [{r: 2 for r in roots}] + ([] if squares_only or not roots else [_sizes(roots, c) for c in SIZE_CHOICES])
    base = zlib.crc32(claim.encode()) ^ seed
    for ci, sizes in enumerate(choices):
        for draw in range(DRAWS):
            rng = random.Random(base + 7919 * ci + draw)
            for _attempt in range(30):    # a draw outside the domain (a singular matrix, log of det < 0)
                values = _draw(typer, sizes, rng)
                for key, root in (fixed or {}).items():
                    values[key] = sp.Integer(sizes[typer.dims.find(root)])
                ev = Evaluator(typer, sizes, values)
                try:
                    vals = [ev.value(e) for e in irs]
                except ZeroDivisionError:
                    continue          # a singular draw: draw again
                break
            else:
                raise NotCheckable("every random draw made a matrix the claim inverts singular, or divided by 0")
            for a, b, ea, eb in zip(vals, vals[1:], irs, irs[1:]):
                if not _equal(a, b):
                    shown = ", ".join(f"{typer.syms[k].display} = {_show(v)}" for k, v in values.items()
                                      if k in typer.syms and (_uses(irs, k) or _uses(list(typer.defs.values()), k)))
                    return Result(claim, "fails", method="exact evaluation on random matrices",
                                  counterexample=f"{shown}: {render(ea)} = {_show(a)}, {render(eb)} = {_show(b)}")
    return None


def _uses(irs, key) -> bool:
    def walk(e):
        return (e[0] in ("sym", "entry", "grad") and e[1] == key) or any(walk(c) for c in _children(e))
    return any(walk(e) for e in irs)


def _draw(typer, sizes, rng) -> dict:
    values = {}

    def size(d):
        return 1 if d == 1 else sizes[typer.dims.find(d)]

    def mat(r, c):
        return sp.Matrix(r, c, [rng.choice((-3, -2, -1, 1, 2, 3)) for _ in range(r * c)])
    for name, (arg, out) in sorted(typer.gen_shape.items()):
        n = 1 if arg is None else size(arg[0])
        if out is None:
            values["gen:" + name] = (mat(n, 1), mat(n, 1), mat(n, 1))
        else:
            m = size(out[0])
            values["gen:" + name] = (mat(m, n), mat(m, n), mat(m, n), mat(m, 1))
    for key, shape in sorted(typer.sym_shape.items()):
        if key in typer.defs:
            continue
        if shape is None:
            values[key] = sp.Rational(rng.choice((-3, -2, 2, 3, 5)), rng.choice((1, 1, 2)))
        else:
            r, c = (1 if d == 1 else sizes[typer.dims.find(d)] for d in shape)
            values[key] = sp.Matrix(r, c, [rng.choice((-4, -3, -2, -1, 1, 2, 3, 4, 5)) for _ in range(r * c)])
    return values


def _show(v) -> str:
    if isinstance(v, sp.MatrixBase):
        rows = "[" + ", ".join("[" + ", ".join(str(x) for x in row) + "]" for row in v.tolist()) + "]"
        return rows if len(rows) <= 160 else f"a {v.rows}×{v.cols} matrix"
    return str(v)


def _zero(d) -> bool:
    d = sp.sympify(d)
    if d.is_Rational:
        return d == 0
    val = sp.N(d, 60)
    if not val.is_number:
        return sp.simplify(d) == 0
    return abs(val) < sp.Float("1e-45")


def _equal(a, b) -> bool:
    if isinstance(a, sp.MatrixBase) != isinstance(b, sp.MatrixBase):
        zero = a if not isinstance(a, sp.MatrixBase) else b
        other = b if zero is a else a
        return _zero(zero) and all(_zero(x) for x in other)
    if isinstance(a, sp.MatrixBase):
        return a.shape == b.shape and all(_zero(x - y) for x, y in zip(a, b))
    return _zero(a - b)
