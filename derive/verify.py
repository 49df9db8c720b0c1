"""Proofs that derived gradients are right: exact comparison with SymPy's direct differentiation.

For each witness instance (small, non-square widths, batch >= 2) we build the fully nested scalar
loss L(X, Y, W, b) -- every weight a Symbol -- differentiate it with ``sympy.diff`` for every
parameter, and compare with the engine's matrix and element-wise equations, both evaluated in
exact rational arithmetic at random rational points. Transcendental values (sigma(3/7), log,
exp, ...) are treated as independent random rationals shared by both sides, so equality is an
identity of the chain-rule algebra given each primitive's fdiff; ``prove_primitive`` proves each
fdiff against the primitive's closed form, which closes the argument.
"""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import numpy as np
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

from .errors import VerificationError
from .matrix import Elementwise, Softmax
from .primitives import (
    ELU,
    LeakyReLU,
    Primitive,
    ReLU,
    SoftmaxEntry,
    Step,
    loss_entry,
    prove_primitive,
    softmax_vector,
)

# -- exact scalar evaluation ------------------------------------------------------------------


class ExactEvaluator:
    """Evaluates SymPy scalars to Fractions; transcendental values become shared random atoms."""

    def __init__(self, seed: int):
        self.seed = seed
        self.memo: dict = {}
        self.env: dict = {}

    def atom(self, *key) -> Fraction:
        h = hashlib.sha256(repr((self.seed,) + key).encode()).digest()
        v = int.from_bytes(h[:8], "big")
        return Fraction(1 + v % 9973, 9974)  # strictly inside (0, 1), like a probability

    def __call__(self, e) -> Fraction:
        try:
            return self.memo[e]
        except KeyError:
            pass
        v = self._eval(e)
        self.memo[e] = v
        return v

    def _eval(self, e):
        if isinstance(e, sp.Rational):
            return Fraction(int(e.p), int(e.q))
        if e in self.env:
            return self.env[e]
        if isinstance(e, sp.Add):
            return sum((self(a) for a in e.args), Fraction(0))
        if isinstance(e, sp.Mul):
            out = Fraction(1)
            for a in e.args:
                out *= self(a)
            return out
        if isinstance(e, sp.Pow):
            if e.exp.is_Integer:
                return self(e.base) ** int(e.exp)
            return self.atom("pow", self(e.base), self(e.exp))
        if isinstance(e, sp.Piecewise):
            for expr, cond in e.args:
                if self.truth(cond):
                    return self(expr)
            raise VerificationError(f"no branch of {e} applies")
        if isinstance(e, sp.KroneckerDelta):
            return Fraction(int(self(e.args[0]) == self(e.args[1])))
        if isinstance(e, (ReLU, LeakyReLU, Step)):
            z = self(e.args[0])
            if isinstance(e, ReLU):
                return z if z > 0 else Fraction(0)
            if isinstance(e, LeakyReLU):
                return z if z > 0 else self(e.args[1]) * z
            return Fraction(1) if z > 0 else (Fraction(0) if z < 0 else self(e.args[1]))
        if isinstance(e, ELU):
            z = self(e.args[0])
            return z if z > 0 else -self(e.args[1]) * self.atom("ELU-", z)
        if isinstance(e, SoftmaxEntry):
            k = int(e.args[0])
            ex = [self.atom("exp", self(z)) for z in e.args[1:]]
            return ex[k] / sum(ex)
        if isinstance(e, (Primitive, sp.Function)):
            return self.atom(type(e).__name__, *[self(a) for a in e.args])
        if isinstance(e, sp.NumberSymbol):
            return self.atom(str(e))
        if isinstance(e, sp.Sum):
            return self._sum(e)
        if isinstance(e, sp.Indexed):
            base = self.env[e.base.label]
            return base[tuple(int(self(i)) - 1 for i in e.indices)]
        raise VerificationError(f"cannot evaluate {type(e).__name__}: {e}")

    # matrix backend used by mat_eval
    def ones(self, shape):
        return np.full(shape, Fraction(1), dtype=object)

    def scalar(self, e):
        return self(e)

    def elementwise(self, lam, arrays):
        out = np.empty(arrays[0].shape, dtype=object)
        for idx in np.ndindex(out.shape):
            out[idx] = self(lam.expr.xreplace({v: sp.Rational(a[idx].numerator, a[idx].denominator)
                                               for v, a in zip(lam.variables, arrays)}))
        return out

    def softmax(self, z, axis):
        ex = np.vectorize(lambda x: self.atom("exp", x), otypes=[object])(z)
        return ex / ex.sum(axis=axis, keepdims=True)

    def truth(self, cond) -> bool:
        if cond in (sp.true, True):
            return True
        if cond in (sp.false, False):
            return False
        if isinstance(cond, sp.StrictGreaterThan):
            return self(cond.lhs) > self(cond.rhs)
        if isinstance(cond, sp.StrictLessThan):
            return self(cond.lhs) < self(cond.rhs)
        if isinstance(cond, sp.GreaterThan):
            return self(cond.lhs) >= self(cond.rhs)
        if isinstance(cond, sp.LessThan):
            return self(cond.lhs) <= self(cond.rhs)
        if isinstance(cond, sp.Eq):
            return self(cond.lhs) == self(cond.rhs)
        raise VerificationError(f"cannot decide condition {cond}")

    def _sum(self, e: sp.Sum):
        body, limits = e.function, e.limits
        (var, lo, hi), rest = limits[0], limits[1:]
        inner = sp.Sum(body, *rest) if rest else body
        total = Fraction(0)
        for v in range(int(self(lo)), int(self(hi)) + 1):
            self.env[var] = Fraction(v)
            self.memo = {k: x for k, x in self.memo.items() if not k.has(var)} if self.memo else {}
            total += self(inner)
        self.env.pop(var, None)
        self.memo = {k: x for k, x in self.memo.items() if not k.has(var)}
        return total


# -- exact matrix evaluation of the engine's equations ------------------------------------------


def mat_eval(e, env: dict, ev) -> np.ndarray:
    """Evaluate a matrix expression with concrete shapes; ``ev`` supplies the scalar arithmetic.

    ``ev`` is an ExactEvaluator (object arrays of Fractions) or a FloatEvaluator (float arrays):
    both provide ones(shape), scalar(expr), elementwise(lam, arrays) and softmax(z, axis).
    """
    if isinstance(e, MatrixSymbol):
        return env[e.name]
    if isinstance(e, MatAdd):
        out = None
        for a in e.args:
            v = mat_eval(a, env, ev)
            out = v if out is None else out + v
        return out
    if isinstance(e, MatMul):
        coeff, mats = e.as_coeff_matrices()
        out = mat_eval(mats[0], env, ev)
        for m in mats[1:]:
            out = out @ mat_eval(m, env, ev)
        return out * ev.scalar(coeff) if coeff != 1 else out
    if isinstance(e, HadamardProduct):
        out = mat_eval(e.args[0], env, ev)
        for m in e.args[1:]:
            out = out * mat_eval(m, env, ev)
        return out
    if isinstance(e, HadamardPower):
        return mat_eval(e.base, env, ev) ** int(e.exp)
    if isinstance(e, Transpose):
        return mat_eval(e.arg, env, ev).T
    if isinstance(e, OneMatrix):
        return ev.ones((int(e.shape[0]), int(e.shape[1])))
    if isinstance(e, ZeroMatrix):
        return ev.ones((int(e.shape[0]), int(e.shape[1]))) * 0
    if isinstance(e, Elementwise):
        return ev.elementwise(e.lam, [mat_eval(m, env, ev) for m in e.mats])
    if isinstance(e, Softmax):
        return ev.softmax(mat_eval(e.arg, env, ev), e.axis)
    if isinstance(e, sp.Expr) and not isinstance(e, sp.MatrixExpr):
        return ev.scalar(e)
    raise VerificationError(f"cannot evaluate matrix expression {type(e).__name__}: {e}")


# -- witnesses and the nested loss ------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """How a derivation was proven: primitives, witnesses, points, entries and time."""

    method: str
    primitive_proofs: tuple[tuple[str, str], ...]
    witnesses: tuple[tuple[tuple[int, ...], int], ...]  # (widths, batch size)
    points: int
    entries: int
    seconds: float

    def summary(self) -> str:
        ws = ", ".join("-".join(map(str, w)) + f" (N={n})" for w, n in self.witnesses)
        return (f"{self.method}; {self.entries} gradient entries matched exactly on witnesses {ws},"
                f" {self.points} random rational point(s) each")


WITNESS_PATHS = 16  # cap on the product of witness widths: direct differentiation is exponential in depth


def witness_widths(spec) -> list[tuple[tuple[int, ...], int]]:
    """Small, non-square instances of the spec's architecture (same depth, activations, loss).

    Two instances with alternating widths (2,3,2,... and 3,2,3,...), so every weight matrix is
    non-square and every layer has width >= 2 somewhere (diagonal and off-diagonal Jacobian
    entries); for deep networks the widths are trimmed to 1 from the back in one instance and
    from the front in the other, so the nested expression stays small while every layer still
    appears wide in at least one of them. The spec's own widths are added when they are small.
    """
    from .primitives import activation_entry

    L = spec.depth
    minw = [1] + [2 if activation_entry(a.name).vector_valued else 1 for a in spec.activations]
    minw[-1] = max(minw[-1], loss_entry(spec.loss).min_outputs)
    out = []
    for start, batch, order in ((2, 2, range(L, -1, -1)), (3, 3, range(L + 1))):
        w = [max(m, start + (l % 2) if start == 2 else start - (l % 2)) for l, m in enumerate(minw)]
        for l in order:
            if int(np.prod(w)) <= WITNESS_PATHS:
                break
            w[l] = minw[l]
        out.append((tuple(w), batch))
    own = tuple(spec.layers)
    if int(np.prod(own)) <= WITNESS_PATHS and all(x <= 4 for x in own) and (own, 2) not in out:
        out.append((own, 2))
    return out


def _rand_rational(rng: random.Random) -> sp.Rational:
    # avoid 0 so that kinks (ReLU at 0) are not hit by chance; signs vary
    num = rng.choice([i for i in range(-9, 10) if i != 0])
    return sp.Rational(num, rng.randint(2, 7))


def _targets(spec, rng: random.Random, n_out: int, batch: int):
    kind = loss_entry(spec.loss).targets
    Y = np.empty((n_out, batch), dtype=object)
    for n in range(batch):
        if kind in ("onehot", "index"):
            c = rng.randrange(n_out)
            for i in range(n_out):
                Y[i, n] = sp.Integer(int(i == c))
        elif kind == "binary":
            for i in range(n_out):
                Y[i, n] = sp.Rational(rng.randint(0, 4), 4)
        else:
            for i in range(n_out):
                Y[i, n] = _rand_rational(rng)
    return Y


def nested_loss(spec, widths, batch):
    """The fully nested scalar loss over Symbol weights; returns (L, symbols by name)."""
    from .engine import _entry, activation_of

    L = len(widths) - 1
    syms: dict[str, np.ndarray] = {}
    X = np.array([[sp.Symbol(f"x_{k}_{n}", real=True) for n in range(batch)]
                  for k in range(widths[0])], dtype=object)
    Y = np.array([[sp.Symbol(f"y_{i}_{n}", real=True) for n in range(batch)]
                  for i in range(widths[L])], dtype=object)
    syms["X"], syms["Y"] = X, Y
    a = X
    for l in range(1, L + 1):
        W = np.array([[sp.Symbol(f"w{l}_{j}_{k}", real=True) for k in range(widths[l - 1])]
                      for j in range(widths[l])], dtype=object)
        b = np.array([[sp.Symbol(f"b{l}_{j}", real=True)] for j in range(widths[l])], dtype=object)
        syms[f"W{l}"], syms[f"b{l}"] = W, b
        z = np.empty((widths[l], batch), dtype=object)
        for j in range(widths[l]):
            for n in range(batch):
                z[j, n] = sp.Add(*[W[j, k] * a[k, n] for k in range(widths[l - 1])]) + b[j, 0]
        new = np.empty_like(z)
        if _entry(spec, l).vector_valued:
            for n in range(batch):
                col = softmax_vector(list(z[:, n]))
                for j in range(widths[l]):
                    new[j, n] = col[j]
        else:
            for idx in np.ndindex(z.shape):
                new[idx] = activation_of(spec, l, z[idx])
        a = new
    lentry = loss_entry(spec.loss)
    total = sp.Add(*[lentry.sample_loss(list(a[:, n]), list(Y[:, n])) for n in range(batch)])
    if spec.conventions.batch == "mean":
        total = total / batch
    return total, syms


# -- the proof ----------------------------------------------------------------------------------


@cache
def _primitive_proof(name: str, params: tuple) -> str:
    from .primitives import activation_entry

    entry = activation_entry(name)
    args = {"relu": (0,), "leaky_relu": (sp.nsimplify(dict(params).get("slope", 0.01)), 0),
            "elu": (sp.nsimplify(dict(params).get("alpha", 1.0)),)}.get(name, ())
    try:
        return prove_primitive(entry.func, args)
    except AssertionError as e:
        raise VerificationError(f"activation '{name}': {e}") from None


def verify_derivation(d, points: int = 1, seed: int = 20261122) -> Verification:
    """Check every gradient of d against direct differentiation on witness instances."""
    t0 = time.perf_counter()
    spec = d.spec
    proofs = []
    for act in sorted({(a.name, a.params) for a in spec.activations}):
        if act[0] != "linear":
            proofs.append((act[0], _primitive_proof(*act)))
    entries = 0
    rng = random.Random(seed)
    witnesses = witness_widths(spec)
    for widths, batch in witnesses:
        wspec = spec.with_widths(widths)
        loss, syms = nested_loss(wspec, widths, batch)
        params = [n for n in syms if n not in ("X", "Y")]
        grads = {p: _diff_all(loss, syms[p]) for p in params}
        for _ in range(points):
            ev = ExactEvaluator(rng.randrange(1 << 30))
            values = {}
            for name, arr in syms.items():
                if name == "Y":
                    vals = _targets(spec, rng, widths[-1], batch)
                else:
                    vals = np.vectorize(lambda _: _rand_rational(rng), otypes=[object])(arr)
                values[name] = vals
                for idx in np.ndindex(arr.shape):
                    ev.env[arr[idx]] = Fraction(int(vals[idx].p), int(vals[idx].q))
            direct = {p: np.vectorize(ev, otypes=[object])(g) for p, g in grads.items()}
            entries += _compare_matrix(d, widths, batch, values, ev, direct)
            _compare_elementwise(d, widths, batch, values, ev, direct)
    return Verification(
        method="exact rational comparison with sympy.diff of the fully nested loss",
        primitive_proofs=tuple(proofs), witnesses=tuple((tuple(w), b) for w, b in witnesses),
        points=points, entries=entries, seconds=time.perf_counter() - t0)


def _diff_all(loss, symbols: np.ndarray) -> np.ndarray:
    out = np.empty(symbols.shape, dtype=object)
    for idx in np.ndindex(symbols.shape):
        out[idx] = sp.diff(loss, symbols[idx])
    return out


def _frac(arr):
    return np.vectorize(lambda v: Fraction(int(v.p), int(v.q)), otypes=[object])(arr)


def _concrete(expr, d, widths, batch):
    sub = {dim: w for dim, w in zip(d.dims, widths)}
    sub[d.batch] = batch
    return expr.xreplace({k: sp.Integer(v) for k, v in sub.items()})


def _compare_matrix(d, widths, batch, values, ev, direct) -> int:
    col = d.layout == "column"
    env = {}
    for name, vals in values.items():
        f = _frac(vals)
        env[name] = f if col or name.startswith(("W", "b")) else f.T
    env["A0"] = env["X"]
    for eq in d.forward + d.backward + d.gradients:
        try:
            env[eq.lhs.name] = mat_eval(_concrete(eq.rhs, d, widths, batch), env, ev)
        except (ValueError, TypeError, KeyError, IndexError) as e:
            raise VerificationError(f"equation {eq.name} cannot be evaluated on witness widths"
                                    f" {widths} (shapes do not match): {e}") from None
    n = 0
    for l in range(1, d.spec.depth + 1):
        for p, g in ((f"W{l}", f"dL_dW{l}"), (f"b{l}", f"dL_db{l}")):
            mine = env[g]
            if mine.shape != direct[p].shape or not (mine == direct[p]).all():
                raise VerificationError(
                    f"matrix-form gradient {g} disagrees with direct differentiation on witness"
                    f" widths {widths}, batch {batch}")
            n += mine.size
    return n


def _compare_elementwise(d, widths, batch, values, ev, direct) -> None:
    from .engine import NI, I, J, K

    env_arrays = {name: _frac(v)[:, 0] if name.startswith("b") else _frac(v)
                  for name, v in values.items()}
    env_arrays["A0"] = env_arrays["X"]
    # forward values and deltas computed from the element-wise equations themselves
    sub = {dim: sp.Integer(w) for dim, w in zip(d.dims, widths)}
    sub[d.batch] = sp.Integer(batch)
    def bind(name, arr):
        ev.env[sp.IndexedBase(name, real=True).label] = arr

    for name, arr in env_arrays.items():
        bind(name, arr)
    for eq in d.elementwise:
        rhs = eq.rhs.xreplace(sub)
        if eq.name.startswith(("elem_z", "elem_a", "elem_delta")):
            name = eq.lhs.base.label.name
            shape = (widths[int(name.lstrip("ZAdelta") or 0)], batch)
            arr = np.empty(shape, dtype=object)
            for j in range(shape[0]):
                for n in range(shape[1]):
                    ev.env[J], ev.env[NI] = Fraction(j + 1), Fraction(n + 1)
                    ev.memo = {}
                    arr[j, n] = ev(rhs)
            bind(name, arr)
        else:
            p = "W" + eq.name.split("W")[1] if "grad_W" in eq.name else "b" + eq.name.split("_b")[1]
            target = direct[p]
            for idx in np.ndindex(target.shape):
                ev.env[J] = Fraction(idx[0] + 1)
                ev.env[K] = Fraction(idx[1] + 1) if p.startswith("W") else Fraction(1)
                ev.memo = {}
                if ev(rhs) != target[idx]:
                    raise VerificationError(
                        f"element-wise gradient of {p}{list(i + 1 for i in idx)} disagrees with"
                        f" direct differentiation on witness widths {widths}, batch {batch}")
    for v in (I, J, K, NI):
        ev.env.pop(v, None)
