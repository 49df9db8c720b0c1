"""A worked numeric example: one learning step computed exactly from the engine's equations, shown rounded."""

from __future__ import annotations

import math
import random
import tomllib
from dataclasses import dataclass
from pathlib import Path

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

from ..errors import NNDeriveError
from ..matrix import Elementwise, Softmax
from ..primitives import Primitive, SoftmaxEntry
from ..procedure import update_rule

MAX_WIDTH = 10  # beyond this the tables of numbers stop being readable
MAX_BATCH = 4
# Irrational intermediates are carried to this many significant digits: exact symbolic values
# grow without bound through tanh/GELU/softmax layers, and 60 digits leave every shown digit
# (at most 12 decimals) decided unless a value lies within 1e-45 of a rounding tie.
PRECISION = 60
# What the worked example rounds to the shown decimals before it is used again, and its name in the
# documents: the activation outputs (article 003: "Here we round the output value of the sigmoid function
# to 4 decimals"; every activation but the identity, which leaves its input as it is), every intermediate
# value, or nothing
ROUNDINGS = {"activations": "activation outputs rounded", "every": "every intermediate rounded", "none": "exact"}
DEFAULT_ROUNDING = "activations"


def other_readings(mode: str) -> list[str]:
    """The readings a worked example is compared with: the exact values first."""
    return [m for m in ("none", "activations", "every") if m != mode]


class ExampleError(NNDeriveError):
    """A worked-example file is unusable: the message names the file, the key and the problem."""


@dataclass(frozen=True)
class ExampleValues:
    """Concrete inputs for one learning step, column layout (one sample per column), exact."""

    x: sp.Matrix  # n_0 x N
    y: sp.Matrix  # n_L x N
    params: dict  # "W1" -> n_1 x n_0, "b1" -> n_1 x 1, ...
    alpha: sp.Rational
    source: str  # the file, or "random example (seed S)"
    rounding: str | None = None  # the file's `rounding` key (a key of ROUNDINGS), if it has one

    @property
    def batch(self) -> int:
        return self.x.shape[1]


@dataclass(frozen=True)
class Quantity:
    """One named matrix of the example (engine name: Z1, A1, delta1, dL_dW1, W1_new, loss)."""

    name: str
    exact: sp.Matrix  # its value under the example's rounding (exact arithmetic on the rounded inputs)
    shown: tuple[tuple[str, ...], ...]  # rounded entries as printed, row by row


@dataclass(frozen=True)
class RoundingChange:
    """A shown entry whose digits differ between the readings of rounding."""

    name: str
    row: int
    col: int
    readings: tuple[tuple[str, str], ...]  # (rounding, shown digits): the example's own first, then the others


@dataclass(frozen=True)
class WorkedExample:
    values: ExampleValues
    decimals: int
    forward: tuple[Quantity, ...]  # Z1, A1, Z2, A2, ...
    loss: Quantity
    backward: tuple[Quantity, ...]  # delta_L ... delta_1
    gradients: tuple[Quantity, ...]  # dL_dW_L, dL_db_L, ...
    updated: tuple[Quantity, ...]  # W1_new, b1_new, ...
    rounding: tuple[RoundingChange, ...]  # where another reading of rounding shows other digits
    mode: str = DEFAULT_ROUNDING  # how this example rounds (a key of ROUNDINGS)
    rounded_layers: tuple[int, ...] = ()  # layers whose activation outputs are rounded ("activations")


# ---------------------------------------------------------------------------------------------
# Reading and generating example values


def _number(where: str, key: str, v) -> sp.Rational:
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise ExampleError(f"{where}: key '{key}': expected a number, got {v!r}")
    if isinstance(v, float) and not math.isfinite(v):
        raise ExampleError(f"{where}: key '{key}': must be finite, got {v!r}")
    try:
        # repr of a float is its shortest decimal, so 0.1 becomes exactly 1/10
        return sp.Rational(repr(v) if isinstance(v, float) else v)
    except (TypeError, ValueError, SyntaxError):
        raise ExampleError(f"{where}: key '{key}': {v!r} is not a number (use 0.25 or \"1/4\")") from None


def _vector(where: str, key: str, v, n: int) -> list[sp.Rational]:
    if not isinstance(v, list) or len(v) != n:
        got = f"{len(v)} values" if isinstance(v, list) else repr(v)
        raise ExampleError(f"{where}: key '{key}': expected a list of {n} numbers, got {got}")
    return [_number(where, f"{key}[{i}]", e) for i, e in enumerate(v)]


def _samples(where: str, key: str, v, n: int) -> list[list]:
    """One sample (a flat list) or several (a list of lists), each of length n."""
    if isinstance(v, list) and v and all(isinstance(e, list) for e in v):
        if len(v) > MAX_BATCH:
            raise ExampleError(f"{where}: key '{key}': at most {MAX_BATCH} samples, got {len(v)}")
        return [_vector(where, f"{key}[{i}]", e, n) for i, e in enumerate(v)]
    return [_vector(where, key, v, n)]


def _targets(where: str, spec, v) -> list[list]:
    n = spec.layers[-1]
    kind = spec.loss_entry.targets
    if kind == "index":
        items = v if isinstance(v, list) else [v]
        rows = []
        for i, c in enumerate(items):
            if isinstance(c, bool) or not isinstance(c, int) or not 0 <= c < n:
                raise ExampleError(f"{where}: key 'y[{i}]': expected a class index 0..{n - 1}, got {c!r}")
            rows.append([sp.Integer(int(k == c)) for k in range(n)])
        return rows
    rows = _samples(where, "y", v, n)
    for r in rows:
        if kind in ("binary", "onehot") and any(not 0 <= e <= 1 for e in r):
            raise ExampleError(f"{where}: key 'y': targets of '{spec.loss}' must lie in [0, 1], got"
                               f" {[float(e) for e in r]}")
        if kind == "onehot" and sum(r) != 1:
            raise ExampleError(f"{where}: key 'y': targets of '{spec.loss}' must sum to 1 per sample"
                               f" (one-hot), got {[float(e) for e in r]}")
    return rows


def _check_size(spec, where: str) -> None:
    if max(spec.layers) > MAX_WIDTH:
        raise ExampleError(f"{where}: a worked example needs every layer to have at most {MAX_WIDTH}"
                           f" units (this network has {max(spec.layers)}); use a smaller spec")


def example_from_dict(doc: dict, spec, where: str) -> ExampleValues:
    """Validate a parsed example document against the spec's widths."""
    L = spec.depth
    allowed = ("description", "alpha", "rounding", "x", "y") + tuple(f"{p}{l}" for l in range(1, L + 1) for p in "Wb")
    if "network" in doc:
        raise ExampleError(f"{where}: not a worked-example file: this is a network spec ([network]); give it as"
                           " the SPEC argument and the example values (x, y, W1, b1, ...) with --example")
    for k in doc:
        if k not in allowed:
            raise ExampleError(f"{where}: key '{k}': unknown key (allowed: {', '.join(allowed)})")
    for k in allowed[3:]:
        if k not in doc:
            raise ExampleError(f"{where}: key '{k}': missing required key")
    rounding = doc.get("rounding")
    if rounding is not None and rounding not in ROUNDINGS:
        raise ExampleError(f"{where}: key 'rounding': expected one of {', '.join(ROUNDINGS)}, got {rounding!r}")
    _check_size(spec, where)
    xs = _samples(where, "x", doc["x"], spec.layers[0])
    ys = _targets(where, spec, doc["y"])
    if len(ys) != len(xs):
        raise ExampleError(f"{where}: key 'y': {len(ys)} target samples for {len(xs)} input samples")
    params = {}
    for l in range(1, L + 1):
        rows, cols = spec.layers[l], spec.layers[l - 1]
        w = doc[f"W{l}"]
        if not isinstance(w, list) or len(w) != rows:
            raise ExampleError(f"{where}: key 'W{l}': expected {rows} rows of {cols} numbers"
                               f" (shape n_{l} x n_{l - 1} = {rows} x {cols})")
        params[f"W{l}"] = sp.Matrix([_vector(where, f"W{l}[{i}]", r, cols) for i, r in enumerate(w)])
        params[f"b{l}"] = sp.Matrix(_vector(where, f"b{l}", doc[f"b{l}"], rows))
    alpha = doc.get("alpha", spec.training.learning_rate)
    alpha = _number(where, "alpha", alpha)
    if alpha <= 0:
        raise ExampleError(f"{where}: key 'alpha': must be > 0, got {alpha}")
    return ExampleValues(sp.Matrix(xs).T, sp.Matrix(ys).T, params, alpha, where, rounding)


def load_example(path: str | Path, spec) -> ExampleValues:
    """Read a TOML example file (keys x, y, W1, b1, ..., alpha); errors name file and key."""
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExampleError(f"{p}: file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ExampleError(f"{p}: cannot read: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ExampleError(f"{p}: malformed TOML: {e}") from None
    return example_from_dict(doc, spec, str(p))


def random_example(spec, seed: int) -> ExampleValues:
    """Small round values (tenths) so the reader can redo the arithmetic, one sample."""
    where = f"random example (seed {seed})"
    _check_size(spec, where)
    rng = random.Random(seed)

    def tenth(lo, hi):
        return sp.Rational(rng.randint(lo, hi), 10)

    params = {}
    for l in range(1, spec.depth + 1):
        rows, cols = spec.layers[l], spec.layers[l - 1]
        params[f"W{l}"] = sp.Matrix(rows, cols, lambda i, j: tenth(-9, 9))
        params[f"b{l}"] = sp.Matrix(rows, 1, lambda i, j: tenth(-5, 5))
    x = sp.Matrix(spec.layers[0], 1, lambda i, j: tenth(-10, 10))
    n = spec.layers[-1]
    kind = spec.loss_entry.targets
    if kind in ("onehot", "index"):
        c = rng.randrange(n)
        y = sp.Matrix(n, 1, lambda i, j: sp.Integer(int(i == c)))
    elif kind == "binary":
        y = sp.Matrix(n, 1, lambda i, j: sp.Integer(rng.randint(0, 1)))
    else:
        y = sp.Matrix(n, 1, lambda i, j: tenth(0, 10))
    alpha = sp.Rational(repr(float(spec.training.learning_rate)))
    return ExampleValues(x, y, params, alpha, where)


# ---------------------------------------------------------------------------------------------
# Exact evaluation of the engine's matrix equations


def _explicit(e):
    """Primitive applications to their closed forms (sigma(z) -> 1/(1+e^{-z})), innermost first."""
    if not isinstance(e, sp.Basic) or not e.has(Primitive):
        return e
    return e.replace(lambda f: isinstance(f, Primitive) and not isinstance(f, SoftmaxEntry),
                     lambda f: type(f).explicit(*f.args)).replace(
        lambda f: isinstance(f, SoftmaxEntry), lambda f: SoftmaxEntry.explicit(*f.args))


class _Evaluator:
    """Evaluates matrix expressions over concrete sp.Matrix values (exact entries)."""

    def __init__(self, env: dict, dims: dict):
        self.env = env
        self.dims = dims

    def n(self, s) -> int:
        return int(sp.sympify(s).xreplace(self.dims))

    def __call__(self, e) -> sp.Matrix:
        if isinstance(e, MatrixSymbol):
            return self.env[e.name]
        if isinstance(e, OneMatrix):
            return sp.ones(self.n(e.shape[0]), self.n(e.shape[1]))
        if isinstance(e, ZeroMatrix):
            return sp.zeros(self.n(e.shape[0]), self.n(e.shape[1]))
        if isinstance(e, Transpose):
            return self(e.arg).T
        if isinstance(e, MatAdd):
            out = self(e.args[0])
            for a in e.args[1:]:
                out = out + self(a)
            return out
        if isinstance(e, MatMul):
            scalar, mats = sp.Integer(1), []
            for a in e.args:
                if a.is_Matrix:
                    mats.append(self(a))
                else:
                    scalar *= a.xreplace(self.dims)
            out = mats[0]
            for m in mats[1:]:
                out = out * m
            return (out * scalar).applyfunc(sp.expand_mul) if scalar != 1 else out
        if isinstance(e, HadamardProduct):
            out = self(e.args[0])
            for a in e.args[1:]:
                out = out.multiply_elementwise(self(a))
            return out
        if isinstance(e, HadamardPower):
            return self(e.base).applyfunc(lambda v: v ** e.exp)
        if isinstance(e, Elementwise):
            mats = [self(m) for m in e.mats]
            r, c = mats[0].shape
            return sp.Matrix(r, c, lambda i, j: _explicit(e.lam(*[m[i, j] for m in mats])))
        if isinstance(e, Softmax):
            z = self(e.arg)
            out = sp.zeros(*z.shape)
            for i in range(z.shape[0]):
                for j in range(z.shape[1]):
                    if e.axis == 0:
                        out[i, j] = SoftmaxEntry.explicit(i, *[z[k, j] for k in range(z.shape[0])])
                    else:
                        out[i, j] = SoftmaxEntry.explicit(j, *[z[i, k] for k in range(z.shape[1])])
            return out
        if isinstance(e, sp.Expr) and not e.is_Matrix:  # pragma: no cover - a bare scalar
            return sp.Matrix([[e.xreplace(self.dims)]])
        raise TypeError(f"cannot evaluate {type(e).__name__}")

    def scalar(self, e, columns: dict) -> sp.Expr:
        """A scalar equation over Indexed entries [unit, sample] (the loss), sums expanded."""
        e = e.xreplace(self.dims).doit()

        def entry(ix):
            i, j = (int(k) - 1 for k in ix.indices)
            return columns[ix.base.name][i, j]

        return _explicit(e.replace(lambda t: isinstance(t, sp.Indexed), entry))


# ---------------------------------------------------------------------------------------------
# Rounding


def _settle(v):
    """Keep rational values exact; evaluate anything else to PRECISION digits."""
    v = sp.sympify(v)
    if v.is_Rational:
        return v
    f = sp.N(v, PRECISION)
    if not f.is_real or not f.is_finite:
        raise NNDeriveError(f"the worked example produced a value that is not a finite real number: {f}"
                            " (choose smaller inputs or weights)")
    return f


def round_value(e: sp.Expr, decimals: int) -> sp.Rational:
    """e rounded half away from zero to `decimals` places (exactly, for rational values)."""
    e = sp.sympify(e)
    q = e if e.is_Rational else sp.Rational(str(_settle(e)))
    scaled = abs(q) * 10 ** decimals
    n = sp.floor(scaled + sp.Rational(1, 2))
    return sp.Rational(int(n) * (1 if q >= 0 else -1), 10 ** decimals)


def fmt(q: sp.Rational, decimals: int) -> str:
    """A rounded value with exactly `decimals` places; no negative zero."""
    n = int(q * 10 ** decimals)
    sign = "-" if n < 0 else ""
    n = abs(n)
    whole, frac = divmod(n, 10 ** decimals)
    return f"{sign}{whole}.{frac:0{decimals}d}" if decimals else f"{sign}{whole}"


def _shown(m: sp.Matrix, decimals: int) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(fmt(round_value(m[i, j], decimals), decimals) for j in range(m.shape[1]))
                 for i in range(m.shape[0]))


# ---------------------------------------------------------------------------------------------


def rounded_layers(spec) -> tuple[int, ...]:
    """The layers whose activation outputs the "activations" reading rounds: all but the identity's."""
    return tuple(l for l in range(1, spec.depth + 1) if spec.activation(l).entry.func is not None)


def _run(d, ex: ExampleValues, round_to: int, mode: str = "every", batch_error_terms: bool = False
         ) -> dict[str, sp.Matrix]:
    """Evaluate forward, loss, backward, gradients and the update, rounding to round_to decimals what
    the reading `mode` rounds (ROUNDINGS) as soon as it is computed. ``batch_error_terms``: the error
    terms shown are the derivatives of the batch loss (the engine's per-sample ones times the loss's
    1/N), as a notation that writes them d loss / dz states them; the gradients are the same."""
    row = d.layout == "row"
    dims = {dim: w for dim, w in zip(d.dims, d.spec.layers)}
    dims[d.batch] = ex.batch

    def inside(m):  # column-layout example values -> the engine's layout
        return m.T if row else m

    env = {"X": inside(ex.x), "Y": inside(ex.y), "A0": inside(ex.x)}
    env.update(ex.params)
    ev = _Evaluator(env, dims)

    acts = {f"A{l}" for l in rounded_layers(d.spec)}

    def rnd(m, name=""):
        m = m.applyfunc(_settle)
        if mode == "every" or (mode == "activations" and name in acts):
            return m.applyfunc(lambda v: round_value(v, round_to))
        return m

    out: dict[str, sp.Matrix] = {}
    share = sp.sympify(d.reduction).xreplace({d.batch: ex.batch}) if batch_error_terms else 1
    for eq in d.forward + d.backward + d.gradients:
        env[eq.lhs.name] = rnd(ev(eq.rhs), eq.lhs.name)
        if eq in d.backward and share != 1:
            shown = rnd(env[eq.lhs.name] * share)
            out[eq.lhs.name] = shown.T if row else shown
        elif eq in d.forward or eq in d.backward:
            out[eq.lhs.name] = env[eq.lhs.name].T if row else env[eq.lhs.name]
        else:
            out[eq.lhs.name] = env[eq.lhs.name]
    loss = ev.scalar(d.loss.rhs, {**out, "Y": ex.y, "X": ex.x})
    out["loss"] = rnd(sp.Matrix([[loss]]))
    # the update the generated code and the trainer take: derive.procedure's rule, exactly
    rule = update_rule(d.spec)
    step = rule.exact_step(ex.alpha, ex.batch)
    for param, grad in rule.params:
        out[f"{param}_new"] = rnd(ex.params[param] - out[grad] * step)
    return out


def compute(d, ex: ExampleValues, decimals: int = 4, rounding: str | None = None,
            batch_error_terms: bool = False) -> WorkedExample:
    """The example's every value under its reading of rounding (the argument, else the example
    file's `rounding` key, else article 003's: the activation outputs), plus every shown digit
    that another reading would change (``batch_error_terms``: see ``_run``)."""
    if not 0 <= decimals <= 12:
        raise NNDeriveError(f"--decimals must be between 0 and 12, got {decimals}")
    mode = rounding or ex.rounding or DEFAULT_ROUNDING
    if mode not in ROUNDINGS:
        raise NNDeriveError(f"unknown rounding '{mode}' (choose one of: {', '.join(ROUNDINGS)})")
    modes = [mode] + other_readings(mode)
    runs = {m: _run(d, ex, decimals, m, batch_error_terms) for m in modes}
    own = runs[mode]
    L = d.spec.depth

    def q(name):
        return Quantity(name, own[name], _shown(own[name], decimals))

    fwd = tuple(q(n) for l in range(1, L + 1) for n in (f"Z{l}", f"A{l}"))
    back = tuple(q(f"delta{l}") for l in range(L, 0, -1))
    grads = tuple(q(f"dL_d{p}{l}") for l in range(L, 0, -1) for p in "Wb")
    upd = tuple(q(f"{p}{l}_new") for l in range(1, L + 1) for p in "Wb")
    changes = []
    for quantity in fwd + (q("loss"),) + back + grads + upd:
        shown = {m: _shown(runs[m][quantity.name], decimals) for m in modes}
        for i, row in enumerate(quantity.shown):
            for j in range(len(row)):
                readings = tuple((m, shown[m][i][j]) for m in modes)
                if len({r for _, r in readings}) > 1:
                    changes.append(RoundingChange(quantity.name, i, j, readings))
    return WorkedExample(ex, decimals, fwd, q("loss"), back, grads, upd, tuple(changes), mode,
                         rounded_layers(d.spec) if mode == "activations" else ())
