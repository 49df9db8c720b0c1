"""How heads take arguments in a claim: function calls, derivative operators, sums and products.

``Calls`` is the part of ``Interpreter`` that reads a head (\\sigma, \\frac{d}{dx}, \\sum_{i=1}^{n})
together with what follows it in a juxtaposition.
"""

from __future__ import annotations

import sympy as sp

from ..primitives import (
    ReLU,
    SoftmaxEntry,
)
from .context import INVERSES, FuncDef, builtin_function
from .syntax import FUNCTION_COMMANDS, LatexError, Node, NotCheckableError, OutOfRange
from .tokens import Token
from .tree import (
    _is_differential,
    _script_atom,
    atom_key,
    is_transpose_script,
    items_of,
    juxt_items,
    plain_text,
    relation_parts,
)
from .values import is_mat


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


class Calls:
    """Function heads and operators of the Interpreter (a mixin: it uses the interpreter's value())."""

    # -- functions

    def _composed(self, node):
        """f \\circ g of function names (scalar claims): f(g(x)), right to left; None otherwise."""
        args = list(node.args)
        if getattr(self.ctx, "network", False) or len(args) < 3 \
                or any(isinstance(a, Token) and str(a) != "\\circ" for a in args):
            return None
        parts = [a for a in args if not isinstance(a, Token)]
        heads = []
        for p in parts[:-1]:
            items = p.args if p.kind == "juxt" else ()
            head = self.function_head(items[0]) if len(items) == 1 else None
            if head is None:
                return None
            heads.append((items[0], head))
        val = self.value(parts[-1])
        for item, head in reversed(heads):
            val = self.call_value(item, head, val)
        return val

    def composed_call(self, items, i):
        """(f \\circ g)(x): the composition of function names applied, f(g(x)); (value, next index) or None."""
        it = items[i]
        nxt = items[i + 1] if i + 1 < len(items) else None
        if nxt is None or it.kind != "postfix" or it.scripts or it.args[0].kind != "paren" \
                or nxt.kind != "postfix" or nxt.scripts or nxt.args[0].kind != "paren":
            return None
        inner = items_of(it.args[0])
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
        val = self.value(nxt)
        for item, head in reversed(heads):
            val = self.call_value(item, head, val)
        return val, i + 2

    def v_cases(self, node):
        pieces = []
        for crow in node.args[1].args:
            if isinstance(crow, Token):
                continue
            parts = [c for c in crow.args if isinstance(c, Node)]
            val = self.value(parts[0])
            cond = self.condition(parts[1]) if len(parts) > 1 else sp.true
            pieces.append((val, cond))
        if any(is_mat(v) for v, _ in pieces):
            raise self.err("cases must be scalars", node)
        if pieces[-1][1] is not sp.true:
            pieces.append((sp.nan, True))
        return sp.Piecewise(*pieces)

    def function_head(self, it: Node):
        """(callable, name, needs_argument) if the postfix names a function, else None."""
        if it.kind != "postfix":
            return None
        base = it.args[0]
        if base.kind == "command" and str(base.args[0])[1:] in FUNCTION_COMMANDS:
            name = str(base.args[0])[1:]
            return (builtin_function(name, self.ctx.h0), name, True)
        if base.kind == "text" and str(base.args[0]) == "\\operatorname":
            body = "".join(str(t) for t in base.args[1:]).strip()
            f = self.ctx.function((body, False), it, self) if hasattr(self.ctx, "function") else None
            if f is None and builtin_function(body, self.ctx.h0) is None:
                raise self.err(f"unknown function \\operatorname{{{body}}}", it)
            if f is None:
                return (builtin_function(body, self.ctx.h0), body, True)
            return (f[0], f[1], True)
        if base.kind == "command" and str(base.args[0])[1:] in ("partial", "nabla"):
            return None
        key = atom_key(it)
        if key is None or not self.ctx.is_function_name(key, it):
            return None
        got = self.ctx.function(key, it, self)
        if got is None:
            return None
        has_prime = any(s[0] == "prime" for s in it.scripts)
        return (got[0], got[1], has_prime)

    def primed_function(self, it: Node, nxt: Node | None) -> Node:
        """(f^{1})'(z), {f^{1}}'(z): a function name with a superscript, bracketed for its prime (as
        documents print it) and applied to an argument, is that function's derivative, as f'(z) is."""
        if it.kind != "postfix" or it.args[0].kind not in ("paren", "brace") or not it.scripts or nxt is None \
                or any(s[0] != "prime" for s in it.scripts) or self.call_group(nxt) is None:
            return it
        inner = juxt_items(Node("brace", it.args[0].args, it.pos))
        if not inner or len(inner) != 1 or any(s[0] == "prime" for s in inner[0].scripts):
            return it
        merged = Node("postfix", inner[0].args, inner[0].pos, tuple(inner[0].scripts) + tuple(it.scripts),
                      inner[0].text)
        return merged if self.function_head(merged) is not None else it

    @staticmethod
    def call_group(nxt: Node) -> Node | None:
        """The parentheses of a call: (x) or [x], also as SymPy prints them, {\\left(x\\right)}."""
        if nxt.kind != "postfix":
            return None
        b = nxt.args[0]
        if b.kind in ("paren", "bracket"):
            return b
        if b.kind == "brace":
            inner = juxt_items(b)
            if inner and len(inner) == 1 and inner[0].kind == "postfix" and not inner[0].scripts \
                    and inner[0].args[0].kind == "paren":
                return inner[0].args[0]
        return None

    def can_be_argument(self, nxt: Node, head) -> bool:
        if nxt.kind != "postfix":
            return False
        if self.call_group(nxt) is not None:
            return True
        b = nxt.args[0]
        if b.kind in ("paren", "bracket"):
            return True
        # \ln x, \tanh z, \exp x: a bare atom (and its scripts) is the argument
        if head[1] in FUNCTION_COMMANDS and head[1] not in ("max", "min") and b.kind == "command" \
                and self.function_head(nxt) is not None:
            return False  # \\log \\sigma(x): the call that follows is the argument (see head_call)
        return head[1] in FUNCTION_COMMANDS and head[1] not in ("max", "min") and b.kind in (
            "letter", "command", "decor", "brace", "number", "text", "abs", "norm")

    def call(self, head_node: Node, head, arg_node: Node):
        f, name, _ = head
        b = self.call_group(arg_node)
        if b is not None:
            args_nodes = items_of(b)
            arg_scripts = list(arg_node.scripts)
        else:
            args_nodes = [arg_node]
            arg_scripts = []
        args = [self.value(a) for a in args_nodes]
        result = self.call_values(head_node, head, args)
        return self.apply_scripts(result, arg_scripts, arg_node)

    def call_value(self, head_node: Node, head, value):
        return self.call_values(head_node, head, [value])

    def call_values(self, head_node: Node, head, args):
        f, name, _ = head
        primes = sum(1 for s in head_node.scripts if s[0] == "prime")
        head_scripts = [s for s in head_node.scripts if s[0] != "prime"]
        # a subscript on the head belongs to it (softmax_i, f_2 as a layer): let the context read it
        head_sub = [s for s in head_scripts if s[0] == "sub"]
        powers = [s for s in head_scripts if s[0] == "sup"]
        consumed = getattr(f, "consumes", None)
        if consumed == "sup" and powers:
            powers = powers[1:]         # g^{[l]}: the superscript is the layer, not a power
        elif consumed == "sub" and head_sub:
            head_sub = head_sub[1:]
        if powers and name in INVERSES and not is_transpose_script(powers[0][1]) \
                and self.script_value(powers[0][1]) == -1:
            # \\sin^{-1} x is the inverse function, \\arcsin x (not 1/\\sin x)
            inv = INVERSES[name]
            # the table's own names (asinh, ...) are SymPy's where the claim dialect has no entry
            inv_f = (builtin_function(inv) or getattr(sp, inv)) if isinstance(inv, str) else inv
            self.alg.note(f"{name}^{{-1}} is read as the inverse function of {name}")
            head = (inv_f, inv if isinstance(inv, str) else name, True)
            f, name, _ = head
            powers = powers[1:]
        if name in ("log", "ln") and head_sub and name == "log" and len(args) == 1:
            base = self.script_value(head_sub[0][1])
            if is_mat(base):
                raise self.err("the base of a logarithm must be a number", head_node)
            result = self.apply_function(f, name, args, primes, [], head_node)
            result = self.alg.apply(lambda v: v / sp.log(base), result)
        elif name == "lg" and len(args) == 1:
            # \lg: log base 2 in computer science (Knuth, CLRS), base 10 in ISO 80000-2: two readings
            base = 2 if self.reading == "primary" else 10
            self.ambiguities.append(f"\\lg is read as the logarithm to base {base}")
            result = self.apply_function(f, "log", args, primes, head_sub, head_node)
            result = self.alg.apply(lambda v: v / sp.log(base), result)
        else:
            result = self.apply_function(f, name, args, primes, head_sub, head_node)
        for s in powers:
            if is_transpose_script(s[1]):
                result = self.alg.transpose(result)
            else:
                e = self.script_value(s[1])
                if e == -1 and not is_mat(result):
                    raise self.err(f"{name}^{{-1}} (an inverse function) is not supported", head_node)
                if is_mat(result) and not is_mat(e):
                    # \tanh^2(z) of a vector: the function's values squared, entry by entry
                    result = result.applyfunc(lambda v, e=e: self.alg.power(v, e))
                else:
                    result = self.alg.power(result, e)
        return result

    def apply_function(self, f, name, args, primes, head_sub, node):
        if f == "max" or f == "min":
            if len(args) < 2:
                raise self.err(f"\\{name} takes two or more arguments", node)
            if len(args) > 2:      # \max(a, b, c) = \max(\max(a, b), c)
                if primes or any(is_mat(a) for a in args):
                    raise self.err(f"\\{name} of more than two arguments is accepted for numbers only", node)
                acc = args[0]
                for a in args[1:]:
                    acc = self.apply_function(f, name, [acc, a], 0, head_sub, node)
                return acc
            a, b = args
            if primes:
                raise self.err(f"\\{name}' is not supported", node)
            if not is_mat(a) and a == 0 and f == "max":
                return self.alg.apply(lambda z: ReLU(z, self.ctx.h0), b)
            if not is_mat(b) and b == 0 and f == "max":
                return self.alg.apply(lambda z: ReLU(z, self.ctx.h0), a)
            if is_mat(a) or is_mat(b):
                raise self.err(f"\\{name} of matrices is only accepted as \\max(0, x)", node)
            if f == "max":
                return sp.Piecewise((a, a >= b), (b, True))
            return sp.Piecewise((a, a <= b), (b, True))
        if f == "softmax":
            return self.softmax(args, head_sub, primes, node)
        if head_sub and not getattr(f, "takes_sub", False):
            raise self.err(f"a subscript on {name} is not understood", node)
        if primes:
            if len(args) != 1:
                raise self.err("a prime is accepted on functions of one argument", node)
            if primes > 2:
                raise self.err("at most two primes are accepted", node)
            if getattr(f, "bind", None) is not None:
                f = f.bind(args[0])
            t = sp.Dummy("t", real=True)
            body = f(t)
            if is_mat(body):
                raise self.err("cannot differentiate a matrix-valued function", node)
            d = sp.diff(body, t, primes)
            domains = getattr(self.ctx, "domains", None)
            if domains is not None and not is_mat(args[0]):    # f'(z) exists only where f(z) does
                domains.append(body.xreplace({t: args[0]}))
            return self.alg.apply(lambda z: d.xreplace({t: z}), args[0])
        if len(args) == 1:
            return self.alg.apply(f, args[0]) if not getattr(f, "vector_aware", False) else f(args[0])
        if getattr(f, "multi", False):
            return f(*args)
        raise self.err(f"{name} takes one argument", node)

    def softmax(self, args, head_sub, primes, node):
        if primes:
            raise self.err("softmax' is not a scalar derivative; differentiate an entry instead", node)
        if len(args) == 1 and is_mat(args[0]):
            zs = list(args[0])
        elif len(args) > 1:
            zs = list(args)
        else:
            raise self.err("softmax needs a vector (or a list of entries)", node)
        vec = sp.Matrix([SoftmaxEntry(k, *zs) for k in range(len(zs))])
        if head_sub:
            k = self.index_label(head_sub[0][1])
            if not k.isdigit() or not 1 <= int(k) <= len(zs):
                raise OutOfRange(f"softmax entry {k}")
            return vec[int(k) - 1]
        return vec

    def call_defined(self, fd: FuncDef, args):
        if len(args) != len(fd.params):
            raise LatexError(f"{fd.name} takes {len(fd.params)} argument(s), got {len(args)}")
        ctx = self.ctx
        saved = {p: ctx.defs.symbols.get(p) for p in fd.params}
        ctx.depth += 1
        if ctx.depth > 30:
            raise LatexError(f"definition of {fd.name} refers to itself")
        try:
            # parameters are bound as constant definitions for the body
            for p, a in zip(fd.params, args):
                ctx.defs.symbols[p] = Node("const", (a,))
            hidden = ctx.hidden
            ctx.hidden = hidden - set(fd.params)
            try:
                return self.value(fd.body)
            finally:
                ctx.hidden = hidden
        finally:
            ctx.depth -= 1
            for p, v in saved.items():
                if v is None:
                    ctx.defs.symbols.pop(p, None)
                else:
                    ctx.defs.symbols[p] = v

    def v_const(self, node):
        return node.args[0]

    # -- operators: \frac{d}{dx}, \frac{\partial}{\partial x}, \sum

    def operator(self, it: Node):
        if it.kind != "postfix":
            return None
        b = it.args[0]
        if b.kind == "sum":
            return lambda rest: self.sum_op(it, rest)
        if b.kind == "prod":
            return lambda rest: self.sum_op(it, rest, product=True)
        if b.kind == "command" and str(b.args[0]) == "\\nabla":
            subs = [s for s in it.scripts if s[0] == "sub"]
            if not it.scripts and hasattr(self.ctx, "full_gradient"):
                # \\nabla C of a network: the gradient with respect to every weight and bias
                return lambda rest: self.ctx.full_gradient(lambda: self.juxt(rest), self)
            if len(subs) != 1 or len(it.scripts) != 1:
                raise self.err("write a gradient as \\nabla_{x} f (with the variable as a subscript)", it)
            var = _script_atom(subs[0][1])
            if var is None:
                raise self.err("the variable of \\nabla_{...} must be one symbol", it)
            return lambda rest: self.derivative(lambda: self.juxt(rest), rest, var, 1, it)
        if b.kind == "command" and str(b.args[0]) == "\\partial":
            subs = [x for x in it.scripts if x[0] == "sub"]
            if len(subs) == 1 and len(it.scripts) == 1:
                var = _script_atom(subs[0][1])
                if var is None:
                    several = _script_letters(subs[0][1])
                    if several is None:
                        raise self.err("the variable of \\partial_{...} must be one symbol", it)
                    return lambda rest: self._mixed(rest, several, it)
                return lambda rest: self.derivative(lambda: self.juxt(rest), rest, var, 1, it)
            return None
        if b.kind == "int":
            return lambda rest: self.integral(it, rest)
        if b.kind == "lim":
            return lambda rest: self.limit(it, rest)
        if b.kind == "frac":
            parts = self.derivative_parts(b)
            if parts is not None and parts[0] is None:
                var, order = parts[1], parts[2]
                if it.scripts:
                    raise self.err("scripts on a derivative operator are not supported", it)
                return lambda rest: self.derivative(lambda: self.juxt(rest), rest, var, order, it)
        return None

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
            with time_budget(2.0):
                out = sp.integrate(explicit(body), (t, a, b))
        except (OverBudget, NotImplementedError, ValueError, TypeError):
            out = None
        if out is None or out.has(sp.Integral):
            raise NotCheckableError("SymPy does not find this integral in closed form (within 2 s)")
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

    def derivative_parts(self, frac: Node):
        """(numerator items or None for an operator, variable node, order) for d/dx-style fracs.

        A mixed partial \\frac{\\partial^2 f}{\\partial x \\partial y} has as its variable a node of kind
        'vars' holding the variables in order; \\frac{d^2 f}{dx^2} has one variable and order 2."""
        num = juxt_items(frac.args[1])
        den = juxt_items(frac.args[2])
        if not num or not den:
            return None
        if not _is_differential(num[0]) or not _is_differential(den[0]) or len(den) < 2 or len(den) % 2:
            return None
        order = 1
        sup = [s for s in num[0].scripts if s[0] == "sup"]
        if sup:
            t = plain_text(sup[0][1])
            if t is None or not t.isdigit() or not 1 <= int(t) <= 4:
                return None
            order = int(t)
        pairs = [(den[k], den[k + 1]) for k in range(0, len(den), 2)]
        if any(not _is_differential(d) for d, _ in pairs):
            return None
        variables = [var for _, var in pairs]
        if len(variables) != order:
            # dx^2 in the denominator is x twice (but W^{2} in \\partial W^{2} is a layer, not a power)
            variables = []
            for _, var in pairs:
                power = 1
                vs = [s for s in var.scripts if s[0] == "sup"]
                if vs and (plain_text(vs[-1][1]) or "").isdigit():
                    power = int(plain_text(vs[-1][1]))
                    var = Node("postfix", var.args, var.pos, tuple(s for s in var.scripts if s is not vs[-1]),
                               var.text)
                variables.extend([var] * power)
        if len(variables) != order:
            raise self.err(f"the numerator says order {order} but the denominator has {len(variables)}"
                           " differentiation(s): write \\frac{d^2 f}{dx^2} or \\frac{\\partial^2 f}{\\partial x"
                           " \\partial y}", frac)
        if len(set(id(v) for v in variables)) == 1 or all(v is variables[0] for v in variables):
            return (num[1:] or None, variables[0], order)
        if len({(v.text or "") for v in variables}) == 1:
            return (num[1:] or None, variables[0], order)
        return (num[1:] or None, Node("vars", tuple(variables), frac.pos), 1)

    def v_frac_derivative(self, frac: Node, parts):
        num_items, var, order = parts
        return self.derivative(lambda: self.numerator_value(num_items, var), num_items, var, order, frac)

    def numerator_value(self, items, var):
        """A derivative's numerator; a bare function name means that function of the variable."""
        if len(items) == 1:
            head = self.function_head(items[0])
            if head is not None and getattr(self.ctx, "network", False):
                self._bare = True  # a bare function name in a network claim is element-wise
            if head is not None and getattr(head[0], "is_loss", False):
                head = None     # the cost letter written alone: the cost itself
            if head is not None and not any(s[0] == "prime" for s in items[0].scripts):
                f, name, _ = head
                defs = getattr(getattr(self.ctx, "defs", None), "functions", {})
                if name in getattr(self.ctx, "function_letters", ()) or len(getattr(defs.get(name), "params", "x")) > 1:
                    return self.ctx.bare_function_value(items[0], head, self)   # f of its arguments
                if var.kind == "vars":
                    raise self.err(f"write the arguments of {name} in a mixed partial derivative", items[0])
                v = self.ctx.derivative_variable_value(var, self)
                return self.apply_function(f, name, [v], 0, [], items[0])
            if head is None and hasattr(self.ctx, "undefined_numerator"):
                missing = self.ctx.undefined_numerator(items[0], var, self)
                if missing:
                    raise self.err(f"{missing} is not defined: {self.ctx.undefined_hint(missing)}", items[0])
        return self.juxt(items)

    def derivative(self, thunk, items, var: Node, order: int, node: Node):
        if var.kind == "vars":
            # d^2/(dx dy) f: differentiate by the last variable first
            def by(inner, v):
                return lambda: self.ctx.derivative(inner, v, 1, self, node)

            inner = thunk
            for v in reversed(var.args):
                inner = by(inner, v)
            return inner()
        return self.ctx.derivative(thunk, var, order, self, node)

    def sum_op(self, it: Node, rest: list[Node], product: bool = False):
        lo = hi = None
        var = None
        for s in it.scripts:
            if s[0] == "sub":
                sub = s[1]
                if sub.kind == "sletter":
                    var = str(sub.args[0])
                else:
                    items = items_of(sub) if sub.kind == "sbrace" else []
                    if len(items) != 1:
                        raise self.err("cannot read the summation index", it)
                    sides, ops = relation_parts(items[0]) if items[0].kind == "relation" else ([items[0]], [])
                    t = plain_text(sides[0])
                    if t is None or not (len(t) == 1 and t.isalpha()):
                        raise self.err("the summation index must be one letter", it)
                    var = t
                    if ops:
                        lo = sides[1]
            elif s[0] == "sup":
                hi = s[1]
            else:
                raise self.err("a prime on \\sum is not understood", it)
        if product:
            return self.ctx.product(var, lo, hi, rest, self, it)
        return self.ctx.sum(var, lo, hi, rest, self, it)

    # convenience for contexts
    def bound_value(self, node: Node):
        v = self.script_value(node) if node.kind.startswith("s") else self.value(node)
        return v
