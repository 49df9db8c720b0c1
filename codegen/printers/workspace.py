"""Lowers the engine's matrix equations to numpy statements that write into preallocated buffers (out=, in place).

``Workspace.assign(name, expr)`` turns one equation into statements such as
``np.dot(X, W1.T, out=Z1)`` and ``Z1 += b1`` and records every buffer it writes with its shape;
the emitted module allocates those buffers once per batch shape and ``train_step`` reuses them.
Each rule below is an identity of numpy, not of the network: a product of two matrices is
``np.dot`` into the buffer, a sum is computed term by term into it, a Hadamard product factor by
factor, an activation by its helper's ``out=``; a row sum delta^T 1 is ``np.dot(ones, delta)``
with a preallocated ones vector. Whatever no rule covers is printed by the ordinary
``NumpyCodePrinter`` (it allocates, and is still correct), so every equation can be lowered.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import (
    HadamardProduct,
    MatAdd,
    MatMul,
    MatrixSymbol,
    OneMatrix,
    Transpose,
    ZeroMatrix,
)
from sympy.matrices.expressions.hadamard import HadamardPower

from derive.matrix import Elementwise, Softmax
from derive.primitives import Primitive, ReLU, Step

from .numpy import NumpyCodePrinter

# Functions whose printed form accepts out= (the helpers in printers/numpy.py that take it, and
# numpy's own ufuncs); any other activation is computed by the allocating printer.
OUT_FUNCTIONS = frozenset({"sigmoid", "relu", "softplus", "silu", "np.tanh"})


class Workspace:
    """Buffers (name -> printed shape) and the statements that fill them, equation by equation."""

    def __init__(self, printer: NumpyCodePrinter, batch: sp.Symbol, widths: dict):
        self.p = printer
        self.batch = batch
        self.widths = widths
        self.buffers: dict[str, tuple[str, ...]] = {}
        self._temps: dict[tuple[str, ...], list[str]] = {}  # shape -> temporaries, reused
        self._busy: set[str] = set()

    # -- buffers ----------------------------------------------------------------------------

    def shape(self, m) -> tuple[str, ...]:
        out = []
        for dim in m.shape:
            dim = sp.sympify(dim)
            out.append(self.batch.name if dim == self.batch else str(int(dim.xreplace(self.widths))))
        return tuple(out)

    def add_buffer(self, name: str, shape: tuple[str, ...]) -> str:
        if self.buffers.setdefault(name, shape) != shape:
            raise ValueError(f"buffer {name} used with two shapes")
        return name

    def ones(self) -> str:
        return self.add_buffer("ones", (self.batch.name,))

    def _temp(self, shape: tuple[str, ...]) -> str:
        pool = self._temps.setdefault(shape, [])
        for name in pool:
            if name not in self._busy:
                break
        else:
            name = f"tmp{sum(map(len, self._temps.values())) + 1}"
            pool.append(name)
            self.add_buffer(name, shape)
        self._busy.add(name)
        return name

    # -- statements -------------------------------------------------------------------------

    def assign(self, name: str, expr, shape: tuple[str, ...] | None = None) -> list[str]:
        """Statements that leave expr's value in the variable name (a buffer, or an alias).

        shape overrides expr's own (a bias gradient delta^T 1 is stored as a 1-D vector).
        """
        self._busy.clear()
        if isinstance(expr, MatrixSymbol):
            return [f"{name} = {expr.name}"]  # an identity activation: no copy
        shape = shape or self.shape(expr)
        had = name in self.buffers
        self.add_buffer(name, shape)
        lines = self.into(name, expr)
        if lines is None:
            if not had:
                del self.buffers[name]
            return [f"{name} = {self.p.code(expr)}"]
        return lines

    def into(self, buf: str, e) -> list[str] | None:
        """Statements writing e into the buffer buf, or None when no rule applies."""
        if isinstance(e, MatMul):
            return self._matmul(buf, e)
        if isinstance(e, MatAdd):
            return self._matadd(buf, e)
        if isinstance(e, HadamardProduct):
            return self._hadamard(buf, e)
        if isinstance(e, HadamardPower) and e.exp == 2 and self.simple(e.base) is not None:
            x = self.simple(e.base)
            return [f"np.multiply({x}, {x}, out={buf})"]
        if isinstance(e, Elementwise):
            call = self._activation(e)
            return None if call is None else [f"{call[0]}({call[1]}, out={buf})"]
        return None

    def softmax(self, buf: str, e: Softmax, log_buf: str | None) -> list[str]:
        """softmax into buf and, with log_buf, its log from the same exponential."""
        self.add_buffer(buf, self.shape(e))
        self.p.helpers.add("softmax")
        z = self.p.operand(e.arg, 40)
        if log_buf is None:
            return [f"softmax({z}, out={buf})"]
        self.add_buffer(log_buf, self.shape(e))
        return [f"softmax({z}, out={buf}, log_out={log_buf})"]

    def scale(self, buf: str, coeff) -> list[str]:
        """buf *= coeff, printed as a division by a symbol where coeff is 1/N."""
        coeff = sp.sympify(coeff)
        if coeff == 1:
            return []
        if coeff == -1:
            return [f"np.negative({buf}, out={buf})"]
        if coeff.is_Number:
            return [f"{buf} *= {float(coeff)!r}"]
        num, den = sp.fraction(coeff)
        lines = [] if num == 1 else [f"{buf} *= {self.p._scalar_operand(num)}"]
        return lines + ([] if den == 1 else [f"{buf} /= {self.p._scalar_operand(den)}"])

    # -- rules ------------------------------------------------------------------------------

    def simple(self, e) -> str | None:
        """The printed operand when e needs no computation: a name, a transpose, a bias, a number."""
        if isinstance(e, MatrixSymbol):
            return e.name
        if isinstance(e, Transpose) and isinstance(e.arg, MatrixSymbol):
            return f"{e.arg.name}.T"
        # constants print as floats: numpy resolves an int scalar's type per call, ~0.4 µs slower
        if isinstance(e, OneMatrix):
            return "1.0"
        if isinstance(e, MatMul):
            coeff, mats = e.as_coeff_matrices()
            pattern = self.p._sum_pattern(list(mats))
            if pattern is not None and pattern[0] == "constant" and coeff.is_Number:
                return repr(float(coeff))
            if pattern is not None and pattern[0] == "bias" and coeff == 1:
                return pattern[1].name
        return None

    def _matmul(self, buf: str, e: MatMul) -> list[str] | None:
        coeff, mats = e.as_coeff_matrices()
        pattern = self.p._sum_pattern(list(mats))
        if pattern is None and len(mats) == 2:
            a, b = (self.simple(m) for m in mats)
            if a is None or b is None:
                return None
            return [f"np.dot({a}, {b}, out={buf})", *self.scale(buf, coeff)]
        if pattern is not None and pattern[0] == "rowsum" and isinstance(pattern[1], Transpose) \
                and isinstance(pattern[1].arg, MatrixSymbol):
            # delta^T 1, the sum over the batch: a vector-matrix product with a ones vector
            return [f"np.dot({self.ones()}, {pattern[1].arg.name}, out={buf})", *self.scale(buf, coeff)]
        if pattern is None and len(mats) == 1 and self.simple(mats[0]) is not None:
            c = repr(float(coeff)) if coeff.is_Number else self.p._print(coeff)
            return [f"np.multiply({self.simple(mats[0])}, {c}, out={buf})"]
        return None

    def _signed(self, t):
        """(sign, term): -1 and the negated term for a product with a negative coefficient."""
        if isinstance(t, MatMul):
            c = t.as_coeff_matrices()[0]
            if c.is_Number and c < 0:
                return -1, -t
        return 1, t

    def _matadd(self, buf: str, e: MatAdd) -> list[str] | None:
        terms = [self._signed(t) for t in e.args if not isinstance(t, ZeroMatrix)]
        terms.sort(key=lambda st: st[0] < 0)  # positive terms first (stable): "1 - A1"
        seed = next((i for i, (_, t) in enumerate(terms) if self.simple(t) is None
                     and self._lowers(buf, t)), None)
        lines: list[str]
        if seed is None:
            if len(terms) < 2:
                return None
            (s0, t0), (s1, t1) = terms[:2]
            if s0 < 0 or self.simple(t0) is None or self.simple(t1) is None:
                return None  # the allocating printer computes it
            op = "add" if s1 > 0 else "subtract"
            lines = [f"np.{op}({self.simple(t0)}, {self.simple(t1)}, out={buf})"]
            rest = terms[2:]
        else:
            sign, term = terms[seed]
            lines = list(self.into(buf, term))
            rest = terms[:seed] + terms[seed + 1:]
            if sign < 0:
                pos = next((i for i, (s, t) in enumerate(rest) if s > 0 and self.simple(t)), None)
                if pos is None:
                    lines.append(f"np.negative({buf}, out={buf})")
                else:  # x - buf in one pass
                    lines.append(f"np.subtract({self.simple(rest[pos][1])}, {buf}, out={buf})")
                    rest = rest[:pos] + rest[pos + 1:]
        for sign, term in rest:
            op = "+=" if sign > 0 else "-="
            lines.append(f"{buf} {op} {self._operand(term, lines)}")
        return lines

    def _hadamard(self, buf: str, e: HadamardProduct) -> list[str] | None:
        factors = list(_flatten(e))
        seed = next((i for i, f in enumerate(factors) if self.simple(f) is None
                     and self._lowers(buf, f)), None)
        if seed is None:
            a, b = (self.simple(f) for f in factors[:2])
            a = a or self._mask(factors[0])
            if a is None or b is None:
                return None
            lines = [f"np.multiply({a}, {b}, out={buf})"]
            rest = factors[2:]
        else:
            lines = list(self.into(buf, factors[seed]))
            rest = factors[:seed] + factors[seed + 1:]
        for f in rest:
            lines.append(f"{buf} *= {self._operand(f, lines, mask=True)}")
        return lines

    def _lowers(self, buf: str, e) -> bool:
        """Whether a rule lowers e into buf (asked without keeping any buffer it would add)."""
        saved = (dict(self.buffers), {k: list(v) for k, v in self._temps.items()}, set(self._busy),
                 set(self.p.helpers))
        try:
            return self.into(buf, e) is not None
        finally:
            self.buffers, self._temps, self._busy, self.p.helpers = saved

    def _mask(self, f) -> str | None:
        """H(z) with H(0) = 0 as the boolean z > 0: multiplying by it is masking, no float array."""
        if isinstance(f, Elementwise) and len(f.mats) == 1 and isinstance(f.mats[0], MatrixSymbol):
            body, (v,) = f.lam.expr, f.lam.variables
            if isinstance(body, Step) and body.args == (v, sp.Integer(0)):
                return f"({f.mats[0].name} > 0)"
        return None

    def _operand(self, e, lines: list[str], mask: bool = False) -> str:
        """How e is named as an operand: printed as it is (or as a mask), else computed into a
        temporary buffer by statements appended to lines."""
        x = self.simple(e)
        if x is None and mask:
            x = self._mask(e)
        if x is None:
            x, more = self._computed(e)
            lines += more
        return x

    def _computed(self, e) -> tuple[str, list[str]]:
        """e in a temporary buffer (statements to fill it), or printed where no rule applies."""
        tmp = self._temp(self.shape(e))
        lines = self.into(tmp, e)
        if lines is None:
            self._busy.discard(tmp)
            return f"({self.p.code(e)})", []
        return tmp, lines

    def _activation(self, e: Elementwise) -> tuple[str, str] | None:
        """(function, argument) for f(Z) with a function that takes out=."""
        if len(e.mats) != 1 or not isinstance(e.mats[0], MatrixSymbol):
            return None
        body, (v,) = e.lam.expr, e.lam.variables
        if not isinstance(body, Primitive) or body.args[0] != v:
            return None
        if body.n_params and not isinstance(body, ReLU):  # relu's parameter is ReLU'(0) only
            return None
        name = body.numpy_name
        if name not in OUT_FUNCTIONS:
            return None
        if not name.startswith("np."):
            self.p.helpers.add(name)
        return name, e.mats[0].name


def _flatten(e):
    for a in e.args:
        if isinstance(a, HadamardProduct):
            yield from _flatten(a)
        else:
            yield a
