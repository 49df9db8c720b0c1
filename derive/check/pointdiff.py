"""Derivatives of network quantities decided at sample points: one reverse sweep over the shared expression graph.

A network's loss is a SymPy expression whose subexpressions are shared (a^{l} is built once and
used by every unit of layer l+1): small as a graph, exponential as a tree. ``sympy.diff`` of it
expands the tree (the product rule copies every branch), so an error term of a depth-6 network
took tens of seconds. Here ``d body / d v`` is a ``PointDerivative``: an atom of the claim's value
whose number at a sample point is computed by the point evaluators themselves (``pointeval``), by
reverse-mode differentiation of the body's graph at that point. Every local derivative is the one
``sympy.diff`` would build for that node (a function's ``fdiff`` at its actual arguments, the product
and power rules), evaluated by the same evaluator, so random atoms (sigma(3/7)), taint, switches
(every ReLU or |.| whose sign the derivative depends on) and precision bookkeeping are exactly those
of the symbolic derivative; only the expansion into a tree is gone. A quantity cut out of the network
(d L / d z^{l}: z^{l} replaced by fresh symbols) is bound to its actual value at the point, and the
switches recorded under the cut are translated back to the network's own symbols, so that samplers
cover both sides of them. Anything the sweep does not know (a sum, an indexed family, a derivative
inside the body) is differentiated symbolically as before (``witness.differentiate``).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import mpmath
import sympy as sp

from .pointeval import Undefined

_UIDS = itertools.count(1)


class BoundSymbol(sp.Dummy):
    """A network quantity cut out of the graph (z^{l} as fresh symbols): at a point it takes the value
    of the expression it stands for, computed only where a derivative needs it (so the switches
    inside are recorded only then, as in the symbolic derivative with the expression put back)."""

    def __new__(cls, name, value, **assumptions):
        obj = sp.Dummy.__new__(cls, name, **assumptions)
        obj._value = value
        return obj

    def point_value(self, ev):
        return ev(self._value)


def replayed(ev, store: dict, compute, translate=None):
    """compute() at ev's point (a sweep), remembered in store per evaluator kind, precision, seed and point; the
    switches it records (translated by ``translate``), its largest and smallest terms and an unknown
    domain are replayed to every evaluator that asks again."""
    key = (type(ev).__name__, mpmath.mp.prec, ev.seed, tuple(ev.env.items()))
    got = store.get(key)
    if got is None:
        saved = ev.switches, getattr(ev, "mag", None), getattr(ev, "small", None)
        local: dict = {}
        ev.switches = local
        if saved[1] is not None:
            ev.mag, ev.small = mpmath.mpf(0), mpmath.inf
        try:
            out = compute()
            got = (out, translate(local) if translate else local, getattr(ev, "mag", None),
                   getattr(ev, "small", None), getattr(ev, "domain_unknown", False))
        finally:
            ev.switches = saved[0]
            if saved[1] is not None:
                ev.mag, ev.small = saved[1], saved[2]
        if len(store) > 4096:    # every point of a claim (a boundary search adds dozens)
            store.clear()
        store[key] = got
    out, switches, mag, small, unknown = got
    for g, signs in switches.items():
        ev.switches.setdefault(g, set()).update(signs)
    if mag is not None:
        ev.mag, ev.small = max(ev.mag, mag), min(ev.small, small)
    if unknown:
        ev.domain_unknown = True
    return out


class NotSweepable(Exception):
    """The body has a node the sweep cannot differentiate (it is differentiated symbolically)."""


class PointDerivative(sp.Expr):
    """d body / d wrt[index] of a ``Sweep``: a real number at every sample point.

    Its arguments are the symbols the body depends on, so that SymPy's ``has``, ``free_symbols``
    and ``diff`` see them; anything that would rebuild it with other arguments (a substitution, a
    second derivative) gets the symbolic derivative instead (``materialize``).
    """

    is_commutative = True
    is_real = True
    is_comparable = False

    def __new__(cls, sweep: Sweep, index: int):
        obj = sp.Expr.__new__(cls, *sweep.free_args())
        obj._sweep = sweep
        obj._index = index
        return obj

    def _hashable_content(self):
        return (self._sweep.uid, self._index)

    @property
    def func(self):
        return lambda *args: self._rebuilt(args)

    def _rebuilt(self, args):
        if tuple(args) == self.args:
            return self
        return self.materialize().xreplace(dict(zip(self.args, args)))

    def point_value(self, ev):
        """The derivative's value at the evaluator's point (pointeval's evaluators call this)."""
        v = self._sweep.at(ev)[self._index]
        if isinstance(v, Undefined):
            raise v
        return v

    def materialize(self):
        """The symbolic derivative (slow on deep networks; for a derivative of a derivative)."""
        return self._sweep.materialize(self._index)

    def _eval_derivative(self, s):
        return sp.diff(self.materialize(), s)

    def _eval_subs(self, old, new):
        return self.materialize().subs(old, new)

    def _xreplace(self, rule):
        if self in rule:
            return rule[self], True
        if any(a in rule for a in self.args):
            return self.materialize().xreplace(rule), True
        return self, False

    def _sympystr(self, printer):
        return f"d({self._sweep.uid})/d({printer._print(self._sweep.wrt[self._index])})"


def _postorder(body, lets=None) -> list:
    """The distinct subexpressions of body, children before parents (iterative: graphs are deep); a
    symbol defined in ``lets`` has its definition as its child."""
    lets = lets or {}
    seen, order = set(), []
    stack = [(body, False)]
    while stack:
        e, done = stack.pop()
        if done:
            order.append(e)
            continue
        if e in seen:
            continue
        seen.add(e)
        stack.append((e, True))
        for a in (e.args if e.args else ((lets[e],) if e in lets else ())):
            if isinstance(a, sp.Basic) and a not in seen:
                stack.append((a, False))
    return order


def _local_rules(node, dep) -> list:
    """(child, rule) for each child of node that depends on the variables: how d node / d child is computed."""
    args = node.args
    if isinstance(node, sp.Add):
        return [(a, ("one",)) for a in args if a in dep]
    if isinstance(node, sp.Mul):
        return [(a, ("others", i)) for i, a in enumerate(args) if a in dep]
    if isinstance(node, sp.Pow):
        b, x = args
        out = []
        if b in dep:
            if x.is_Integer:
                out.append((b, ("ipow", int(x))))
            else:
                out.append((b, ("expr", x * b ** (x - 1))))
        if x in dep:
            out.append((x, ("expr", node * sp.log(b))))
        return out
    if isinstance(node, sp.Piecewise):
        branches = [(pair.args[0], pair.args[1]) for pair in args]
        return [(e, ("branch", k, branches)) for k, (e, _) in enumerate(branches) if e in dep]
    if isinstance(node, sp.Abs):
        return [(args[0], ("expr", sp.sign(args[0])))]
    if isinstance(node, sp.Function):
        out = []
        for i, a in enumerate(args):
            if a in dep:
                try:
                    out.append((a, ("expr", node.fdiff(i + 1))))
                except (sp.ArgumentIndexError, NotImplementedError, TypeError) as e:
                    raise NotSweepable(type(node).__name__) from e
        return out
    raise NotSweepable(type(node).__name__)


def _substitute(e, rule: dict, memo: dict):
    """e with rule's symbols replaced, rebuilding only what contains them (a graph walk, not a tree walk)."""
    if e in rule:
        return rule[e]
    if not e.args:
        return e
    hit = memo.get(e)
    if hit is not None:
        return hit
    new = [_substitute(a, rule, memo) if isinstance(a, sp.Basic) else a for a in e.args]
    out = e.func(*new) if any(n is not a for n, a in zip(new, e.args)) else e
    memo[e] = out
    return out


class Sweep:
    """The derivatives of one scalar body by several variables, at sample points.

    ``bindings`` are (fresh symbol, actual expression) pairs: a network quantity cut out of the
    graph; at a point each fresh symbol takes the value of its expression.
    """

    def __init__(self, body, wrt, bindings=(), lets=None):
        self.uid = next(_UIDS)
        self.body = sp.sympify(body)
        self.wrt = tuple(wrt)
        self.bindings = tuple(bindings)
        self._bound = {s: e for s, e in self.bindings}
        self.lets = dict(lets or {})
        order = _postorder(self.body, self.lets)
        targets = set(self.wrt)
        dep = set()
        for e in order:
            kids = e.args if e.args else ((self.lets[e],) if e in self.lets else ())
            if e in targets or any(a in dep for a in kids if isinstance(a, sp.Basic)):
                dep.add(e)
        self.depends = [w in dep for w in self.wrt]
        # parents before children, each dependent node with the rules for its dependent children
        self.plan = []
        for e in reversed(order):
            if e not in dep:
                continue
            if e in self.lets:
                if self.lets[e] in dep:
                    self.plan.append((e, [(self.lets[e], ("one",))]))
            elif e.args:
                if e in targets:
                    raise NotSweepable("a variable that is not a symbol")
                if isinstance(e, PointDerivative):
                    raise NotSweepable("a derivative inside the body")
                self.plan.append((e, _local_rules(e, dep)))
        self.size = len(order)
        self._leaves = frozenset(e for e in order if isinstance(e, sp.Symbol))   # free_symbols reuses the walk
        self._free = None
        self._translated: dict = {}
        self._memo: dict = {}
        self._points: dict = {}

    # -- symbolic views

    def free_symbols(self):
        if self._free is None:
            leaves = self._leaves
            out = {s for s in leaves if s not in self._bound}
            for s, e in self.bindings:
                if s in leaves:
                    out |= {x for x in _postorder(e) if isinstance(x, sp.Symbol)}
            self._free = frozenset(out)
        return set(self._free)

    def materialize(self, index: int):
        target = self.wrt[index]
        body = self.body
        rule = {s: e for s, e in self.lets.items() if s != target}
        for _ in range(len(rule)):          # every definition but the variable's own, innermost last
            if not (body.free_symbols & set(rule)):
                break
            body = body.xreplace(rule)
        d = sp.diff(body, target)
        return d.xreplace(self._bound) if self._bound else d

    def free_args(self) -> tuple:
        if "_args" not in self.__dict__:
            self._args = tuple(sorted(self.free_symbols(), key=str))
        return self._args

    def index(self) -> dict:
        if "_index" not in self.__dict__:
            self._index = {w: k for k, w in enumerate(self.wrt)}
        return self._index

    def entry(self, k: int):
        return PointDerivative(self, k) if self.depends[k] else sp.Integer(0)

    def entries(self) -> list:
        """The derivative by each variable: 0 where the body does not depend on it, else an atom."""
        return [PointDerivative(self, k) if dep else sp.Integer(0) for k, dep in enumerate(self.depends)]

    # -- at a point

    def at(self, ev):
        """Every derivative at ev's point; the sweep is shared by the evaluators of one point (a
        sampler evaluates each entry of each side with its own), its switches replayed to each."""
        cache = ev.__dict__.setdefault("_sweeps", {})
        hit = cache.get(self.uid)
        if hit is not None:
            return hit
        out = replayed(ev, self._points, lambda: self._sweep(ev), self._translate)
        cache[self.uid] = out
        return out

    def _sweep(self, ev):
        from .pointeval import ExactEvaluator

        exact = isinstance(ev, ExactEvaluator)
        if exact:
            zero, one = (Fraction(0), False), (Fraction(1), False)

            def add(a, b):
                return (a[0] + b[0], a[1] or b[1])

            def mul(a, b):
                return (a[0] * b[0], a[1] or b[1])

            def ipow(a, n):
                return (a[0] ** n, a[1])

            def scale(a, n):
                return (a[0] * n, a[1])
        else:
            zero, one = mpmath.mpf(0), mpmath.mpf(1)

            def add(a, b):
                return a + b

            def mul(a, b):
                return a * b

            def ipow(a, n):
                return a ** n

            def scale(a, n):
                return a * n
        for s, e in self.bindings:
            if not isinstance(s, BoundSymbol):
                ev.memo[s] = ev(e)
        # only what a local derivative needs is evaluated: d ln(u) = du / u is defined where ln(u) is
        # not; a partial that is undefined here poisons only the derivatives that go through it
        adj = {self.body: one}
        for node, rules in self.plan:
            a = adj.get(node)
            if a is None:
                continue
            for child, rule in rules:
                prev = adj.get(child)
                if isinstance(prev, Undefined):
                    continue
                if isinstance(a, Undefined):
                    adj[child] = a
                    continue
                try:
                    part = _part(ev, node, child, rule, a, mul, ipow, scale)
                except Undefined as u:
                    adj[child] = u
                    continue
                if part is None:
                    continue
                if not exact:
                    ev._term(part)
                adj[child] = part if prev is None else add(prev, part)
        return [adj.get(w, zero) for w in self.wrt]

    def _translate(self, local: dict) -> dict:
        """Switches seen under a cut, in the network's own symbols (a sampler covers both sides of each)."""
        out: dict = {}
        for g, signs in local.items():
            if self._bound:
                t = self._translated.get(g)
                if t is None:
                    t = self._translated[g] = _substitute(g, self._bound, self._memo)
                g = t
            out.setdefault(g, set()).update(signs)
        return out


def derivative_matrix(body, var, bindings=(), elementwise: bool = False):
    """d body / d var as explicit entries (the shapes ``NetworkContext._d`` accepts), by sweeps; None
    where a body is small enough (or unusual enough) for SymPy's own derivative."""
    from .values import is_mat

    try:
        if not is_mat(var):
            if is_mat(body):
                return body.applyfunc(lambda e: _one(e, (var,), bindings)[0])
            return _one(body, (var,), bindings)[0]
        if not is_mat(body):
            return sp.Matrix(var.shape[0], var.shape[1], _one(body, tuple(var), bindings))
        if elementwise and body.shape == var.shape:
            return sp.Matrix(body.shape[0], body.shape[1],
                             lambda i, j: _one(body[i, j], (var[i, j],), bindings)[0])
        if body.shape[1] == 1 and var.shape[1] == 1:
            rows = [_one(body[i], tuple(var), bindings) for i in range(body.shape[0])]
            return sp.Matrix(rows)
    except NotSweepable:
        return None
    return None


def _part(ev, node, child, rule, a, mul, ipow, scale):
    """The adjoint a of node times d node / d child at the point (None: a case not taken)."""
    kind = rule[0]
    if kind == "one":
        return a
    if kind == "others":
        part = a
        for j, other in enumerate(node.args):
            if j != rule[1]:
                part = mul(part, ev(other))
        return part
    if kind == "ipow":
        n = rule[1]
        return scale(mul(a, ipow(ev(child), n - 1)), n) if n != 1 else a
    if kind == "branch":
        k, branches = rule[1], rule[2]
        taken = next((j for j, (_, cond) in enumerate(branches) if ev.truth(cond)), None)
        if taken is None:
            raise Undefined("no case of the piecewise definition applies")
        return a if taken == k else None
    return mul(a, ev(rule[1]))


_SWEEPS: dict = {}


def _one(body, wrt, bindings) -> list:
    """d body / d w for each w of wrt, from one sweep by every symbol of the body (shared by every
    derivative of the same body: a claim with free indices asks for one entry per index value)."""
    body = sp.sympify(body)
    if not all(isinstance(w, sp.Symbol) for w in wrt):
        raise NotSweepable("a variable that is not a symbol")
    # by every cut-out symbol, or by every other symbol: a partial towards the other kind would
    # evaluate values (and switches) that the derivative asked for does not contain
    cut = {isinstance(w, BoundSymbol) for w in wrt}
    key = (body, tuple(bindings), tuple(cut) if len(cut) == 1 else tuple(wrt))
    sw = _SWEEPS.get(key)
    if sw is None:
        leaves = sorted({e for e in _postorder(body) if isinstance(e, sp.Symbol)}, key=str)
        targets = [x for x in leaves if isinstance(x, BoundSymbol) in cut] if len(cut) == 1 else list(wrt)
        sw = Sweep(body, targets, bindings)
        if len(_SWEEPS) > 512:
            _SWEEPS.clear()
        _SWEEPS[key] = sw
    index = sw.index()
    return [sw.entry(index[w]) if w in index else sp.Integer(0) for w in wrt]
