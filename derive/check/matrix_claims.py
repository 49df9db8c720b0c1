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
from .matrix_read import BOLD, MatrixReader, Unsupported, core
from .matrix_shapes import Namer, ShapeError, is_scalar
from .matrix_types import Typer, _children, has_grad, render, resolve_kinds, set_display
from .nodes import LatexError, Node
from .tree import all_letters, iter_nodes, matrix_marks, relation_parts

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
    letters = all_letters(rel)
    if letters and all(x.isupper() for x in letters) and \
            not any(n.kind == "command" and str(n.args[0]).lstrip("\\")[:1].isalpha() for n in iter_nodes(rel)):
        for n in iter_nodes(rel):
            if n.kind == "juxt" and sum(1 for c in n.args if isinstance(c, Node) and c.kind == "postfix"
                                        and c.args[0].kind in ("letter", "paren")) >= 2:
                return True
    return False


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
        items = list(left.args) if isinstance(left, Node) and left.kind == "juxt" else []
        if len(items) != 2 or items[0].kind != "postfix" or items[0].scripts or items[1].kind != "postfix" \
                or items[1].args[0].kind != "paren" or items[0].args[0].kind not in ("letter", "command"):
            return None
        arg = core(items[1].args[0].args[0]) if len(items[1].args[0].args) == 1 else None
        atom = reader._atom(arg.args[0]) if isinstance(arg, Node) and arg.kind == "postfix" and not arg.scripts \
            else None
        if atom is None:
            return None
        out[str(items[0].args[0].args[0])] = (atom[0], sides[1])
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
            notes.append("the derivatives by vectors read in numerator layout, the only one in which the sides"
                         " have the same shape (as in MML and Magnus & Neudecker: the derivative of a scalar by"
                         " a column vector is a row); in the gradient (denominator) layout they are transposed")
    if problem is not None:
        bad = _first_failure(claim, irs, typer, seed, squares_only=True)
        if bad is not None:
            extra = ["at the only sizes where the sides are alike, they differ too (the counterexample)"]
        else:
            extra = ["at the only sizes where the sides are alike, they agree: the claim holds for those shapes only"]
        return Result(claim, "fails", method="shapes", notes=[problem] + extra + notes,
                      counterexample=bad.counterexample if bad is not None else "")
    shapes_note = typer.words()
    if shapes_note:
        notes.append(f"read as matrices and vectors (vectors are columns): {shapes_note}")
    if any(e[0] == "grad" or has_grad(e) for e in irs):
        notes.append(_layout_note(irs, typer))
    bad = _first_failure(claim, irs, typer, seed)
    if bad is not None:
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
    if typer.numerator:
        return "the derivative is read in numerator layout"
    return ("gradients have the shape of the variable (denominator layout); \\nabla_x of a vector y is the"
            " transpose of its Jacobian (d2l: \\nabla_x Ax = A^T), \\frac{\\partial y}{\\partial x} the m×n Jacobian")


def _sizes(roots, choice) -> dict:
    return {r: choice[i % len(choice)] for i, r in enumerate(roots)}


def _first_failure(claim, irs, typer, seed, squares_only: bool = False) -> Result | None:
    """A counterexample, or None when every size choice and draw agrees."""
    roots = typer.dims.roots()
    choices = [{r: 2 for r in roots}] + ([] if squares_only or not roots else [_sizes(roots, c) for c in SIZE_CHOICES])
    base = zlib.crc32(claim.encode()) ^ seed
    for ci, sizes in enumerate(choices):
        for draw in range(DRAWS):
            rng = random.Random(base + 7919 * ci + draw)
            for _attempt in range(6):
                values = _draw(typer, sizes, rng)
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
                                      if _uses(irs, k))
                    return Result(claim, "fails", method="exact evaluation on random matrices",
                                  counterexample=f"{shown}: {render(ea)} = {_show(a)}, {render(eb)} = {_show(b)}")
    return None


def _uses(irs, key) -> bool:
    def walk(e):
        return (e[0] in ("sym", "entry", "grad") and e[1] == key) or any(walk(c) for c in _children(e))
    return any(walk(e) for e in irs)


def _draw(typer, sizes, rng) -> dict:
    values = {}
    for key, shape in sorted(typer.sym_shape.items()):
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


class Evaluator:
    """The value of each part at one draw (sympy matrices; 1×1 results become numbers)."""

    def __init__(self, typer, sizes, values):
        self.typer, self.sizes, self.values = typer, sizes, values
        self.index: dict[str, int] = {}

    def size(self, d) -> int:
        r = self.typer.dims.find(d)
        return 1 if r == 1 else self.sizes[r]

    def value(self, e):
        v = getattr(self, "v_" + e[0])(e)
        if isinstance(v, sp.MatrixBase) and v.shape == (1, 1):
            return v[0, 0]
        return v

    def v_sym(self, e):
        return self.values[e[1]]

    def v_num(self, e):
        return e[1]

    def v_const(self, e):
        shape = self.typer.const_shape[e[2]]
        r, c = self.size(shape[0]), self.size(shape[1])
        return {"identity": sp.eye(r), "ones": sp.ones(r, 1), "zeros": sp.zeros(r, c)}[e[1]]

    def v_add(self, e):
        total = None
        for sign, t in e[1]:
            v = self.value(t)
            if t[0] == "num" and t[1] == 0:
                continue
            v = v if sign > 0 else -v
            total = v if total is None else total + v
        return total if total is not None else sp.Integer(0)

    def _mul(self, a, b):
        return a * b

    def v_mul(self, e):
        acc = self.value(e[1][0])
        for f in e[1][1:]:
            acc = self._mul(acc, self.value(f))
            if isinstance(acc, sp.MatrixBase) and acc.shape == (1, 1):
                acc = acc[0, 0]
        return acc

    def v_dot(self, e):
        a, b = self.value(e[1]), self.value(e[2])
        if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase) and a.cols == 1 and b.cols == 1:
            return (a.T * b)[0, 0]
        return a * b

    def v_had(self, e):
        return self.value(e[1]).multiply_elementwise(self.value(e[2]))

    def v_div(self, e):
        d = self.value(e[2])
        if d == 0:
            raise ZeroDivisionError
        return self.value(e[1]) / d

    def v_T(self, e):
        v = self.value(e[1])
        return v.T if isinstance(v, sp.MatrixBase) else v

    def v_inv(self, e):
        v = self.value(e[1])
        if isinstance(v, sp.MatrixBase):
            if v.det() == 0:
                raise ZeroDivisionError
            return v.inv()
        if v == 0:
            raise ZeroDivisionError
        return 1 / v

    def v_pow(self, e):
        v = self.value(e[1])
        return v ** e[2]

    def v_sqrt(self, e):
        return sp.sqrt(self.value(e[1]))

    def v_abs(self, e):
        return sp.Abs(self.value(e[1]))

    def v_tr(self, e):
        v = self.value(e[1])
        return v.trace() if isinstance(v, sp.MatrixBase) else v

    def v_det(self, e):
        v = self.value(e[1])
        return v.det() if isinstance(v, sp.MatrixBase) else v

    def v_norm(self, e):
        v, p, explicit = self.value(e[1]), e[2], e[3]
        if not isinstance(v, sp.MatrixBase):
            return sp.Abs(v)
        vector = v.rows == 1 or v.cols == 1
        if not vector and p != "F":
            raise NotCheckable(f"‖{render(e[1])}‖{'_' + p if explicit else ''} of a matrix: the operator norm is not"
                               " checked (the Frobenius norm ‖·‖_F is)")
        if p in ("2", "F"):
            return sp.sqrt(sum(x ** 2 for x in v))
        if p == "1":
            return sum(sp.Abs(x) for x in v)
        return sp.Max(*[sp.Abs(x) for x in v])

    def v_entry(self, e):
        m = self.values[e[1]]
        pos = [self.index[i] - 1 for i in e[2]]
        return m[pos[0], 0] if len(pos) == 1 else m[pos[0], pos[1]]

    def v_sum(self, e):
        n = self.size(self.typer.sum_dim[id(e)])
        total = sp.Integer(0)
        saved = self.index.get(e[1])
        for i in range(1, n + 1):
            self.index[e[1]] = i
            total += self.value(e[3])
        if saved is not None:
            self.index[e[1]] = saved
        return total

    def v_grad(self, e):
        """Entry by entry: the derivative at t = 0 of the claim's expression at X + t E_ij (one symbol,
        so SymPy differentiates a function of t whose other entries are numbers)."""
        var, body, how = e[1], e[2], e[3]
        point = self.values[var]
        t = sp.Symbol("t", real=True)
        parts = []
        saved = self.values
        try:
            for i in range(point.rows):
                for j in range(point.cols):
                    moved = point.copy()
                    moved[i, j] = point[i, j] + t
                    self.values = dict(saved)
                    self.values[var] = moved
                    f = self.value(body)
                    d = (lambda q: sp.diff(q, t).subs(t, 0))
                    parts.append(f.applyfunc(d) if isinstance(f, sp.MatrixBase) else d(f))
        finally:
            self.values = saved
        if not isinstance(parts[0], sp.MatrixBase):
            g = sp.Matrix(point.rows, point.cols, parts)
            return g.T if (how == "partial" and self.typer.numerator and g.cols == 1) else g
        jac = sp.Matrix.hstack(*parts)            # column j: the derivative by the j-th entry of x
        denominator = (how == "nabla") != (how == "partial" and self.typer.numerator)
        return jac.T if denominator else jac
