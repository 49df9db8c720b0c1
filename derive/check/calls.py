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
from .analysis import Analysis, Antiderivative, LimitDoesNotExist, _closed, _differ, _script_letters  # noqa: F401
from .context import INVERSES, SUBSCRIPTED_FUNCTIONS, FuncDef, builtin_function
from .densities import density_head
from .index_sums import sum_parts, term_at
from .syntax import FUNCTION_COMMANDS, LatexError, Node, OutOfRange
from .tokens import Token
from .tree import (
    _is_differential,
    _script_atom,
    atom_key,
    is_transpose_script,
    items_of,
    iter_nodes,
    juxt_items,
    only_argument,
    plain_text,
)
from .values import is_mat


class Calls(Analysis):
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

    def v_cases(self, node):
        pieces = []
        for crow in node.args[1].args:
            if isinstance(crow, Token):
                continue
            parts = [c for c in crow.args if isinstance(c, Node)]
            val = self.value(parts[0])
            pieces.append((val, self.condition(parts[1]) if len(parts) > 1 else True))
        # cases on matrices act entry by entry (a derivation's ELU' on Z^1): every matrix has one shape
        mats = [m for v, c in pieces for m in (v, *_cond_values(c)) if is_mat(m)]
        shapes = {m.shape for m in mats}
        if len(shapes) > 1:
            raise self.err("the cases compare or give matrices of different shapes", node)
        if not mats:
            return self._piecewise(pieces, lambda x: x, node)
        rows, cols = shapes.pop()
        return sp.Matrix(rows, cols, lambda i, j: self._piecewise(
            pieces, lambda x: x[i, j] if is_mat(x) else x, node))

    def _piecewise(self, pieces, entry, node):
        out = [(entry(v), self._relation(c, entry, node)) for v, c in pieces]
        if out[-1][1] is not True:
            out.append((sp.nan, True))
        return sp.Piecewise(*out)

    def condition(self, node):
        """A case's condition, read: True (otherwise), ("and", parts) or (left value, operator, right value)."""
        if node.kind == "cond_text":
            body = "".join(str(t) for t in node.args[1:] if isinstance(t, Token) and t.type == "TEXTBODY")
            rest = [c for c in node.args if isinstance(c, Node)]
            if rest:
                return self.condition(rest[0])
            if body.strip().lower() in ("otherwise", "else", "sonst"):
                return True
            raise self.err(f"cannot read the condition {body!r}", node)
        if node.kind == "cond_and":
            return ("and", [self.condition(c) for c in node.args])
        lhs, op, rhs = node.args
        return self.value(lhs), str(op), self.value(rhs)

    def _relation(self, cond, entry, node):
        """The SymPy relation of a read condition, at one entry of its matrices."""
        if cond is True:
            return True
        if cond[0] == "and":
            return sp.And(*[self._relation(c, entry, node) for c in cond[1]])
        a, o, b = entry(cond[0]), cond[1], entry(cond[2])
        rel = {">": sp.StrictGreaterThan, "\\gt": sp.StrictGreaterThan, "<": sp.StrictLessThan,
               "\\lt": sp.StrictLessThan, "\\le": sp.LessThan, "\\leq": sp.LessThan, "\\leqslant": sp.LessThan,
               "\\ge": sp.GreaterThan, "\\geq": sp.GreaterThan, "\\geqslant": sp.GreaterThan, "\\ne": sp.Ne,
               "\\neq": sp.Ne, "=": sp.Eq}.get(o)
        if rel is None:
            raise self.err(f"cannot use {o} in a case's condition", node)
        return rel(a, b)

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
        if (dens := density_head(it, lambda msg: self.err(msg, it))) is not None:
            return dens     # \mathcal{N}(x | \mu, \sigma^2): the normal density
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
        entries = None
        if f == "softmax" and len(args_nodes) == 1 and hasattr(self.ctx, "entries_of"):
            entries = self.ctx.entries_of(args_nodes[0], self)   # softmax(z + c) of a vector z of length K
        args = [sp.Matrix(entries)] if entries else [self.value(a) for a in args_nodes]
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
        variant = SUBSCRIPTED_FUNCTIONS.get((name.lower(), _sub_word(head_sub[0][1]))) if head_sub else None
        if variant and len(head_sub) == 1:
            f, head_sub = builtin_function(variant, self.ctx.h0), []
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
            m = args[0]
            # a batch is normalised per sample: per column, or per row in row layout; a vector keeps its shape
            by_rows = m.rows == 1 or (m.cols > 1 and getattr(self.ctx, "row_layout", False))
            if not head_sub and (m.rows > 1 and m.cols > 1 or by_rows):
                return self.softmax_batch(m, by_rows)
            zs = list(m)
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

    @staticmethod
    def softmax_batch(m, by_rows: bool):
        """softmax of each sample of a batch matrix: its rows (row layout) or its columns."""
        if by_rows:
            return sp.Matrix([[SoftmaxEntry(k, *m.row(r)) for k in range(m.cols)] for r in range(m.rows)])
        return sp.Matrix([[SoftmaxEntry(r, *m.col(c)) for c in range(m.cols)] for r in range(m.rows)])

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
            if not it.scripts:
                # \\nabla E(\\mathbf{w}), \\nabla f(x): the gradient with respect to the one argument
                return lambda rest: self.derivative(lambda: self.juxt(rest), rest, self._only_argument(rest, it), 1,
                                                    it)
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

    def _only_argument(self, rest: list, it: Node) -> Node:
        got = only_argument(rest)
        if got is None:
            raise self.err("write a gradient as \\nabla_{x} f (with the variable as a subscript)", it)
        return got

    def operand_length(self, it: Node, rest: list) -> int:
        """How many of the items after an operator it acts on: all of them, except that in a network claim
        \nabla_{a^{(k)}} J \\, h^{(k-1)\top} (Goodfellow's algorithm 6.4) is the gradient of the cost J
        times h^T: a gradient of the cost letter ends at the letter."""
        b = it.args[0] if it.kind == "postfix" else None
        resolve = getattr(self.ctx, "resolve", None)
        if (len(rest) > 1 and resolve is not None and b is not None and b.kind == "command"
                and str(b.args[0]) == "\\nabla" and it.scripts and rest[0].kind == "postfix"):
            try:
                got = resolve(rest[0], self)
            except LatexError:
                got = None
            if got is not None and got[0] == "loss" and not got[2]:
                # J(W, b; x, y): the cost's arguments belong to it
                args = rest[1].kind == "postfix" and rest[1].args[0].kind == "paren" and not rest[1].scripts
                took = 2 if args else 1
                return took if took < len(rest) else len(rest)
        return len(rest)

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
        var, op, other, hi, problem = sum_parts(it)
        if problem:
            raise self.err(problem, it)
        lo = other if op == "=" else None
        exclude = other if op in ("\\neq", "\\ne") else None      # \\sum_{j \\neq y_i}: every j but one
        if product:
            if exclude is not None:
                raise self.err("a product over every index but one is not supported", it)
            return self.ctx.product(var, lo, hi, rest, self, it)
        total = self.ctx.sum(var, lo, hi, rest, self, it)
        if exclude is not None:
            total = self.alg.add(total, -term_at(self, var, exclude, rest, it))
        return total

    # convenience for contexts
    def bound_value(self, node: Node):
        v = self.script_value(node) if node.kind.startswith("s") else self.value(node)
        return v


def _sub_word(node) -> str:
    """A subscript as one word: GELU_{\\tanh} gives 'tanh' (control words without their backslash)."""
    words = [str(n.args[0]).lstrip("\\") for n in iter_nodes(node) if n.kind in ("command", "scmd", "letter",
                                                                                    "sletter") and n.args]
    return "".join(words)


def _cond_values(cond) -> tuple:
    """The values a read condition compares (for the shapes of cases on matrices)."""
    if cond is True:
        return ()
    if cond[0] == "and":
        return tuple(v for c in cond[1] for v in _cond_values(c))
    return cond[0], cond[2]
