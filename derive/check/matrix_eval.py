"""Values of a typed matrix claim at one draw: exact (SymPy rationals), 1×1 results as numbers, and
gradients by forward differentiation (a value and its derivative along one entry, carried together).

Forward differentiation is exact and fast (no symbols); a derivative inside a derivative (a Hessian)
falls back to SymPy differentiating the expression in one perturbation symbol.
"""

from __future__ import annotations

import sympy as sp

from .compare import NotCheckable
from .matrix_types import _children, render


def _one(v):
    return v[0, 0] if isinstance(v, sp.MatrixBase) and v.shape == (1, 1) else v


def _function(name, a):
    if name == "log":
        if not (a > 0):
            raise ZeroDivisionError      # the logarithm of a non-positive number: draw again
        return sp.log(a)
    return sp.exp(a)


def _nested(e) -> bool:
    return any(c[0] == "grad" or _nested(c) for c in _children(e))


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
        if e[1] in self.values:
            return self.values[e[1]]
        return self.value(self.typer.defs[e[1]])     # y = g(x): its value at this draw

    def v_gen(self, e):
        return self.generic(e, self.value(e[2]), None)[0]

    def generic(self, e, a, da):
        """A generic smooth function (g of y = g(x)) as a random cubic map: value and derivative."""
        p = self.values["gen:" + e[1]]
        col = a if isinstance(a, sp.MatrixBase) else sp.Matrix([[a]])
        dcol = None if da is None else (da if isinstance(da, sp.MatrixBase) else sp.Matrix([[da]]))
        if e[3] == "vector":
            M, P, Q, c = p
            v = M * col + (P * col).multiply_elementwise(Q * col) + c
            d = None if dcol is None else (M * dcol + (P * dcol).multiply_elementwise(Q * col)
                                           + (P * col).multiply_elementwise(Q * dcol))
            return v, d
        q, r, s3 = p
        lin, quad, cub = (q.T * col)[0, 0], (r.T * col)[0, 0], (s3.T * col)[0, 0]
        v = lin + quad ** 2 + cub ** 3
        d = None if dcol is None else ((q.T * dcol)[0, 0] + 2 * quad * (r.T * dcol)[0, 0]
                                       + 3 * cub ** 2 * (s3.T * dcol)[0, 0])
        return v, d

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
        return self.invert(self.value(e[1]))

    def v_pow(self, e):
        v = self.value(e[1])
        return v ** e[2]

    def v_diag(self, e):
        return sp.diag(*self.value(e[1]))

    def v_fn(self, e):
        return _function(e[1], self.value(e[2]))

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
        return self.norm(self.value(e[1]), e)

    def norm(self, v, e):
        p, explicit = e[2], e[3]
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

    def symbolic_grad(self, e):
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
        return self.arrange(parts, point, how)

    def arrange(self, parts, point, how):
        """The derivatives by each entry of the variable, laid out as the claim's notation reads them."""
        if not isinstance(parts[0], sp.MatrixBase):
            g = sp.Matrix(point.rows, point.cols, parts)
            return g.T if (how == "partial" and self.typer.numerator and g.cols == 1) else g
        jac = sp.Matrix.hstack(*parts)            # column j: the derivative by the j-th entry of x
        denominator = (how == "nabla") != (how == "partial" and self.typer.numerator)
        return jac.T if denominator else jac

    def invert(self, v):
        if isinstance(v, sp.MatrixBase):
            if v.det() == 0:
                raise ZeroDivisionError
            return v.inv()
        if v == 0:
            raise ZeroDivisionError
        return 1 / v

    def v_grad(self, e):
        """Entry by entry, by forward differentiation along each entry of the variable."""
        var, body, how = e[1], e[2], e[3]
        if _nested(body):
            return self.symbolic_grad(e)
        point = self.value(("sym", var))
        parts = []
        for i in range(point.rows):
            for j in range(point.cols):
                direction = sp.zeros(point.rows, point.cols)
                direction[i, j] = 1
                _, d = Tangent(self, var, direction).pair(body)
                if d is None:
                    d = sp.Integer(0) if not isinstance(_, sp.MatrixBase) else sp.zeros(*_.shape)
                parts.append(d)
        return self.arrange(parts, point, how)


class Tangent:
    """(value, derivative) of each part along one entry of the variable: a derivative of None is 0."""

    def __init__(self, ev, var, direction):
        self.ev, self.var, self.direction = ev, var, direction

    def pair(self, e):
        v, d = getattr(self, "t_" + e[0], self.t_other)(e)
        return _one(v), (None if d is None else _one(d))

    def t_other(self, e):
        if _has_var(e, self.var):
            raise NotCheckable("a derivative through " + render(e) + " is not computed")
        return self.ev.value(e), None

    def t_sym(self, e):
        if e[1] == self.var:
            return self.ev.value(e), self.direction
        if e[1] in self.ev.typer.defs and e[1] not in self.ev.values:
            return self.pair(self.ev.typer.defs[e[1]])     # z = f(y): through its definition
        return self.ev.value(e), None

    def t_gen(self, e):
        a, da = self.pair(e[2])
        return self.ev.generic(e, a, da)

    def t_entry(self, e):
        v = self.ev.value(e)
        if e[1] != self.var:
            return v, None
        pos = [self.ev.index[i] - 1 for i in e[2]]
        return v, (self.direction[pos[0], 0] if len(pos) == 1 else self.direction[pos[0], pos[1]])

    def t_add(self, e):
        v, d = None, None
        for sign, t in e[1]:
            if t[0] == "num" and t[1] == 0:
                continue
            a, da = self.pair(t)
            a, da = (a, da) if sign > 0 else (-a, None if da is None else -da)
            v = a if v is None else v + a
            d = da if d is None else (d if da is None else d + da)
        return (sp.Integer(0) if v is None else v), d

    def _mul(self, a, da, b, db):
        d = None
        if da is not None:
            d = _one(da * b)
        if db is not None:
            d = _one(a * db) if d is None else d + _one(a * db)
        return _one(a * b), d

    def t_mul(self, e):
        a, da = self.pair(e[1][0])
        for f in e[1][1:]:
            b, db = self.pair(f)
            a, da = self._mul(a, da, b, db)
        return a, da

    def t_dot(self, e):
        a, da = self.pair(e[1])
        b, db = self.pair(e[2])
        if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase) and a.cols == 1 and b.cols == 1:
            return self._mul(a.T, None if da is None else da.T, b, db)
        return self._mul(a, da, b, db)

    def t_had(self, e):
        a, da = self.pair(e[1])
        b, db = self.pair(e[2])
        d = None
        if da is not None:
            d = da.multiply_elementwise(b)
        if db is not None:
            d = a.multiply_elementwise(db) if d is None else d + a.multiply_elementwise(db)
        return a.multiply_elementwise(b), d

    def t_div(self, e):
        a, da = self.pair(e[1])
        b, db = self.pair(e[2])
        if b == 0:
            raise ZeroDivisionError
        d = None if da is None else da / b
        if db is not None:
            d = (-a * db / b ** 2) if d is None else d - a * db / b ** 2
        return a / b, d

    def t_T(self, e):
        a, da = self.pair(e[1])
        tr = (lambda m: m.T if isinstance(m, sp.MatrixBase) else m)
        return tr(a), (None if da is None else tr(da))

    def t_inv(self, e):
        a, da = self.pair(e[1])
        v = self.ev.invert(a)
        return v, (None if da is None else _one(-v * da * v))

    def t_pow(self, e):
        a, da = self.pair(e[1])
        k = e[2]
        if k < 0:
            a, da = self.ev.invert(a), (None if da is None else _one(-self.ev.invert(a) * da * self.ev.invert(a)))
            k = -k
        v, d = a, da
        for _ in range(k - 1):
            v, d = self._mul(v, d, a, da)
        return v, d

    def t_diag(self, e):
        a, da = self.pair(e[1])
        return sp.diag(*a), (None if da is None else sp.diag(*da))

    def t_fn(self, e):
        a, da = self.pair(e[2])
        v = _function(e[1], a)
        return v, (None if da is None else (da / a if e[1] == "log" else v * da))

    def t_sqrt(self, e):
        a, da = self.pair(e[1])
        v = sp.sqrt(a)
        if v == 0 and da is not None:
            raise ZeroDivisionError
        return v, (None if da is None else da / (2 * v))

    def t_abs(self, e):
        a, da = self.pair(e[1])
        if a == 0 and da is not None:
            raise ZeroDivisionError           # |x| has no derivative at 0: draw again
        return sp.Abs(a), (None if da is None else sp.sign(a) * da)

    def t_tr(self, e):
        a, da = self.pair(e[1])
        t = (lambda m: m.trace() if isinstance(m, sp.MatrixBase) else m)
        return t(a), (None if da is None else t(da))

    def t_det(self, e):
        a, da = self.pair(e[1])
        if not isinstance(a, sp.MatrixBase):
            return a, da
        return a.det(), (None if da is None else (a.adjugate() * da).trace())

    def t_norm(self, e):
        a, da = self.pair(e[1])
        v = self.ev.norm(a, e)
        if da is None:
            return v, None
        if not isinstance(a, sp.MatrixBase):
            return v, self._sign(a) * da
        if e[2] in ("2", "F"):
            if v == 0:
                raise ZeroDivisionError
            return v, sum((x * dx for x, dx in zip(a, da)), sp.Integer(0)) / v
        if e[2] == "1":
            return v, sum((self._sign(x) * dx for x, dx in zip(a, da)), sp.Integer(0))
        big = [k for k, x in enumerate(a) if sp.Abs(x) == v]
        if len(big) != 1:
            raise ZeroDivisionError               # a tie in the max norm: no derivative there
        return v, self._sign(a[big[0]]) * da[big[0]]

    def _sign(self, x):
        if x == 0:
            raise ZeroDivisionError
        return sp.sign(x)

    def t_sum(self, e):
        n = self.ev.size(self.ev.typer.sum_dim[id(e)])
        v, d = sp.Integer(0), None
        saved = self.ev.index.get(e[1])
        for i in range(1, n + 1):
            self.ev.index[e[1]] = i
            a, da = self.pair(e[3])
            v += a
            d = da if d is None else (d if da is None else d + da)
        if saved is not None:
            self.ev.index[e[1]] = saved
        return v, d


def _has_var(e, var) -> bool:
    return (e[0] in ("sym", "entry", "grad") and e[1] == var) or any(_has_var(c, var) for c in _children(e))
