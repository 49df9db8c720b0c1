"""Prints the engine's matrix equations as numpy code, and holds the numeric helpers that code calls."""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import (
    HadamardProduct,
    MatAdd,
    MatMul,
    MatrixExpr,
    MatrixSymbol,
    OneMatrix,
    Transpose,
    ZeroMatrix,
)
from sympy.matrices.expressions.hadamard import HadamardPower
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.precedence import precedence

from derive.errors import NNDeriveError
from derive.matrix import Elementwise, Softmax
from derive.primitives import LeakyReLU, Primitive, ReLU, Step


class CodegenError(NNDeriveError):
    """An expression or spec value that cannot be turned into safe numpy code."""


class _OfLogits(MatrixExpr):
    """A per-sample function of the logits Z, with Z's shape."""

    def __new__(cls, z):
        return sp.Basic.__new__(cls, z)

    @property
    def arg(self):
        return self.args[0]

    @property
    def shape(self):
        return self.args[0].shape


class LogSoftmax(_OfLogits):
    """log(softmax(Z)) per sample (row layout), computed from the logits so it never takes log 0."""


class Log1mSoftmax(_OfLogits):
    """log(1 - softmax(Z)) per sample: the log of the other classes' total, from the logits."""


class SoftmaxBCEDelta(MatrixExpr):
    """The output error term of bce on softmax outputs, evaluated without dividing by 1 - A.

    Arguments (A, Y, log A, log(1 - A)); its value is the engine's delta for that pair.
    """

    def __new__(cls, a, y, log_a, log1m_a):
        return sp.Basic.__new__(cls, a, y, log_a, log1m_a)

    @property
    def shape(self):
        return self.args[0].shape


class Total(sp.Expr):
    """The sum of every entry of a matrix: a scalar (the loss before its batch reduction)."""

    is_commutative = True

    def __new__(cls, m):
        return sp.Basic.__new__(cls, m)


class SafeLog(sp.Function):
    """log(u) with u clipped to the smallest positive normal: finite where the math says log 0."""

    nargs = 1


# Operator precedences of the printed Python (higher binds tighter).
ADD, MUL, NEG, POW, ATOM = 10, 20, 25, 30, 40


class NumpyCodePrinter(NumPyPrinter):
    """NumPyPrinter for nnderive's row-layout matrix expressions (batch-first arrays).

    Matrix products print as ``@``, Hadamard products as ``*``, a product with the all-ones
    batch vector as a ``.sum(axis=0)``, the bias broadcast ``1 b^T`` as ``b``, and each Primitive
    through its ``numpy_name``; the helper functions used are collected in ``helpers``.
    ``widths`` (dimension symbol -> int) lets a scalar factor such as 1/N be applied to the
    smallest operand of a product instead of the result.
    """

    printmethod = "_nnderive_numpy"
    NP = "np"  # the array module's name in the printed code (the JAX printer's is jnp)

    def __init__(self, widths: dict | None = None, batch: sp.Symbol | None = None,
                 batch_hint: int = 64):
        super().__init__({"fully_qualified_modules": True, "inline": True})
        self.widths = dict(widths or {})
        if batch is not None:
            self.widths.setdefault(batch, batch_hint)
        self.helpers: set[str] = set()
        self._names: dict[sp.Symbol, str] = {}
        self.vdot = False  # print sums of products of two arrays as np.vdot (no product array)

    # -- entry point ---------------------------------------------------------------------------

    def code(self, expr) -> str:
        """Print expr; raise CodegenError if any part of it has no numpy spelling."""
        self._not_supported = set()
        text = self.doprint(expr)
        if self._not_supported:
            names = ", ".join(sorted(type(e).__name__ for e in self._not_supported))
            raise CodegenError(f"no numpy spelling for {names} in {expr}")
        return text

    def _module_format(self, fqn, register=True):
        text = super()._module_format(fqn, register)
        return f"{self.NP}." + text[len("numpy."):] if text.startswith("numpy.") else text

    # -- scalars -------------------------------------------------------------------------------

    def _print_Rational(self, expr):
        return repr(float(expr))

    def _print_Float(self, expr):
        return repr(float(expr))

    def _print_Integer(self, expr):
        return str(int(expr))

    def _print_Dummy(self, expr):
        try:
            return self._names[expr]
        except KeyError:
            raise CodegenError(f"unbound placeholder {expr} in printed code") from None

    def _print_Relational(self, expr):
        ops = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
        return f"{self._print(expr.lhs)} {ops[expr.rel_op]} {self._print(expr.rhs)}"

    def _print_Piecewise(self, expr):
        *branches, (last, cond) = expr.args
        if cond not in (sp.true, True):
            raise CodegenError(f"Piecewise without a default branch: {expr}")
        text = self._print(last)
        for value, c in reversed(branches):
            text = f"{self.NP}.where({self._print(c)}, {self._print(value)}, {text})"
        return text

    def _call(self, name: str, *args) -> str:
        if name.startswith("np."):
            name = f"{self.NP}.{name[3:]}"  # a primitive's numpy_name, in this backend's module
        else:
            self.helpers.add(name)
        return f"{name}({', '.join(args)})"

    def _print_Function(self, expr):
        # sympy skips intermediate Function subclasses when dispatching, so Primitive is caught here
        if isinstance(expr, Primitive):
            return self._print_Primitive(expr)
        return super()._print_Function(expr)

    def _print_Primitive(self, expr):
        n_in = len(expr.args) - expr.n_params
        return self._call(expr.numpy_name, *[self._print(a) for a in expr.args[:n_in]],
                          *[self._print(a) for a in expr.args[n_in:]])

    def _print_ReLU(self, expr):
        # ReLU's value does not depend on its ReLU'(0) parameter
        return self._call(ReLU.numpy_name, self._print(expr.args[0]))

    def _print_Step(self, expr):
        z, h0 = expr.args
        extra = [] if h0 == 0 else [self._print(h0)]
        return self._call(Step.numpy_name, self._print(z), *extra)

    def _print_LeakyReLU(self, expr):
        z, slope, _h0 = expr.args
        return self._call(LeakyReLU.numpy_name, self._print(z), self._print(slope))

    def _print_SafeLog(self, expr):
        return self._call("safe_log", self._print(expr.args[0]))

    def _print_Mul(self, expr):
        totals = [a for a in expr.args if isinstance(a, Total)]
        if len(totals) == 1:  # c * sum: printed as -np.sum(...) / N rather than (-1/N)*np.sum(...)
            return self.scaled(self._print(totals[0]), ATOM, expr / totals[0])
        return super()._print_Mul(expr)

    def _print_Total(self, expr):
        m = expr.args[0]
        if self.vdot and isinstance(m, HadamardProduct) and len(m.args) == 2 \
                and all(isinstance(a, MatrixSymbol) for a in m.args):
            return f"np.vdot({self._print(m.args[0])}, {self._print(m.args[1])})"
        if self.vdot and isinstance(m, HadamardPower) and m.exp == 2 and isinstance(m.base, MatrixSymbol):
            return f"np.vdot({self._print(m.base)}, {self._print(m.base)})"
        return f"{self.NP}.sum({self._print(m)})"

    # -- matrices ------------------------------------------------------------------------------

    def prec(self, e) -> int:
        """Precedence of the printed form of matrix expression e."""
        if isinstance(e, (MatrixSymbol, OneMatrix, ZeroMatrix, Softmax, LogSoftmax, Log1mSoftmax,
                          SoftmaxBCEDelta, Transpose)):
            return ATOM
        if isinstance(e, MatAdd):
            return ADD
        if isinstance(e, MatMul):
            coeff, mats = e.as_coeff_matrices()
            if coeff == -1:
                return NEG
            pattern = self._sum_pattern(list(mats))
            if pattern is not None and pattern[0] == "constant":
                return ATOM if coeff >= 0 else NEG
            if coeff == 1 and pattern is not None:
                return ATOM
            return MUL
        if isinstance(e, HadamardProduct):
            return MUL
        if isinstance(e, HadamardPower):
            return POW
        if isinstance(e, Elementwise):
            return ATOM if precedence(e.lam.expr) >= precedence(sp.Function("f")(sp.Symbol("x"))) \
                else ADD
        return ADD

    def operand(self, e, at_least: int) -> str:
        text = self._print(e)
        return text if self.prec(e) >= at_least else f"({text})"

    def _print_MatrixSymbol(self, expr):
        name = expr.name
        if not name.isidentifier():
            raise CodegenError(f"matrix name {name!r} is not a Python identifier")
        return name

    def _print_Transpose(self, expr):
        return f"{self.operand(expr.arg, ATOM)}.T"

    def _print_OneMatrix(self, expr):
        return "1"  # inside sums it broadcasts as the scalar 1

    def _print_ZeroMatrix(self, expr):
        return "0"

    def _print_HadamardPower(self, expr):
        return f"{self.operand(expr.base, ATOM)}**{self._print(expr.exp)}"

    def _print_HadamardProduct(self, expr):
        parts = []
        for i, a in enumerate(expr.args):
            # products in parentheses read as one factor; later factors keep their grouping
            need = ATOM if isinstance(a, MatMul) and a.as_coeff_matrices()[0] == 1 and \
                self.prec(a) == MUL else (MUL if i == 0 else POW)
            parts.append(self.operand(a, need))
        return " * ".join(parts)

    def _print_MatAdd(self, expr):
        terms = [t for t in expr.args if not isinstance(t, ZeroMatrix)]
        terms.sort(key=_is_negative)  # stable: "1 - A1" rather than "-A1 + 1"
        out = ""
        for i, t in enumerate(terms):
            if _is_negative(t):
                body = self.operand(-t, MUL)
                out = f"-{body}" if i == 0 else f"{out} - {body}"
            else:
                body = self.operand(t, ADD)
                out = body if i == 0 else f"{out} + {body}"
        return out

    def _print_Elementwise(self, expr):
        saved = dict(self._names)
        for v, m in zip(expr.lam.variables, expr.mats):
            self._names[v] = self.operand(m, ATOM)
        try:
            return self._print(_float_constants(expr.lam.expr))
        finally:
            self._names = saved

    def _print_Softmax(self, expr):
        if expr.axis != 1:
            raise CodegenError("generated code is batch-first (row layout); softmax over axis 0"
                               " is not supported")
        return self._call("softmax", self._print(expr.arg))

    def _print_LogSoftmax(self, expr):
        return self._call("log_softmax", self._print(expr.arg))

    def _print_Log1mSoftmax(self, expr):
        return self._call("log1m_softmax", self._print(expr.arg))

    def _print_SoftmaxBCEDelta(self, expr):
        return self._call("softmax_bce_delta", *[self._print(a) for a in expr.args])

    def _sum_pattern(self, mats):
        """(kind, operand) when mats is a broadcast or a sum with an all-ones matrix, else None."""
        if len(mats) == 1 and isinstance(mats[0], OneMatrix):
            return "constant", None
        if len(mats) == 2 and isinstance(mats[0], OneMatrix) and mats[0].shape[1] == 1:
            if isinstance(mats[1], Transpose) and isinstance(mats[1].arg, MatrixSymbol):
                return "bias", mats[1].arg
            raise CodegenError(f"cannot broadcast {mats[1]} over the batch")
        if len(mats) >= 2 and isinstance(mats[-1], OneMatrix):
            rest = mats[0] if len(mats) == 2 else MatMul(*mats[:-1])
            if mats[-1].shape[1] == 1:
                return "rowsum", rest
            if mats[-1].shape[0] == mats[-1].shape[1]:
                return "samplesum", rest
        if any(isinstance(m, OneMatrix) for m in mats):
            raise CodegenError(f"unsupported product with an all-ones matrix: {MatMul(*mats)}")
        return None

    def _print_MatMul(self, expr):
        coeff, mats = expr.as_coeff_matrices()
        mats = list(mats)
        pattern = self._sum_pattern(mats)
        if pattern is not None:
            kind, m = pattern
            if kind == "constant":
                return self._print(coeff)  # c times the all-ones matrix broadcasts as c
            if kind == "bias":
                text = self._print(m)  # b is stored as a 1-D row that numpy broadcasts
            elif kind == "rowsum" and isinstance(m, Transpose):
                text = f"{self.operand(m.arg, ATOM)}.sum(axis=0)"
            elif kind == "rowsum":
                text = f"{self.operand(m, ATOM)}.sum(axis=1)"
            else:
                text = f"{self.operand(m, ATOM)}.sum(axis=1, keepdims=True)"
            return self.scaled(text, ATOM, coeff)
        if coeff != 1 and coeff != -1 and len(mats) > 1:
            # scale the smallest operand: 1/N on delta (N x n) is cheaper than on dL_dW (n x m)
            k = min(range(len(mats)), key=lambda i: (self._size(mats[i]), i))
            texts = []
            for i, m in enumerate(mats):
                if i == k:
                    inner = m.arg if isinstance(m, Transpose) else m
                    t = self.scaled(self.operand(inner, MUL), MUL, coeff)
                    t = f"({t}).T" if isinstance(m, Transpose) else f"({t})"
                    texts.append(t)
                else:
                    texts.append(self.operand(m, MUL if i == 0 else NEG))
            return " @ ".join(texts)
        if len(mats) == 1:
            return self.scaled(self._print(mats[0]), self.prec(mats[0]), coeff)
        texts = [self.operand(m, MUL if i == 0 else NEG) for i, m in enumerate(mats)]
        return self.scaled(" @ ".join(texts), MUL, coeff)

    def scaled(self, text: str, prec: int, coeff) -> str:
        """coeff * text, printed as a division where coeff is 1/something."""
        coeff = _float_constants(sp.sympify(coeff))
        if coeff == 1:
            return text
        if coeff == -1:
            return f"-{text if prec >= MUL else f'({text})'}"
        if coeff.could_extract_minus_sign():
            return f"-{self.scaled(text, prec, -coeff)}"
        body = text if prec >= MUL else f"({text})"
        if coeff.is_Number:
            return f"{self._print(coeff)} * {body}"
        num, den = sp.fraction(coeff)
        out = body if num == 1 else f"{self._scalar_operand(num)} * {body}"
        return out if den == 1 else f"{out} / {self._scalar_operand(den)}"

    def _scalar_operand(self, e) -> str:
        text = self._print(e)
        return text if e.is_Atom else f"({text})"

    def _size(self, m) -> int:
        rows, cols = m.shape
        return int(sp.sympify(rows).xreplace(self.widths)) * int(sp.sympify(cols).xreplace(self.widths))


def _float_constants(e):
    """Non-integer constants (3/4, sqrt(2), pi) as Python floats.

    np.sqrt(2) is a numpy float64 scalar, which would promote float32 arrays to float64; a
    Python float literal adapts to the array's dtype.
    """
    return e.replace(lambda x: isinstance(x, sp.Expr) and x.is_number and not x.is_Integer
                     and not x.is_Float, lambda x: sp.Float(x.evalf(20), 20))


def _is_negative(t) -> bool:
    if isinstance(t, MatMul):
        c = t.as_coeff_matrices()[0]
        return bool(c.is_Number and c < 0)
    return False


# ---------------------------------------------------------------------------------------------
# Helpers: the runtime meaning of every name the printer calls. Each is (dependencies, source);
# a module defines only those it uses, in this order.

HELPERS: dict[str, tuple[tuple[str, ...], str]] = {
    "sigmoid": ((), '''
def sigmoid(z, out=None):
    """The logistic function 1 / (1 + exp(-z)), to a few ulps of relative error for every z."""
    # r / (1 + r) with r = exp(min(z, 88)): for z < 0 it is as accurate as exp itself, into the
    # subnormal tail where 1 / (1 + exp(-z)) overflows; above 88 the value rounds to 1 in float32
    # and float64 alike, so the clamp only keeps exp finite. Four passes, like the exp form.
    r = np.minimum(z, 88.0, out=out)
    np.exp(r, out=r)
    return np.divide(r, r + 1.0, out=r)
'''),
    "relu": ((), '''
def relu(z, out=None):
    """max(0, z)."""
    return np.maximum(z, 0, out=out)
'''),
    "step": ((), '''
def step(z, at_zero=0.0):
    """The Heaviside step H(z), the derivative of ReLU."""
    h = (z > 0).astype(z.dtype)
    if at_zero:
        # H(0) is a convention (relu_prime_at_zero), not a limit
        h[z == 0] = at_zero
    return h
'''),
    "leaky_relu": ((), '''
def leaky_relu(z, slope):
    """z for z > 0, slope * z otherwise."""
    return np.where(z > 0, z, slope * z)
'''),
    "elu": ((), '''
def elu(z, alpha):
    """z for z > 0, alpha * (exp(z) - 1) otherwise."""
    # the minimum keeps exp from overflowing in the branch np.where discards
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))
'''),
    "softplus": ((), '''
def softplus(z, out=None):
    """log(1 + exp(z)), without overflow, to a few ulps of relative error."""
    # numpy's logaddexp(0, z) is max(z, 0) + log1p(exp(-|z|)): exact in both tails
    return np.logaddexp(0.0, z, out=out)
'''),
    "silu": (("sigmoid",), '''
def silu(z, out=None):
    """z * sigmoid(z)."""
    s = sigmoid(z, out=out)
    s *= z
    return s
'''),
    "erfc": ((), '''
def erfc(x):
    """The complementary error function 1 - erf(x), to a few ulps in float64."""
    # numpy has no erf. This is the algorithm CPython's math.erfc used before it called libm:
    # a 25-term series for |x| < 1.5 and a 50-term continued fraction beyond (erfc(x) = 0 for
    # x >= 30), evaluated in float64 whatever the input dtype so the recurrences cannot overflow.
    x64 = np.asarray(x, dtype=np.float64)
    ax = np.abs(x64)
    out = np.empty_like(x64)
    small = ax < 1.5
    xs = x64[small]
    x2 = xs * xs
    acc = np.zeros_like(xs)
    fk = 25.5
    for _ in range(25):
        acc = 2.0 + x2 * acc / fk
        fk -= 1.0
    out[small] = 1.0 - acc * xs * np.exp(-x2) / 1.7724538509055159
    xl = np.minimum(ax[~small], 30.0)
    x2 = xl * xl
    a, da = 0.0, 0.5
    p, p_last = np.ones_like(xl), np.zeros_like(xl)
    q, q_last = da + x2, np.ones_like(xl)
    for _ in range(50):
        a += da
        da += 2.0
        b = da + x2
        p, p_last = b * p - a * p_last, p
        q, q_last = b * q - a * q_last, q
    tail = np.where(xl >= 30.0, 0.0, p / q * xl * np.exp(-x2) / 1.7724538509055159)
    out[~small] = np.where(x64[~small] > 0, tail, 2.0 - tail)
    return out.astype(np.result_type(x, np.float32), copy=False)
'''),
    "normal_cdf": (("erfc",), '''
def normal_cdf(z):
    """Phi(z), the standard normal distribution function."""
    # erfc(-z / sqrt 2) / 2 keeps full relative accuracy in the lower tail, unlike 1 + erf
    return 0.5 * erfc(z * -0.7071067811865476)
'''),
    "normal_pdf": ((), '''
def normal_pdf(z):
    """phi(z), the standard normal density."""
    return np.exp(z * z * -0.5) * 0.3989422804014327
'''),
    "gelu": (("normal_cdf",), '''
def gelu(z):
    """Exact GELU, z * Phi(z)."""
    return z * normal_cdf(z)
'''),
    "gelu_tanh": ((), '''
def gelu_tanh(z):
    """The tanh approximation of GELU."""
    return 0.5 * z * (1 + np.tanh(0.7978845608028654 * (z + 0.044715 * z**3)))
'''),
    "softmax": ((), '''
def softmax(z, out=None, log_out=None):
    """Softmax of each row (sample); with log_out, also its log from the same exponential."""
    # shifting by the row maximum leaves softmax unchanged and keeps exp from overflowing; the
    # log-probabilities z - max - log(sum) stay finite where a probability underflows to 0
    s = np.subtract(z, z.max(axis=1, keepdims=True), out=log_out)
    e = np.exp(s, out=out)
    total = e.sum(axis=1, keepdims=True)
    e /= total
    if log_out is not None:
        log_out -= np.log(total, out=total)
    return e
'''),
    "log_softmax": ((), '''
def log_softmax(z):
    """log(softmax(z)) of each row, computed as z - logsumexp(z)."""
    # from the logits, a probability that underflows to 0 still has a finite log
    s = z - z.max(axis=1, keepdims=True)
    s -= np.log(np.exp(s).sum(axis=1, keepdims=True))
    return s
'''),
    "logsumexp": ((), '''
def logsumexp(z):
    """log(sum(exp(z))) of each row, as a column, shifted by the row maximum to avoid overflow."""
    m = z.max(axis=1, keepdims=True)
    return m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))
'''),
    "log1m_softmax": (("logsumexp",), '''
def log1m_softmax(z):
    """log(1 - softmax(z)) of each row: log of the total probability of the other classes."""
    # 1 - softmax(z)_j = sum over k != j of exp(z_k - logsumexp(z)); summing the other classes
    # directly never rounds 1 - a to 0, as 1 - softmax(z) does where a probability saturates
    n = z.shape[1]
    others = np.where(np.eye(n, dtype=bool), -np.inf, z[:, None, :])  # [:, j]: z without z_j
    m = others.max(axis=2, keepdims=True)  # each sum shifted by its own largest term
    others -= m
    np.exp(others, out=others)
    return m[:, :, 0] + np.log(others.sum(axis=2)) - logsumexp(z)
'''),
    "softmax_bce_delta": ((), '''
def softmax_bce_delta(a, y, log_a, log1m_a):
    """bce's output error term on softmax outputs, as the engine derived it, without 0/0."""
    # The engine's form g - (g 1) a with g_j = (a_j - y_j) / (1 - a_j) divides by 1 - a_j, which
    # rounds to 0 where a probability saturates. Its i-th entry equals (a_i - y_i) minus the sum
    # over j != i of a_i / (1 - a_j) * (a_j - y_j): the i = j terms cancel exactly, and each
    # remaining ratio is at most 1, computed from the logits.
    d = a - y
    r = log_a[:, :, None] - log1m_a[:, None, :]
    n = a.shape[1]
    r[:, np.arange(n), np.arange(n)] = -np.inf
    np.exp(r, out=r)
    return d - np.einsum("nij,nj->ni", r, d)
'''),
    "safe_log": ((), '''
def safe_log(u):
    """log(u) with u clipped to the smallest positive normal number."""
    # for a probability of exactly 0 the loss is huge but finite instead of inf or nan
    return np.log(np.maximum(u, np.finfo(u.dtype).tiny))
'''),
    "one_hot": ((), '''
def one_hot(labels, n_classes, dtype):
    """One-hot rows for integer class indices (sparse_cce targets)."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(f"class indices must be (N,) integers, got {labels.dtype} {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        # a negative index would silently pick a class from the end
        raise ValueError(f"class indices must lie in 0..{n_classes - 1}")
    out = np.zeros((labels.shape[0], n_classes), dtype=dtype)
    out[np.arange(labels.shape[0]), labels] = 1
    return out
'''),
}


def helper_blocks(used, table=None) -> list[list[str]]:
    """The source lines of every helper in used plus their dependencies, in the table's order."""
    table = HELPERS if table is None else table
    need: set[str] = set()
    todo = list(used)
    while todo:
        name = todo.pop()
        if name in need:
            continue
        if name not in table:
            raise CodegenError(f"no helper defines {name!r}")
        need.add(name)
        todo.extend(table[name][0])
    return [table[n][1].strip("\n").split("\n") for n in table if n in need]


class CommentPrinter(sp.StrPrinter):
    """Plain-text math for code comments: delta2^T A1, A1 ⊙ (1 - A1), sigmoid(Z1)."""

    def _print_MatrixSymbol(self, expr):
        return expr.name.replace("dL_d", "dL/d")

    def _print_Transpose(self, expr):
        inner = self._print(expr.arg)
        return f"{inner}^T" if isinstance(expr.arg, MatrixSymbol) else f"({inner})^T"

    def _print_OneMatrix(self, expr):
        return "1"

    def _print_MatMul(self, expr):
        coeff, mats = expr.as_coeff_matrices()
        if all(isinstance(m, OneMatrix) for m in mats):
            return self._print(coeff)  # c times the all-ones matrix: the constant c, as in the code
        parts = [self._wrap(m) for m in mats]
        head = "" if coeff == 1 else ("-" if coeff == -1 else f"{self._print(coeff)} ")
        return head + " ".join(parts)

    def _print_Piecewise(self, expr):
        *branches, (last, _) = expr.args
        text = self._print(last)
        for value, cond in reversed(branches):
            text = f"where({self._print(cond)}, {self._print(value)}, {text})"
        return text

    def _print_HadamardProduct(self, expr):
        return " ⊙ ".join(self._wrap(a) for a in expr.args)

    def _print_HadamardPower(self, expr):
        return f"{self._wrap(expr.base)}^{self._print(expr.exp)}"

    def _print_MatAdd(self, expr):
        terms = sorted(expr.args, key=_is_negative)
        out = ""
        for i, t in enumerate(terms):
            if _is_negative(t):
                body = self._wrap(-t) if isinstance(-t, MatAdd) else self._print(-t)
                out = f"-{body}" if i == 0 else f"{out} - {body}"
            else:
                out = self._print(t) if i == 0 else f"{out} + {self._print(t)}"
        return out

    def _wrap(self, e):
        text = self._print(e)
        return f"({text})" if isinstance(e, (MatAdd, HadamardProduct, MatMul)) or (
            isinstance(e, Elementwise) and not isinstance(e.lam.expr, sp.Function)) else text

    def _print_Elementwise(self, expr):
        return self._print(expr.lam.expr.xreplace(
            {v: sp.Symbol(self._wrap(m)) for v, m in zip(expr.lam.variables, expr.mats)}))

    def _print_Function(self, expr):
        if isinstance(expr, Primitive):
            return self._print_Primitive(expr)
        return super()._print_Function(expr)

    def _print_Primitive(self, expr):
        n_in = len(expr.args) - expr.n_params
        name = expr.numpy_name.removeprefix("np.")
        return f"{name}({', '.join(self._print(a) for a in expr.args[:n_in])})"

    def _print_Softmax(self, expr):
        return f"softmax({self._print(expr.arg)})"
