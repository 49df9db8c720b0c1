"""Typing a matrix claim: which letters are vectors, and one consistent assignment of shapes.

Kinds first (a plain small letter becomes a column vector where the claim uses it as one), then shapes:
every matrix letter gets two unknown dimensions, every vector one (its column is 1), and products, sums,
transposes, traces, inverses, gradients and entry sums unify them. A part that cannot be typed raises
``ShapeError`` with the reason in the claim's own letters.
"""

from __future__ import annotations

import re

from .matrix_read import Unsupported
from .matrix_shapes import Dims, Namer, ShapeError, is_scalar

# -- kinds ------------------------------------------------------------------------------------


def _nonscalar(e, syms) -> bool:
    op = e[0]
    if op == "sym":
        return syms[e[1]].kind in ("matrix", "vector") or (syms[e[1]].kind == "defined" and _nonscalar(
            _DEFS[e[1]], syms))
    if op == "gen":
        return e[3] == "vector"
    if op == "const" or op == "grad":
        return True
    if op in ("T", "inv", "pow"):
        return _nonscalar(e[1], syms)
    if op == "mul":
        return any(_nonscalar(f, syms) for f in e[1])
    if op == "add":
        return any(_nonscalar(t, syms) for _, t in e[1])
    if op in ("dot", "had"):
        return _nonscalar(e[1], syms) or _nonscalar(e[2], syms)
    if op == "div":
        return _nonscalar(e[1], syms)
    return False


def _plain(e, syms):
    """The letter of a bare plain small letter (or its transpose), else None."""
    if e[0] == "T":
        e = e[1]
    return e[1] if e[0] == "sym" and syms[e[1]].kind == "plain" else None


# Greek letters texts use for numbers (a rate, a penalty weight, a step): after a vector (w \lambda,
# \nabla f \eta) they stay numbers; \theta, \beta, \mu are often vectors and are read by their use
RATES = frozenset(("lambda", "eta", "alpha", "gamma", "epsilon", "varepsilon", "tau", "kappa", "rho"))


def resolve_kinds(sides, reader) -> list[str]:
    """Decide the plain small letters: vectors where used as vectors, numbers otherwise. Returns the
    letters read as vectors (for the note)."""
    syms = reader.syms
    for key in reader.scalar_letters:
        if syms[key].kind in ("plain", "matrix") and not reader.syms[key].display.startswith("\\"):
            syms[key].kind = "scalar"
    promoted: list[str] = []

    def promote(key):
        if key and syms[key].kind == "plain":
            syms[key].kind = "vector"
            promoted.append(key)
            return True
        return False

    def walk(e) -> bool:
        op, changed = e[0], False
        if op == "T" and e[1][0] == "sym":
            changed |= promote(_plain(e[1], syms))
        if op == "grad":
            changed |= promote(e[1] if syms[e[1]].kind == "plain" else None)
        if op == "mul":
            fs = e[1]
            for i in range(1, len(fs)):
                if _nonscalar(fs[i - 1], syms) and (_plain(fs[i], syms) or "").lstrip("\\") not in RATES:
                    changed |= promote(_plain(fs[i], syms))
        if op == "add" and any(_nonscalar(t, syms) for _, t in e[1]):
            for _, t in e[1]:
                changed |= promote(_plain(t, syms))
        for sub in _children(e):
            changed |= walk(sub)
        return changed

    _DEFS.clear()
    _DEFS.update(reader.defs)
    sides = list(sides) + list(reader.defs.values())
    while any([walk(s) for s in sides]):
        pass
    for s in syms.values():
        if s.kind == "plain":
            s.kind = "scalar"
    return promoted


def _children(e) -> list:
    op = e[0]
    if op in ("add",):
        return [t for _, t in e[1]]
    if op == "mul":
        return list(e[1])
    if op in ("dot", "had", "div"):
        return [e[1], e[2]]
    if op in ("T", "inv", "pow", "sqrt", "abs", "tr", "det", "norm", "diag"):
        return [e[1]]
    if op in ("grad", "fn", "gen"):
        return [e[2]]
    if op == "sum":
        return [e[3]]
    return []


def has_grad(e, how: str | None = None) -> bool:
    return (e[0] == "grad" and (how is None or e[3] == how)) or any(has_grad(c, how) for c in _children(e))


# -- shapes -----------------------------------------------------------------------------------


class Typer:
    """Shapes of every part; ``numerator`` reads \\partial-derivatives in numerator layout."""

    def __init__(self, reader, numerator: bool = False):
        self.syms = reader.syms
        self.dims = Dims()
        self.numerator = numerator
        self.sym_shape: dict[str, object] = {}
        for key, s in self.syms.items():
            if s.kind == "matrix":
                self.sym_shape[key] = (self.dims.new(), self.dims.new())
            elif s.kind == "vector":
                self.sym_shape[key] = (self.dims.new(), 1)
            else:
                self.sym_shape[key] = None
        self.const_shape: dict[int, tuple] = {}
        self.index_dim: dict[str, list] = {}
        self.bound_dim: dict[str, int] = {}
        self.sum_dim: dict[int, int] = {}
        self.shapes: dict[int, object] = {}
        self.defs = reader.defs
        self.gen_shape: dict[str, tuple] = {}     # a generic function: (argument shape, value shape)
        self.def_shape: dict[str, object] = {}
        for key in self.defs:
            self.shape(("sym", key))

    def words(self, sizes=None) -> str:
        """'A is m×n, x is n×1' for the letters that are matrices or vectors."""
        namer = Namer(self.dims, sizes)
        parts = [f"{s.display} is {namer.shape(self.sym_shape[k])}" for k, s in self.syms.items()
                 if self.sym_shape.get(k) is not None]
        return ", ".join(parts)

    def fail(self, msg: str):
        raise ShapeError(f"{msg} (when {self.words()})" if self.words() else msg)

    def shape(self, e):
        s = self._shape(e)
        self.shapes[id(e)] = s
        return s

    def _shape(self, e):
        op = e[0]
        if op == "sym":
            if e[1] in self.defs:
                if e[1] not in self.def_shape:
                    self.def_shape[e[1]] = self.shape(self.defs[e[1]])
                    self.sym_shape[e[1]] = self.def_shape[e[1]]
                return self.def_shape[e[1]]
            return self.sym_shape[e[1]]
        if op == "num":
            return None
        if op == "const":
            if e[2] not in self.const_shape:
                d = self.dims.new(free=True)
                self.const_shape[e[2]] = {"identity": (d, d), "ones": (d, 1),
                                          "zeros": (d, self.dims.new(free=True))}[e[1]]
            return self.const_shape[e[2]]
        if op == "add":
            shapes = [(t, self.shape(t)) for _, t in e[1]]
            big = [(t, s) for t, s in shapes if not is_scalar(s)]
            if not big:
                return next((s for _, s in shapes if s is not None), None)
            t0, s0 = big[0]
            for t, s in shapes:
                if is_scalar(s) and not (t[0] == "num" and t[1] == 0):
                    self.fail(f"{render(t)} is a number but {render(t0)} is {self.name(s0)}: they cannot be added")
                if not is_scalar(s) and not (self.dims.unify(s[0], s0[0]) and self.dims.unify(s[1], s0[1])):
                    self.fail(f"{render(t0)} is {self.name(s0)} and {render(t)} is {self.name(s)}: they cannot be"
                              " added")
            return s0
        if op == "mul":
            acc, left = self.shape(e[1][0]), e[1][0]
            for f in e[1][1:]:
                acc = self._product(left, acc, f, self.shape(f))
                left = ("mul", [left, f])
            return acc
        if op == "dot":
            a, b = self.shape(e[1]), self.shape(e[2])
            if a is not None and b is not None and a[1] == 1 and b[1] == 1 and not is_scalar(a):
                if not self.dims.unify(a[0], b[0]):
                    self.fail(f"{render(e[1])} and {render(e[2])} have different lengths")
                return None          # x \cdot y of two columns: the dot product
            return self._product(e[1], a, e[2], b)
        if op == "had":
            a, b = self.shape(e[1]), self.shape(e[2])
            if is_scalar(a) or is_scalar(b) or not (self.dims.unify(a[0], b[0]) and self.dims.unify(a[1], b[1])):
                self.fail(f"{render(e[1])} ⊙ {render(e[2])} needs two matrices of one shape")
            return a
        if op == "div":
            a, b = self.shape(e[1]), self.shape(e[2])
            if not is_scalar(b):
                self.fail(f"{render(e[2])} is {self.name(b)}: dividing by a matrix is not defined")
            return a
        if op == "T":
            a = self.shape(e[1])
            return None if a is None else (a[1], a[0])
        if op == "diag":
            a = self.shape(e[1])
            if a is None or a[1] != 1:
                raise Unsupported("diag of something other than a column vector")
            return (a[0], a[0])
        if op in ("inv", "pow", "tr", "det"):
            a = self.shape(e[1])
            if a is None:
                if op in ("tr", "det"):
                    return None
                return None
            if not is_scalar(a) and not self.dims.unify(a[0], a[1]):
                self.fail(f"{render(e[1])} is {self.name(a)}, not square: its {_WHAT[op]} is not defined")
            return None if op in ("tr", "det") else a
        if op == "gen":
            a = self.shape(e[2])
            if a is not None and a[1] != 1:
                raise Unsupported("a generic function of a matrix")
            if e[1] in self.gen_shape:
                ga, gv = self.gen_shape[e[1]]
                if (ga is None) != (a is None) or (a is not None and not self.dims.unify(ga[0], a[0])):
                    self.fail(f"{e[1]} is applied to arguments of different sizes")
                return gv
            out = (self.dims.new(), 1) if e[3] == "vector" else None
            self.gen_shape[e[1]] = (a, out)
            return out
        if op == "fn":
            if not is_scalar(self.shape(e[2])):
                raise Unsupported(f"{e[1]} of a matrix or vector")
            return None
        if op in ("sqrt", "abs"):
            a = self.shape(e[1])
            if not is_scalar(a):
                raise Unsupported(f"{op} of a matrix")
            return None
        if op == "norm":
            self.shape(e[1])
            return None
        if op == "grad":
            return self._grad(e)
        if op == "entry":
            s = self.sym_shape[e[1]]
            if s is None or len(e[2]) > (1 if s[1] == 1 else 2) or (s[1] != 1 and len(e[2]) != 2):
                raise Unsupported("an entry with the wrong number of indices")
            for pos, idx in enumerate(e[2]):
                self.index_dim[idx][-1].append(s[pos])
            return None
        if op == "sum":
            self.index_dim.setdefault(e[1], []).append([])
            body = self.shape(e[3])
            uses = self.index_dim[e[1]].pop()
            if not uses:
                raise Unsupported("a sum whose index names no entry of a matrix or vector")
            for d in uses[1:]:
                if not self.dims.unify(uses[0], d):
                    self.fail(f"the index {e[1]} runs over dimensions of different sizes")
            if e[2] is not None:
                if e[2] in self.bound_dim and not self.dims.unify(self.bound_dim[e[2]], uses[0]):
                    self.fail(f"the bound {e[2]} is used for dimensions of different sizes")
                self.bound_dim.setdefault(e[2], uses[0])
            self.sum_dim[id(e)] = uses[0]
            if not is_scalar(body):
                raise Unsupported("a sum of matrices")
            return None
        raise Unsupported(f"the operation {op}")

    def _product(self, left, a, right, b):
        if is_scalar(a):
            return b if a is None or b is not None else a
        if is_scalar(b):
            return a
        if not self.dims.unify(a[1], b[0]):
            self.fail(f"{render(left)} {render(right)} is not defined: {render(left)} is {self.name(a)} and"
                      f" {render(right)} is {self.name(b)}")
        return (a[0], b[1])

    def _grad(self, e):
        var, body, how = e[1], e[2], e[3]
        vs, bs = self.sym_shape[var], self.shape(e[2])
        if vs is None:
            raise Unsupported("a derivative with respect to a number")
        if is_scalar(bs):
            # numerator layout only for a vector variable (MML's row gradients); by a matrix, the gradient
            # has the matrix's shape in every text this reads (the Cookbook, CS229, Goodfellow, d2l)
            return (vs[1], vs[0]) if (how == "partial" and self.numerator and vs[1] == 1) else vs
        if bs[1] == 1 and vs[1] == 1:
            denominator = (how == "nabla") != (how == "partial" and self.numerator)
            return (vs[0], bs[0]) if denominator else (bs[0], vs[0])
        raise Unsupported(f"the derivative of the matrix {render(body)} by a matrix")

    def name(self, shape) -> str:
        return Namer(self.dims).shape(shape)


_WHAT = {"inv": "inverse", "pow": "power", "tr": "trace", "det": "determinant"}


# -- messages ---------------------------------------------------------------------------------


def render(e) -> str:
    """A part of the claim as the author would read it (no internal names)."""
    op = e[0]
    if op == "sym":
        return _DISPLAY.get(e[1], e[1])
    if op == "num":
        return str(e[1])
    if op == "const":
        return {"identity": "I", "ones": "1", "zeros": "0"}[e[1]]
    if op == "add":
        out = ""
        for i, (sign, t) in enumerate(e[1]):
            txt = render(t)
            out += ("-" if sign < 0 else "") + txt if i == 0 else (" - " if sign < 0 else " + ") + txt
        return out
    if op == "mul":
        out = ""
        for f in e[1]:
            txt = _wrap(f)
            scripted = re.search(r"\^(\{[^}]*\}|\S)$", out) is not None     # A^T B: keep the script apart
            out += (" " if out and (out[-1].isdigit() and txt[:1].isdigit() or scripted or out[-1] == "}"
                                    or txt[:1] in "∇Σ") else "") + txt
        return out
    if op in ("dot", "had"):
        return f"{_wrap(e[1])} {'·' if op == 'dot' else '⊙'} {_wrap(e[2])}"
    if op == "div":
        return f"{_wrap(e[1])}/{_wrap(e[2])}"
    if op == "T":
        return _wrap(e[1], True) + "^T"
    if op == "inv":
        return _wrap(e[1], True) + "^{-1}"
    if op == "pow":
        return _wrap(e[1], True) + f"^{e[2]}"
    if op in ("fn", "gen"):
        return f"{e[1]}({render(e[2])})"
    if op in ("sqrt", "abs", "tr", "det", "diag"):
        return {"sqrt": "√", "abs": "abs", "tr": "Tr", "det": "det", "diag": "diag"}[op] + f"({render(e[1])})"
    if op == "norm":
        return f"‖{render(e[1])}‖" + (f"_{e[2]}" if e[3] else "")
    if op == "grad":
        var = _DISPLAY.get(e[1], e[1])
        return (f"∇_{var} " if e[3] == "nabla" else f"∂/∂{var} ") + _wrap(e[2])
    if op == "entry":
        return f"{_DISPLAY.get(e[1], e[1])}_{{{''.join(e[2])}}}"
    if op == "sum":
        return f"Σ_{e[1]} {render(e[3])}"
    return op


def _wrap(e, tight: bool = False) -> str:
    if e[0] == "add" and (len(e[1]) > 1 or e[1][0][0] < 0) or e[0] in ("dot", "had", "div") \
            or (tight and e[0] in ("mul", "grad", "sum")):
        return f"({render(e)})"
    return render(e)


_DISPLAY: dict[str, str] = {}
_DEFS: dict[str, tuple] = {}


def set_display(syms) -> None:
    """The letters' spellings for ``render`` (one claim is typed at a time in a worker)."""
    _DISPLAY.clear()
    _DISPLAY.update({k: s.display for k, s in syms.items()})
