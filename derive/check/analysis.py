"""Analysis in a claim: limits, integrals, evaluation bars, mixed partials and composed functions.

``Analysis`` is the part of ``calls.Calls`` (and so of ``Interpreter``) that reads \\lim_{h \\to 0},
\\int_a^b f\\,dt, \\left. f \\right|_{x=3}, \\partial_{xy} f and (f \\circ g)(x); the SymPy objects they
make (an antiderivative, a limit that does not exist) live here too.
"""

from __future__ import annotations

import sympy as sp

from .syntax import Node, NotCheckableError
from .tokens import Token
from .tree import (
    _is_differential,
    items_of,
    juxt_items,
    plain_text,
    relation_parts,
)
from .values import is_mat

# SymPy's time for a definite integral: every integral of the corpus that it finds takes under 0.3 s; the
# ones it does not find took the whole budget (2 s before), which kept a claim from its 1 s target
INTEGRAL_SECONDS = 0.8


def _differ(a, b) -> bool | None:
    """Two one-sided limits are different values (True), one value (False), or undecided (None)."""
    from .budget import OverBudget, time_budget

    if a == b:
        return False
    if a.is_infinite or b.is_infinite:
        return True
    try:
        with time_budget(1.0):
            d = sp.simplify(a - b)
    except (OverBudget, NotImplementedError, ValueError, TypeError):
        return None      # undecided: neither a value nor a nonexistent limit
    return None if d.free_symbols else d != 0


class LimitDoesNotExist(Exception):
    """A two-sided limit whose one-sided limits differ: a claim that it equals a value is false."""


class Antiderivative(sp.Function):
    """\\int f\\,dt without limits: some antiderivative of f (body, t); its derivative by t is f."""

    nargs = 2

    def _eval_derivative(self, s):
        body, t = self.args
        if s == t:
            return body
        return Antiderivative(sp.diff(body, s), t)   # d/dy \\int f(x, y) dx = \\int f_y dx


def _closed(e):
    """Primitives as their closed forms (SymPy's limit and integral know only those)."""
    from ..primitives import Primitive

    return e.replace(lambda x: isinstance(x, Primitive), lambda x: x.as_explicit()) \
        if isinstance(e, sp.Basic) else e


def _script_letters(sarg: Node):
    """The plain letters of a script {xy} (two or more, no scripts of their own), else None."""
    if sarg.kind != "sbrace":
        return None
    inner = items_of(sarg)
    items = juxt_items(inner[0]) if len(inner) == 1 else None
    if not items or len(items) < 2 or any(x.kind != "postfix" or x.scripts or x.args[0].kind != "letter"
                                          for x in items):
        return None
    return items


def _differential_over(item: Node):
    """\\frac{dx}{g} or \\frac{f\\,dx}{g} -> (the fraction f/g as an item, [d, x]), else None."""
    if item.kind != "postfix" or item.scripts or item.args[0].kind != "frac":
        return None
    frac = item.args[0]
    num = juxt_items(frac.args[1])
    if not num or len(num) < 2 or not _is_differential(num[-2]) or num[-2].scripts:
        return None
    from .syntax import Node as _N

    p = frac.pos
    one = _N("postfix", (_N("number", (Token("NUMBER", "1", p[0], p[1]),), p),), p, (), "1")
    top = _N("juxt", tuple(num[:-2]) if len(num) > 2 else (one,), p)
    for kind in ("term", "expr", "relation", "list"):
        top = _N(kind, (top,), p)
    quotient = _N("frac", (frac.args[0], _N("group", (top,), p), frac.args[2]), p)
    return _N("postfix", (quotient,), item.pos, (), item.text), num[-2:]


class Analysis:
    """Limits, integrals, evaluation bars, mixed partials and composition (a mixin of Calls)."""

    def composed_call(self, items, i):
        """(f \\circ g)(x): the composition of function names applied, f(g(x)); (value, next index) or None."""
        it = items[i]
        nxt = items[i + 1] if i + 1 < len(items) else None
        if nxt is None or it.kind != "postfix" or it.scripts or it.args[0].kind != "paren" \
                or nxt.kind != "postfix" or nxt.scripts or nxt.args[0].kind != "paren":
            return None
        heads = self._function_chain(it)
        if heads is None or self._function_chain(nxt) is not None or self._function_name(nxt):
            return None     # (f' \circ g)(g' \circ h): a product of functions, not a call
        val = self.value(nxt)
        for item, head in reversed(heads):
            val = self.call_value(item, head, val)
        return val, i + 2

    def _function_chain(self, paren_item):
        """[(item, head)] of (f \\circ g \\circ h), a composition of function names in parentheses, else None."""
        inner = items_of(paren_item.args[0])
        node = inner[0] if len(inner) == 1 else None
        while node is not None and node.kind in ("relation", "expr") and len(node.args) == 1:
            node = node.args[0]
        if node is None or node.kind != "term":
            return None
        parts = [a for a in node.args if not isinstance(a, Token)]
        if len(parts) < 2 or any(isinstance(a, Token) and str(a) != "\\circ" for a in node.args):
            return None
        heads = []
        for p in parts:
            one = p.args if p.kind == "juxt" else ()
            head = self.function_head(one[0]) if len(one) == 1 else None
            if head is None:
                return None
            heads.append((one[0], head))
        return heads

    def _function_name(self, paren_item) -> bool:
        """(g') or (\\sin): parentheses around one function name written without an argument."""
        inner = items_of(paren_item.args[0])
        items = juxt_items(inner[0]) if len(inner) == 1 else None
        return bool(items) and len(items) == 1 and self.function_head(items[0]) is not None \
            and items[0].args[0].kind != "number"

    def _mixed(self, rest, variables, it):
        """\\partial_{xy} f: by x, then by y (the subscript's letters in order)."""
        def by(k):
            if k == 0:
                return self.juxt(rest)
            return self.derivative(lambda: by(k - 1), rest, variables[k - 1], 1, it)
        return by(len(variables))

    def v_evalbar(self, node: Node):
        """\\left. f \\right|_{x=3}: f with each variable of the subscript's equations at its value."""
        body, sarg = node.args
        subs = {}
        for rel in items_of(sarg) if sarg.kind == "sbrace" else []:
            sides, ops = relation_parts(rel) if rel.kind == "relation" else ([], [])
            var = juxt_items(sides[0]) if ops == ["="] else None
            if not var or len(var) != 1:
                raise self.err("write the point of an evaluation bar as \\right|_{x=3}", node)
            subs[self.ctx.derivative_variable_value(var[0], self)] = self.value(sides[1])
        if not subs:
            raise self.err("write the point of an evaluation bar as \\right|_{x=3}", node)
        v = self.value(body)
        return v.applyfunc(lambda e: e.subs(subs)) if is_mat(v) else v.subs(subs)

    def integral(self, it: Node, rest: list[Node]):
        """\\int_a^b f(t)\\,dt: SymPy's definite integral within a time budget (the variable from dt)."""
        from .budget import OverBudget, time_budget

        k = len(rest) - 2
        over = None
        if rest and (k < 0 or not _is_differential(rest[k])):
            over = _differential_over(rest[-1])       # \int \frac{dx}{x^2 + a^2}: dx in the numerator
            if over is not None:
                rest = list(rest[:-1]) + [over[0]] + list(over[1])
                k = len(rest) - 2
        if k < 0 or not _is_differential(rest[k]) or rest[k].scripts or rest[k + 1].kind != "postfix":
            raise self.err("write an integral as \\int_a^b f(t)\\,dt (with its differential at the end)", it)
        var = rest[k + 1]
        lo = next((x[1] for x in it.scripts if x[0] == "sub"), None)
        hi = next((x[1] for x in it.scripts if x[0] == "sup"), None)
        if (lo is None) != (hi is None):
            raise self.err("an integral needs both limits (\\int_a^b) or none (an antiderivative)", it)
        explicit = _closed
        t = self.ctx.derivative_variable_value(var, self)
        name = self.ctx.variable_name(var, self)
        hidden = self.ctx.hidden
        self.ctx.hidden = hidden | {name}
        try:
            body = self.juxt(rest[:k]) if k else sp.Integer(1)
        finally:
            self.ctx.hidden = hidden
        if lo is None:
            # \int f dx = F + C: an antiderivative; the claim is decided by differentiating (``scalar``)
            if is_mat(body) or not isinstance(t, sp.Symbol):
                raise NotCheckableError("only antiderivatives of scalar functions of one symbol are checked")
            return Antiderivative(body, t)
        a, b = self.script_value(lo), self.script_value(hi)
        if any(is_mat(v) for v in (body, a, b)):
            raise self.err("integrals of matrices are not checked", it)
        try:
            with time_budget(INTEGRAL_SECONDS):
                out = sp.integrate(explicit(body), (t, a, b))
        except (OverBudget, NotImplementedError, ValueError, TypeError):
            out = None
        if out is None or out.has(sp.Integral):
            raise NotCheckableError(f"SymPy does not find this integral in closed form (within {INTEGRAL_SECONDS:g} s)")
        return out

    def limit(self, it: Node, rest: list[Node]):
        """\\lim_{h \\to a} f(h): SymPy's limit within a time budget (a^+ and a^- for one side)."""
        from .budget import OverBudget, time_budget

        sub = next((x[1] for x in it.scripts if x[0] == "sub"), None)
        items = items_of(sub) if sub is not None and sub.kind == "sbrace" else []
        sides, ops = relation_parts(items[0]) if len(items) == 1 and items[0].kind == "relation" else ([], [])
        if ops != ["\\to"] or not rest:
            raise self.err("write a limit as \\lim_{h \\to 0} f(h)", it)
        var_items = juxt_items(sides[0])
        if not var_items or len(var_items) != 1:
            raise self.err("the variable of a limit must be one symbol", it)
        h = self.ctx.derivative_variable_value(var_items[0], self)
        name = self.ctx.variable_name(var_items[0], self)
        direction = "+-"
        target = sides[1]
        post = juxt_items(target)
        if post and len(post) == 1 and post[0].scripts and post[0].scripts[-1][0] == "sup" \
                and plain_text(post[0].scripts[-1][1]) in ("+", "-"):
            direction = plain_text(post[0].scripts[-1][1])
            target = Node("postfix", post[0].args, post[0].pos, post[0].scripts[:-1], post[0].text)
        point = sp.oo if (plain_text(target) or "") == "infty" else self.value(target)
        if isinstance(point, sp.Symbol) and point.name == "infty":
            point = sp.oo
        hidden = self.ctx.hidden
        self.ctx.hidden = hidden | {name}
        try:
            body = self.juxt(rest)
        finally:
            self.ctx.hidden = hidden
        def one(d):
            try:
                with time_budget(2.0):
                    # primitives (\sigma, \tanh) as closed forms: SymPy knows their limits only so
                    got = sp.limit(_closed(body), h, point, d)
            except (OverBudget, NotImplementedError, ValueError, TypeError):
                return None
            return None if got.has(sp.Limit) or got.has(sp.AccumBounds) or got.has(sp.zoo, sp.nan) else got

        if direction == "+-" and point not in (sp.oo, -sp.oo):
            # a two-sided limit exists only when both one-sided limits agree
            left, right = one("-"), one("+")
            apart = _differ(left, right) if left is not None and right is not None else None
            if apart:
                raise LimitDoesNotExist(f"the limit does not exist: from the left it is {left}, from the right"
                                        f" {right}")
            out = left if apart is False else None
        else:
            out = one(direction if point not in (sp.oo, -sp.oo) else "+")
        if out is None:
            raise NotCheckableError("SymPy does not decide this limit (within 2 s)")
        return out
