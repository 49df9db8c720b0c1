"""Proofs that derived gradients are right: exact forward-mode differentiation of the nested loss.

For each witness instance (the spec's depth, activations, loss and conventions at small,
non-square widths, batch sizes 2 and 3) every input, target, weight and bias is a random
rational, and the network's loss is evaluated unit by unit along the forward pass in dual
numbers over exact values: each unit carries its value and its tangent (its derivative along
every parameter, or along one random direction). A unit's local derivative is its primitive's
own ``fdiff`` (a loss term: the derivative of its closed form) at the unit's exact input; the
engine's error terms, transposes and sums are never used, so this is an independent
derivative of the fully nested loss. It is compared with the engine's matrix and element-wise
equations, evaluated exactly at the same point. Transcendental values (sigma(3/7), log, exp,
...) are random rational atoms shared by both sides (``derive.evaluate.ExactEvaluator``), so
equality is an identity of the chain-rule algebra given each primitive's fdiff;
``prove_primitive`` proves each fdiff against the primitive's closed form, which closes the
argument. The cost is linear in the witness's size, where ``sympy.diff`` of the nested loss
(the previous method, kept as the optional ``cross_check``) grows geometrically with depth.
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
from .evaluate import ExactEvaluator, LocalRule, mat_eval
from .primitives import activation_entry, prove_primitive, softmax_vector

# The proof method and its version: a certificate (derive.certificate) records both and is
# trusted only by the same version. Bump the version whenever what this module checks changes.
PROOF_METHOD = "forward-mode"
PROOF_VERSION = 2
POINTS = 1  # random rational points per witness
SEED = 20261122  # the points and directions are pseudo-random from this fixed seed: reproducible
PER_ENTRY_PARAMS = 200  # every entry separately on witnesses up to this many parameters
DIRECTION_RANGE = 2**32  # direction entries: integers drawn uniformly from this many values
WITNESS_PATHS = 36  # cap on the product of widths for the sympy.diff cross-check (exponential)


@dataclass(frozen=True)
class Verification:
    """How a derivation was proven: primitives, witnesses, points, entries and time.

    ``certified`` is empty when the proof ran in this process; otherwise a cached certificate
    (derive.certificate) stood in for it, made at that UTC time by the same proof method, for
    exactly these equations; ``seconds`` is then the time the certified proof took.
    """

    method: str
    primitive_proofs: tuple[tuple[str, str], ...]
    witnesses: tuple[tuple[tuple[int, ...], int], ...]  # (widths, batch size)
    points: int
    entries: int
    seconds: float
    certified: str = ""

    @property
    def cached(self) -> bool:
        return bool(self.certified)

    def summary(self) -> str:
        """What was proven and how (the same text whether proven now or certified earlier)."""
        ws = ", ".join("-".join(map(str, w)) + f" (N={n})" for w, n in self.witnesses)
        return (f"{self.method}; {self.entries} gradient entries matched exactly on witnesses {ws},"
                f" {self.points} random rational point(s) each")

    def provenance(self) -> str:
        """Whether this run proved it or reused a certificate (for the command line)."""
        if self.certified:
            return (f"verified (certificate from {self.certified}, cached; the proof took"
                    f" {self.seconds:.2f} s; --reverify proves again)")
        return f"verified (proven now in {self.seconds:.2f} s)"


# -- witnesses ----------------------------------------------------------------------------------


def witness_widths(spec) -> list[tuple[tuple[int, ...], int]]:
    """Small instances of the spec's architecture (same depth, activations, loss) to prove on.

    - whole-network instances with alternating widths 2,3,2,... (batch 2) and 3,2,3,...
      (batch 3): every weight matrix is non-square (a misplaced transpose cannot even be
      evaluated) and every hidden layer sits at widths 2 and 3 between wider or narrower
      neighbours;
    - for every hidden layer l, an instance with layers l-1, l, l+1 at widths 2, 3, 2 and the
      rest of the network at its narrowest, so the sums over layer l and over its successor
      have several paths next to single-unit layers;
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

    add([2 + (l % 2) for l in range(L + 1)], 2)
    add([3 - (l % 2) for l in range(L + 1)], 3)
    for l in range(1, L):
        w = [1] * (L + 1)
        w[l - 1], w[l], w[l + 1] = 2, 3, 2
        add(w, 2 + (l % 2))
    add([1] * (L + 1), 2)
    own = tuple(spec.layers)
    if int(np.prod(own)) <= WITNESS_PATHS and all(x <= 4 for x in own):
        add(own, 2)
    return out


def param_shapes(widths) -> dict[str, tuple[int, int]]:
    """W1, b1, W2, ... of a network with these widths (biases as columns)."""
    out = {}
    for l in range(1, len(widths)):
        out[f"W{l}"] = (widths[l], widths[l - 1])
        out[f"b{l}"] = (widths[l], 1)
    return out


def _rand_rational(rng: random.Random) -> Fraction:
    # avoid 0 so that kinks (ReLU at 0) are not hit by chance; signs vary
    num = rng.choice([i for i in range(-9, 10) if i != 0])
    return Fraction(num, rng.randint(2, 7))


def _targets(spec, rng: random.Random, n_out: int, batch: int) -> np.ndarray:
    """Random targets of the loss's kind (one-hot, binary, values), as SymPy rationals (nL x N)."""
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
                Y[i, n] = sp.Rational(_rand_rational(rng))
    return Y


def random_point(spec, widths, batch, rng: random.Random) -> dict[str, np.ndarray]:
    """Exact random values (object arrays of Fractions) for X (n0 x N), Y (nL x N) and every parameter."""
    def rand(shape):
        return np.array([_rand_rational(rng) for _ in range(int(np.prod(shape)))],
                        dtype=object).reshape(shape)

    Y = np.vectorize(lambda v: Fraction(int(v.p), int(v.q)), otypes=[object])(_targets(spec, rng, widths[-1], batch))
    values = {"X": rand((widths[0], batch)), "Y": Y}
    for name, shape in param_shapes(widths).items():
        values[name] = rand(shape)
    return values


# -- forward-mode differentiation of the nested loss ----------------------------------------------

_S = sp.Symbol("s", real=True)  # the input of a one-argument local rule
_A, _Y = sp.symbols("a y", real=True)


_UNIT_RULES: dict[tuple, LocalRule] = {}


def _unit_rule(act) -> LocalRule:
    # keyed by everything apply() reads (Activation's own equality ignores ReLU'(0))
    key = (act.entry.func, act.params, act.relu_prime_at_zero)
    if key not in _UNIT_RULES:
        _UNIT_RULES[key] = LocalRule(act.apply(_S), (_S,))
    return _UNIT_RULES[key]


@cache
def _softmax_rules(n: int) -> tuple[LocalRule, ...]:
    zs = sp.symbols(f"s0:{n}", real=True)
    return tuple(LocalRule(e, zs) for e in softmax_vector(list(zs)))


@cache
def _loss_rule(term) -> LocalRule:
    # the closed form of the loss term, not the term's fdiff (which the engine uses)
    return LocalRule(term.explicit(_A, _Y), (_A, _Y), wrt=1)


def _axpy(acc: dict, c, t: dict) -> None:
    """acc += c * t for sparse tangents {direction: Fraction}."""
    if c:
        for k, x in t.items():
            acc[k] = acc.get(k, 0) + c * x


def forward_mode(spec, widths, batch, values, seeds, ev: ExactEvaluator) -> tuple[Fraction, dict]:
    """(L, dL): the nested loss at ``values`` and its tangent, by forward-mode differentiation.

    ``seeds[name][idx]`` is the tangent of parameter entry idx, a sparse dict {direction:
    Fraction}: {p: 1} gives every partial derivative dL/dp at once, {0: v_p} the directional
    derivative along v. Each unit's (value, tangent) follows from its inputs' through its own
    local derivative; inputs and targets are constants.
    """
    L = len(widths) - 1
    X = values["X"]
    a = [[(X[k, n], {}) for n in range(batch)] for k in range(widths[0])]
    for l in range(1, L + 1):
        W, b, tW, tb = values[f"W{l}"], values[f"b{l}"], seeds[f"W{l}"], seeds[f"b{l}"]
        z = []
        for j in range(widths[l]):
            row = []
            for n in range(batch):
                v, t = b[j, 0], dict(tb[j, 0])
                for k in range(widths[l - 1]):
                    av, at = a[k][n]
                    v += W[j, k] * av
                    _axpy(t, W[j, k], at)
                    _axpy(t, av, tW[j, k])
                row.append((v, t))
            z.append(row)
        act = spec.activation(l)
        if act.vector_valued:
            rules = _softmax_rules(widths[l])
            new = [[None] * batch for _ in range(widths[l])]
            for n in range(batch):
                col = [z[j][n] for j in range(widths[l])]
                point = tuple(v for v, _ in col)
                for k, rule in enumerate(rules):
                    v, partials = ev.local(rule, point)
                    t: dict = {}
                    for (_, zt), c in zip(col, partials):
                        _axpy(t, c, zt)
                    new[k][n] = (v, t)
        else:
            rule = _unit_rule(act)
            new = []
            for row in z:
                out = []
                for v, t in row:
                    fv, (fp,) = ev.local(rule, (v,))
                    out.append((fv, {k: fp * x for k, x in t.items()} if fp else {}))
                new.append(out)
        a = new
    rule = _loss_rule(spec.loss_entry.term)
    Y = values["Y"]
    total, dtotal = Fraction(0), {}
    for n in range(batch):
        for i in range(widths[L]):
            v, (da,) = ev.local(rule, (a[i][n][0], Y[i, n]))
            total += v
            _axpy(dtotal, da, a[i][n][1])
    if spec.conventions.batch == "mean":
        r = Fraction(1, batch)
        total, dtotal = total * r, {k: x * r for k, x in dtotal.items()}
    return total, dtotal


def forward_gradients(spec, widths, batch, values, ev) -> dict[str, np.ndarray]:
    """Every partial derivative of the nested loss at ``values`` (one forward pass, all entries)."""
    seeds, keys = {}, {}
    for name, shape in param_shapes(widths).items():
        seeds[name] = np.empty(shape, dtype=object)
        for idx in np.ndindex(shape):
            keys[(name, idx)] = len(keys)
            seeds[name][idx] = {keys[(name, idx)]: Fraction(1)}
    _, dL = forward_mode(spec, widths, batch, values, seeds, ev)
    out = {name: np.empty(shape, dtype=object) for name, shape in param_shapes(widths).items()}
    for (name, idx), key in keys.items():
        out[name][idx] = Fraction(dL.get(key, 0))
    return out


def forward_directional(spec, widths, batch, values, direction, ev) -> Fraction:
    """d/dt L(values + t * direction) at t = 0 = sum_p direction[p] * dL/dp, by forward mode.

    With random directions, a gradient that is wrong in any entry changes this sum except on
    a hyperplane of directions, so one directional derivative checks every entry at once.
    """
    seeds = {name: np.vectorize(lambda v: {0: v}, otypes=[object])(arr) for name, arr in direction.items()}
    _, dL = forward_mode(spec, widths, batch, values, seeds, ev)
    return Fraction(dL.get(0, 0))


def _random_direction(widths, rng: random.Random) -> dict[str, np.ndarray]:
    # integers drawn uniformly from DIRECTION_RANGE values: whatever value a wrong gradient
    # needs one entry of the direction to take, it has probability at most 1/DIRECTION_RANGE
    half = DIRECTION_RANGE // 2
    return {name: np.array([Fraction(rng.randrange(-half, half)) for _ in range(int(np.prod(shape)))],
                           dtype=object).reshape(shape)
            for name, shape in param_shapes(widths).items()}


# -- the optional cross-check: sympy.diff of the fully nested loss (exponential in depth) ---------


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
    """The fully nested scalar loss as one SymPy expression; returns (L, leaves by name).

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


def sympy_gradients(spec, widths, batch, values: dict[str, np.ndarray], ev) -> dict[str, np.ndarray]:
    """Every partial derivative of the nested loss at ``values``, by sympy.diff, evaluated exactly.

    For each parameter p, the nested loss is built with p a Symbol and every other leaf at its
    value, differentiated with sympy.diff, and evaluated at p's value: the partial derivative
    of L along p is the ordinary derivative of L restricted to that line.
    """
    t = sp.Symbol("t_param", real=True)
    rational = {name: np.vectorize(lambda v: sp.Rational(v.numerator, v.denominator),
                                   otypes=[object])(arr) for name, arr in values.items()}
    out = {}
    for name, vals in rational.items():
        if name in ("X", "Y"):
            continue
        grad = np.empty(vals.shape, dtype=object)
        for idx in np.ndindex(vals.shape):
            leaves = dict(rational)
            leaves[name] = vals.copy()
            leaves[name][idx] = t
            loss, _ = nested_loss(spec, widths, batch, leaves)
            ev.env[t] = values[name][idx]
            ev.memo = {}
            grad[idx] = ev(sp.diff(loss, t))
        out[name] = grad
    ev.env.pop(t, None)
    ev.memo = {}
    return out


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


def verify_derivation(d, points: int = POINTS, seed: int = SEED, cross_check: bool = False) -> Verification:
    """Check every gradient of d against forward-mode differentiation of the nested loss.

    On every witness of up to PER_ENTRY_PARAMS parameters each gradient entry is compared
    separately (the matrix forms; the element-wise forms on the first such witness, the first
    whole-network one); on larger witnesses one random directional derivative checks all
    entries at once, and a mismatch is then located entry by entry. ``cross_check`` also differentiates
    the nested loss with sympy.diff where that is affordable and requires the two methods to
    agree exactly.
    """
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
    sizes = [sum(a * b for a, b in param_shapes(w).values()) for w, _ in witnesses]
    per_entry = [n <= PER_ENTRY_PARAMS for n in sizes]
    # the element-wise forms on the first per-entry witness (or, if none, on the smallest one)
    elementwise_at = per_entry.index(True) if any(per_entry) else sizes.index(min(sizes))
    for i, (widths, batch) in enumerate(witnesses):
        for _ in range(points):
            ev = ExactEvaluator(rng.randrange(1 << 30))
            values = random_point(spec, widths, batch, rng)
            mine = _engine_gradients(d, widths, batch, values, ev)
            if per_entry[i] or i == elementwise_at:
                direct = forward_gradients(spec, widths, batch, values, ev)
                _compare_matrix(mine, direct, widths, batch)
                if i == elementwise_at:
                    _compare_elementwise(d, widths, batch, values, ev, direct)
                if cross_check and int(np.prod(widths)) <= WITNESS_PATHS:
                    _cross_check(spec, widths, batch, values, ev, direct)
            if not per_entry[i]:
                # a wrong gradient survives only if the direction lies on one hyperplane:
                # probability at most 1/DIRECTION_RANGE (below 1e-9)
                direction = _random_direction(widths, rng)
                claimed = sum((direction[p] * mine[p]).sum() for p in direction)
                if forward_directional(spec, widths, batch, values, direction, ev) != claimed:
                    # locate the wrong entry for the message: the per-entry comparison raises
                    _compare_matrix(mine, forward_gradients(spec, widths, batch, values, ev), widths, batch)
                    raise VerificationError(f"gradients disagree with forward-mode differentiation of the"
                                            f" nested loss on witness widths {widths}, batch {batch}")
            entries += sum(arr.size for arr in mine.values())
    if all(per_entry):
        how = "every entry on every witness"
    elif any(per_entry):
        how = ("every entry on " + ", ".join("-".join(map(str, w)) for (w, _), e in zip(witnesses, per_entry) if e)
               + "; a random directional derivative on each other witness")
    else:
        how = "a random directional derivative, all entries at once, on each witness"
    return Verification(
        method=f"exact rational comparison with forward-mode differentiation of the fully nested loss ({how})",
        primitive_proofs=tuple(proofs), witnesses=tuple((tuple(w), b) for w, b in witnesses),
        points=points, entries=entries, seconds=time.perf_counter() - t0)


def _cross_check(spec, widths, batch, values, ev, direct) -> None:
    wspec = spec.with_widths(widths)
    other = sympy_gradients(wspec, widths, batch, values, ev)
    for p, m in direct.items():
        for idx in np.ndindex(m.shape):
            if m[idx] != other[p][idx]:
                raise VerificationError(
                    f"forward-mode and sympy.diff derivatives of the nested loss differ at d/d{p}"
                    f"{[i + 1 for i in idx]} on witness widths {widths}, batch {batch}")


def _engine_gradients(d, widths, batch, values, ev) -> dict[str, np.ndarray]:
    """The engine's matrix-form gradients evaluated exactly at values, keyed W1, b1, ..."""
    col = d.layout == "column"
    env = {name: vals if col or name.startswith(("W", "b")) else vals.T for name, vals in values.items()}
    env["A0"] = env["X"]
    sizes = dict(zip(d.dims, widths))
    sizes[d.batch] = batch
    for eq in d.forward + d.backward + d.gradients:
        try:
            env[eq.lhs.name] = mat_eval(eq.rhs, env, ev, sizes)
        except (ValueError, TypeError, KeyError, IndexError) as e:
            raise VerificationError(f"equation {eq.name} cannot be evaluated on witness widths"
                                    f" {widths} (shapes do not match): {e}") from None
    out = {}
    for l in range(1, d.spec.depth + 1):
        out[f"W{l}"], out[f"b{l}"] = env[f"dL_dW{l}"], env[f"dL_db{l}"]
    return out


def _compare_matrix(mine, direct, widths, batch) -> int:
    """Compare every matrix-form gradient entry with the direct derivative; entries checked."""
    for p, m in mine.items():
        if m.shape != direct[p].shape:
            raise VerificationError(
                f"matrix-form gradient dL/d{p} has shape {m.shape}, {p} has {direct[p].shape}, on"
                f" witness widths {widths}, batch {batch}")
        for idx in np.ndindex(m.shape):
            if m[idx] != direct[p][idx]:
                raise VerificationError(
                    f"matrix-form gradient dL/d{p} disagrees with direct differentiation of the"
                    f" nested loss at entry {[i + 1 for i in idx]} on witness widths {widths}, batch"
                    f" {batch} (engine {_num(m[idx])}, direct {_num(direct[p][idx])})")
    return sum(m.size for m in mine.values())


def _num(v) -> str:
    try:
        return f"{float(v):.6g}"
    except (TypeError, ValueError, OverflowError):
        return str(v)


def _compare_elementwise(d, widths, batch, values, ev, direct) -> None:
    env_arrays = {name: v[:, 0] if name.startswith("b") else v for name, v in values.items()}
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
    ev.memo = {}

