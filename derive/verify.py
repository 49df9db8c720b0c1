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

import random
import time
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import numpy as np
import sympy as sp

from .engine import NI, I, J, K
from .errors import VerificationError
from .evaluate import ExactEvaluator, mat_eval
from .primitives import activation_entry, prove_primitive, softmax_vector

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


DIRECTIONS = 1  # random directions per witness for the all-entries-at-once check
WITNESS_PATHS = 36  # cap on the product of a whole-network witness's widths (direct diff is exponential)


def witness_widths(spec) -> list[tuple[tuple[int, ...], int]]:
    """Small instances of the spec's architecture (same depth, activations, loss) to prove on.

    - whole-network instances with alternating widths 2,3,2,... and 3,2,3,... where affordable;
    - for every hidden layer l, an instance with layers l-1, l, l+1 at widths 2, 3, 2 and the
      rest of the network at its narrowest: W^l and W^{l+1} are non-square (a misplaced
      transpose cannot even be evaluated), and the sums over layer l and over its successor
      have several paths;
    - the narrowest instance (width 1 wherever the activation and loss allow);
    - the spec's own widths when they are small.
    Batch sizes alternate between 2 and 3.
    """
    L = spec.depth
    minw = [1] + [2 if a.vector_valued else 1 for a in spec.activations]
    minw[-1] = max(minw[-1], spec.loss_entry.min_outputs)
    out: list[tuple[tuple[int, ...], int]] = []

    def add(widths, batch):
        w = tuple(max(a, m) for a, m in zip(widths, minw))
        if w not in [o[0] for o in out]:
            out.append((w, batch))

    for first, batch in ((2, 2), (3, 3)):
        w = [first + (l % 2) if first == 2 else first - (l % 2) for l in range(L + 1)]
        if int(np.prod([max(a, m) for a, m in zip(w, minw)])) <= WITNESS_PATHS:
            add(w, batch)
    for l in range(1, L):
        w = [1] * (L + 1)
        w[l - 1], w[l], w[l + 1] = 2, 3, 2
        add(w, 2 + (l % 2))
    add([1] * (L + 1), 2)
    own = tuple(spec.layers)
    if int(np.prod(own)) <= WITNESS_PATHS and all(x <= 4 for x in own):
        add(own, 2)
    return out


def _rand_rational(rng: random.Random) -> sp.Rational:
    # avoid 0 so that kinks (ReLU at 0) are not hit by chance; signs vary
    num = rng.choice([i for i in range(-9, 10) if i != 0])
    return sp.Rational(num, rng.randint(2, 7))


def _targets(spec, rng: random.Random, n_out: int, batch: int):
    kind = spec.loss_entry.targets
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


def leaf_symbols(widths, batch) -> dict[str, np.ndarray]:
    """A Symbol for every input, target, weight and bias of a network with these widths."""
    L = len(widths) - 1
    leaves = {
        "X": np.array([[sp.Symbol(f"x_{k}_{n}", real=True) for n in range(batch)]
                       for k in range(widths[0])], dtype=object),
        "Y": np.array([[sp.Symbol(f"y_{i}_{n}", real=True) for n in range(batch)]
                       for i in range(widths[L])], dtype=object),
    }
    for l in range(1, L + 1):
        leaves[f"W{l}"] = np.array([[sp.Symbol(f"w{l}_{j}_{k}", real=True) for k in range(widths[l - 1])]
                                    for j in range(widths[l])], dtype=object)
        leaves[f"b{l}"] = np.array([[sp.Symbol(f"b{l}_{j}", real=True)] for j in range(widths[l])],
                                   dtype=object)
    return leaves


def nested_loss(spec, widths, batch, leaves: dict[str, np.ndarray] | None = None):
    """The fully nested scalar loss; returns (L, leaves by name).

    ``leaves`` gives every input, target, weight and bias (Symbols by default, or numbers with
    some Symbols among them); the loss is built from them by the forward pass, unit by unit.
    """
    L = len(widths) - 1
    leaves = leaf_symbols(widths, batch) if leaves is None else leaves
    a = leaves["X"]
    for l in range(1, L + 1):
        W, b = leaves[f"W{l}"], leaves[f"b{l}"]
        z = np.empty((widths[l], batch), dtype=object)
        for j in range(widths[l]):
            for n in range(batch):
                z[j, n] = sp.Add(*[W[j, k] * a[k, n] for k in range(widths[l - 1])]) + b[j, 0]
        new = np.empty_like(z)
        if spec.activation(l).vector_valued:
            for n in range(batch):
                col = softmax_vector(list(z[:, n]))
                for j in range(widths[l]):
                    new[j, n] = col[j]
        else:
            for idx in np.ndindex(z.shape):
                new[idx] = spec.activation(l).apply(z[idx])
        a = new
    lentry = spec.loss_entry
    Y = leaves["Y"]
    total = sp.Add(*[lentry.sample_loss(list(a[:, n]), list(Y[:, n])) for n in range(batch)])
    if spec.conventions.batch == "mean":
        total = total / batch
    return total, leaves


def direct_gradients(spec, widths, batch, values: dict[str, np.ndarray], ev) -> dict[str, np.ndarray]:
    """Every partial derivative of the nested loss at ``values``, by sympy.diff, evaluated exactly.

    For each parameter p, the nested loss is built with p a Symbol and every other leaf at its
    value, differentiated with sympy.diff, and evaluated at p's value: the partial derivative
    of L along p is the ordinary derivative of L restricted to that line. Building one
    expression per parameter keeps every expression linear in the network's size, where the
    all-Symbol loss grows with the number of paths and sympy.diff with the square of depth.
    """
    t = sp.Symbol("t_param", real=True)
    out = {}
    for name, vals in values.items():
        if name in ("X", "Y"):
            continue
        grad = np.empty(vals.shape, dtype=object)
        for idx in np.ndindex(vals.shape):
            leaves = dict(values)
            leaves[name] = vals.copy()
            leaves[name][idx] = t
            loss, _ = nested_loss(spec, widths, batch, leaves)
            ev.env[t] = Fraction(int(vals[idx].p), int(vals[idx].q))
            ev.memo = {}
            grad[idx] = ev(sp.diff(loss, t))
        out[name] = grad
    ev.env.pop(t, None)
    ev.memo = {}
    return out


def directional_derivative(spec, widths, batch, values, direction, ev) -> Fraction:
    """d/dt L(values + t * direction) at t = 0, by sympy.diff of the nested loss, exactly.

    This equals sum_p direction[p] * dL/dp. With random rational directions, a gradient that
    is wrong in any entry changes this sum except on a hyperplane of directions, so two random
    directions check every entry at once for the price of two derivatives.
    """
    t = sp.Symbol("t_dir", real=True)
    leaves = {name: (vals + direction[name] * t if name in direction else vals)
              for name, vals in values.items()}
    loss, _ = nested_loss(spec, widths, batch, leaves)
    ev.env[t] = Fraction(0)
    ev.memo = {}
    value = ev(sp.diff(loss, t))
    ev.env.pop(t, None)
    ev.memo = {}
    return value


# -- the proof ----------------------------------------------------------------------------------


@cache
def _primitive_proof(name: str, params: tuple) -> str:
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
    # the primitive actually used: gelu under conventions.gelu = "tanh" is gelu_tanh
    for act in sorted({(a.entry.name, a.params) for a in spec.activations}):
        if act[0] != "linear":
            proofs.append((act[0], _primitive_proof(*act)))
    entries = 0
    rng = random.Random(seed)
    witnesses = witness_widths(spec)
    # every entry separately on the whole network at widths 2,3,2,... when that is affordable;
    # on the other witnesses a random directional derivative checks all entries at once
    whole = int(np.prod(witnesses[0][0])) <= WITNESS_PATHS and 1 not in witnesses[0][0][1:-1]
    per_entry_witness = witnesses[0] if whole else None
    for widths, batch in witnesses:
        per_entry = (widths, batch) == per_entry_witness
        wspec = spec.with_widths(widths)
        shapes = {name: arr.shape for name, arr in leaf_symbols(widths, batch).items()}
        for _ in range(points):
            ev = ExactEvaluator(rng.randrange(1 << 30))
            values = {}
            for name, shape in shapes.items():
                if name == "Y":
                    values[name] = _targets(spec, rng, widths[-1], batch)
                else:
                    values[name] = np.array([_rand_rational(rng) for _ in range(int(np.prod(shape)))],
                                            dtype=object).reshape(shape)
            if per_entry:
                direct = direct_gradients(wspec, widths, batch, values, ev)
                entries += _compare_matrix(d, widths, batch, values, ev, direct)
                _compare_elementwise(d, widths, batch, values, ev, direct)
                continue
            mine = _engine_gradients(d, widths, batch, values, ev)
            for _ in range(DIRECTIONS):
                # a wrong gradient survives only if the direction lies on one hyperplane: with
                # entries drawn from ~2e9 rationals that has probability below 1e-9
                direction = {name: np.array([sp.Rational(rng.randint(-10**6, 10**6), rng.randint(1, 1000))
                                             for _ in range(arr.size)], dtype=object).reshape(arr.shape)
                             for name, arr in values.items() if name not in ("X", "Y")}
                claimed = sum((_frac(direction[p]) * mine[p]).sum() for p in direction)
                if directional_derivative(wspec, widths, batch, values, direction, ev) != claimed:
                    # locate the wrong entry for the message: the per-entry proof raises
                    direct = direct_gradients(wspec, widths, batch, values, ev)
                    _compare_matrix(d, widths, batch, values, ev, direct)
                    raise VerificationError(f"gradients disagree with direct differentiation on"
                                            f" witness widths {widths}, batch {batch}")
            entries += sum(arr.size for arr in mine.values())
    how = (f"every entry on {'-'.join(map(str, per_entry_witness[0]))}, a random directional"
           " derivative on each other witness") if per_entry_witness else \
        "a random directional derivative (all entries at once) on each witness"
    return Verification(
        method=f"exact rational comparison with sympy.diff of the fully nested loss ({how})",
        primitive_proofs=tuple(proofs), witnesses=tuple((tuple(w), b) for w, b in witnesses),
        points=points, entries=entries, seconds=time.perf_counter() - t0)


def _frac(arr):
    return np.vectorize(lambda v: Fraction(int(v.p), int(v.q)), otypes=[object])(arr)


def _concrete(expr, d, widths, batch):
    sub = {dim: w for dim, w in zip(d.dims, widths)}
    sub[d.batch] = batch
    return expr.xreplace({k: sp.Integer(v) for k, v in sub.items()})


def _engine_gradients(d, widths, batch, values, ev) -> dict[str, np.ndarray]:
    """The engine's matrix-form gradients evaluated exactly at values, keyed W1, b1, ..."""
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
    out = {}
    for l in range(1, d.spec.depth + 1):
        out[f"W{l}"], out[f"b{l}"] = env[f"dL_dW{l}"], env[f"dL_db{l}"]
    return out


def _compare_matrix(d, widths, batch, values, ev, direct) -> int:
    """Compare every matrix-form gradient entry with direct differentiation; entries checked."""
    mine = _engine_gradients(d, widths, batch, values, ev)
    for p, m in mine.items():
        if m.shape != direct[p].shape or not (m == direct[p]).all():
            raise VerificationError(
                f"matrix-form gradient dL/d{p} disagrees with direct differentiation on witness"
                f" widths {widths}, batch {batch}")
    return sum(m.size for m in mine.values())


def _compare_elementwise(d, widths, batch, values, ev, direct) -> None:
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
