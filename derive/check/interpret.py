"""The claim reader's second stage: the AST given a meaning (SymPy values) in a context.

Every construct of the dialect has one meaning here; juxtaposition is resolved with knowledge of
which names are functions: ``y(1-y)`` is a product, ``\\sigma(z)`` a call, ``\\frac{d}{dx}`` an
operator on what follows. Function heads, calls, derivative operators and sums are in ``calls``.
"""

from __future__ import annotations

import sympy as sp

from .calls import Calls
from .index_sums import index_equality, index_extremum, primed_index
from .leibniz import leibniz_slashes
from .syntax import FUNCTION_COMMANDS, MAX_MATRIX, LatexError, NeedsSize, Node, ShapeMismatch
from .tokens import Token
from .tree import (
    _is_one,
    _mentions_bare,
    atom_key,
    is_transpose_script,
    items_of,
    juxt_items,
    merge_brace,
    number,
    ones_vector,
    plain_text,
    relation_parts,
)
from .values import Algebra, fmt_shape, is_mat

# ---------------------------------------------------------------------------------------------
# The interpreter


class Interpreter(Calls):
    """AST -> SymPy value in a context; every construct of the dialect has one meaning here."""

    def __init__(self, ctx, source: str = "", what: str = "claim", reading: str = "primary"):
        self.ctx = ctx
        self.alg = Algebra(getattr(ctx, "vector_square", "norm"))
        profile = getattr(ctx, "profile", None)
        self.alg.broadcast = bool(profile is not None and hasattr(profile, "extra") and profile.extra("broadcast"))
        self.alg.row_layout = bool(getattr(ctx, "row_layout", False))
        self.src = source
        self.what = what
        # where a spelling has two readings (\\ln xy, a/bc): which one to take, and where they were
        self.reading = reading
        self.ambiguities: list[str] = []

    def err(self, msg, node: Node | None):
        return LatexError(msg, self.src if node is not None else None, node.pos if node is not None else None,
                          self.what)

    # -- entry points

    def value(self, node):
        try:
            return self._value(node)
        except RecursionError:
            raise self.err("the formula is nested too deeply", node) from None

    def _value(self, node):
        k = node.kind
        m = getattr(self, "v_" + k, None)
        if m is None:
            raise self.err(f"{k} is not supported here", node)
        try:
            return m(node)
        except LatexError as e:
            if e.pos is None and self.src:
                # the innermost node that knows where it is names the position
                raise LatexError(e.plain, self.src, node.pos, self.what) from None
            raise

    # -- structure

    def v_relation(self, node):
        sides, ops = relation_parts(node)
        if ops:
            raise self.err(f"a relation ({ops[0]}) cannot appear inside an expression", node)
        return self.value(sides[0])

    def v_list(self, node):
        items = [x for x in node.args if isinstance(x, Node)]
        if len(items) != 1:
            raise self.err("a comma-separated list is only accepted as function arguments", node)
        return self.value(items[0])

    def v_expr(self, node):
        total = None
        sign = 1
        op = "+"
        for c in node.args:
            if isinstance(c, Node) and c.kind == "sign":
                sign = -1 if str(c.args[0]) != "+" else 1
                continue
            if isinstance(c, Token):
                op = str(c)
                continue
            v = self.value(c)
            if sign == -1:
                v = -v
                sign = 1
            if total is None:
                total = v
            else:
                total = self.alg.add(total, v if op == "+" else -v)
        return total

    def v_term(self, node):
        composed = self._composed(node)
        if composed is not None:
            return composed
        node = leibniz_slashes(node)
        acc = None
        op = None
        neg = False
        for c in node.args:
            if isinstance(c, Token):
                op = str(c)
                continue
            if c.kind == "sign":
                neg = str(c.args[0]) != "+"
                continue
            if op == "/" and c.kind == "juxt" and len(c.args) > 1 and self.operator(c.args[0]) is None:
                first = (c.args[0].text or "?").strip()
                rest = " ".join((x.text or "?").strip() for x in c.args[1:])
                if self.reading == "primary":
                    self.ambiguities.append(f"/{first} {rest} is read as a division by {first} {rest}")
                else:
                    self.ambiguities.append(f"/{first} {rest} is read as a division by {first} alone")
                    v = self.value(c.args[0])
                    acc = self.mul(acc, v, op, c)
                    v, op = self.juxt(list(c.args[1:])), None
                    if neg:
                        v, neg = -v, False
                    acc = self.mul(acc, v, None, c)
                    continue
            v = self.value(c)
            if neg:
                v, neg = -v, False
            acc = v if acc is None else self.mul(acc, v, op, c)
        return acc

    def mul(self, a, b, op, node):
        try:
            return self.alg.mul(a, b, op or "juxt")
        except ShapeMismatch:
            raise

    def v_juxt(self, node):
        return self.juxt(list(node.args))

    def juxt(self, items: list[Node]):
        factors = []
        i = 0
        grad = getattr(self.ctx, "gradient_prefix", None)
        items = [merge_brace(x) for x in items]
        items = [self.primed_function(x, items[k + 1] if k + 1 < len(items) else None) for k, x in enumerate(items)]
        while i < len(items):
            it = items[i]
            g = grad(items, i, self) if grad is not None else None
            if g is not None:   # dW^{[l]}: a gradient in Ng's or CS231n's notation
                factors.append(g)
                i += 2
                continue
            op = self.operator(it)
            if op is not None:
                rest = items[i + 1:]
                if not rest:
                    raise self.err("this operator needs something to act on", it)
                took = self.operand_length(it, rest)
                factors.append(op(rest[:took]))
                if took == len(rest):
                    break
                i += 1 + took
                continue
            ind = self.indicator_at(items, i)
            if ind is not None:
                factors.append(ind)
                i += 2
                continue
            got = self.composed_call(items, i) if not getattr(self.ctx, "network", False) else None
            if got is not None:         # (f \circ g)(x)
                factors.append(got[0])
                i = got[1]
                continue
            head = self.function_head(it)
            if head is not None:
                got = self.head_call(items, i, head)
                if got is not None:
                    factors.append(got[0])
                    i = got[1]
                    continue
                bare = self.ctx.bare_function_value(it, head, self) if hasattr(self.ctx, "bare_function_value") \
                    else None
                if bare is not None:
                    factors.append(bare)
                    i += 1
                    continue
                if head[2]:
                    raise self.err(f"{it.text or 'this function'} needs an argument in parentheses", it)
            factors.append(self.value(it))
            i += 1
        acc = factors[0]
        for f in factors[1:]:
            acc = self.alg.mul(acc, f, "juxt")
        return acc

    def head_call(self, items, i, head):
        """A function head at items[i] with its argument: (value, next index), or None.

        Parentheses delimit the argument; a named function written without them (\\sin x,
        \\ln xy, \\log \\sum_j e^{z_j}, \\log \\sigma(x)) takes what follows: an operator with what it
        acts on, a call, or a run of symbols and numbers. A run of more than one (\\ln xy) has two
        readings, ln(xy) and (ln x)y: the interpreter takes the one ``reading`` names and records
        the spot, so that the decider can decide under both.
        """
        it = items[i]
        nxt = items[i + 1] if i + 1 < len(items) else None
        if nxt is None:
            return None
        if (got := index_extremum(self, items, i, head)) is not None:
            return got      # \max_k z_k: the largest entry
        bound = getattr(self.ctx, "bare_functions", {})
        if head[1] in bound and nxt.kind == "postfix" and nxt.args[0].kind == "paren" \
                and _mentions_bare(nxt.args[0], set(bound)):
            return None  # \\sigma(1-\\sigma) in a claim about d\\sigma/dz: a product of shorthands
        if self.call_group(nxt) is not None:
            return self.call(it, head, nxt), i + 2
        if nxt.kind == "postfix" and nxt.args[0].kind == "matrix":     # \det \begin{pmatrix}...: delimited too
            return self.call_value(it, head, self.value(nxt)), i + 2
        named = it.kind == "postfix" and it.args[0].kind in ("command", "text")
        if not named or head[1] in ("max", "min", "softmax"):
            return None
        if self.operator(nxt) is not None:
            return self.call_value(it, head, self.juxt(items[i + 1:])), len(items)
        inner_head = self.function_head(nxt)
        if inner_head is not None:
            inner = self.head_call(items, i + 1, inner_head)
            if inner is not None:
                return self.call_value(it, head, inner[0]), inner[1]
            if head[1] in FUNCTION_COMMANDS and not inner_head[2] and (
                    i + 2 == len(items) or not self._absorbable(items[i + 2])):
                # \log \sigma_j^2: a letter that may name a function stands alone here, a symbol
                return self.call_value(it, head, self.juxt([items[i + 1]])), i + 2
            return None
        j = i + 1
        while j < len(items) and self._absorbable(items[j]):
            j += 1
        if j == i + 1:
            return None
        # a leading number binds to what follows it (\\sin 2x is sin(2x)); more symbols after the
        # first (\\ln xy, \\sin x y) could be inside the argument or a factor after the call
        lead = 1 if items[i + 1].args[0].kind == "number" and j > i + 2 else 0
        tight = i + 2 + lead
        end = tight
        if j > tight:
            shown = " ".join((x.text or "?").strip() for x in items[i + 1:j])
            inside = " ".join((x.text or "?").strip() for x in items[i + 1:tight])
            head_txt = (it.text or head[1]).strip()
            if self.reading == "primary":
                self.ambiguities.append(f"{head_txt} {shown} is read as {head[1]}({shown})")
                end = j
            else:
                self.ambiguities.append(f"{head_txt} {shown} is read as {head[1]}({inside}) times the rest")
        arg = self.value(items[i + 1]) if end == i + 2 else self.juxt(list(items[i + 1:end]))
        return self.call_value(it, head, arg), end

    def _absorbable(self, it: Node) -> bool:
        """An item a bare function argument runs over: a symbol, number or fraction (not a call,
        a bracket or an operator)."""
        if it.kind != "postfix" or self.operator(it) is not None:
            return False
        b = it.args[0]
        if b.kind not in ("letter", "number", "command", "decor", "text", "frac", "sqrt", "brace", "abs",
                          "norm"):
            return False
        if b.kind == "command" and str(b.args[0])[1:] in ("partial", "nabla"):
            return False
        try:
            return self.function_head(it) is None
        except LatexError:
            return False

    def indicator_at(self, items, i):
        """\\mathbb{1}[z > 0] or \\mathbb{1}(z > 0) (an indicator with its condition beside it), or None."""
        it = items[i]
        if not _is_one(it) or it.scripts or i + 1 >= len(items):
            return None
        nxt = items[i + 1]
        if nxt.kind != "postfix" or nxt.args[0].kind not in ("bracket", "paren") or nxt.scripts:
            return None
        inner = items_of(nxt.args[0])
        if len(inner) != 1 or inner[0].kind != "relation" or len(relation_parts(inner[0])[1]) != 1:
            return None
        return self.indicator(inner[0])

    def indicator(self, rel: Node):
        sides, ops = relation_parts(rel)
        o = ops[0]
        if o not in ("=", ">", "<", "\\le", "\\leq", "\\leqslant", "\\ge", "\\geq", "\\geqslant", "\\ne",
                     "\\neq", "\\lt", "\\gt"):
            raise self.err("an indicator needs a comparison, as in \\mathbb{1}[z > 0]", rel)
        a, b = self.value(sides[0]), self.value(sides[1])
        if is_mat(b):
            raise self.err("an indicator compares with a number, as in \\mathbb{1}[z > 0]", rel)
        if o == "=":
            return index_equality(self, a, b, rel)

        def one(v):
            c = {">": sp.StrictGreaterThan, "\\gt": sp.StrictGreaterThan, "<": sp.StrictLessThan,
                 "\\lt": sp.StrictLessThan, "\\le": sp.LessThan, "\\leq": sp.LessThan,
                 "\\leqslant": sp.LessThan, "\\ge": sp.GreaterThan, "\\geq": sp.GreaterThan,
                 "\\geqslant": sp.GreaterThan, "\\ne": sp.Ne, "\\neq": sp.Ne}[o](v, b)
            return sp.Piecewise((sp.Integer(1), c), (sp.Integer(0), True))
        return self.alg.apply(one, a)

    # -- atoms and scripts

    def v_postfix(self, node):
        base = node.args[0]
        if _is_one(node) and len(node.scripts) == 1 and node.scripts[0][0] == "sub":
            sarg = node.scripts[0][1]
            inner = items_of(sarg) if sarg.kind == "sbrace" else []
            if len(inner) == 1 and inner[0].kind == "relation" and relation_parts(inner[0])[1]:
                return self.indicator(inner[0])
        if base.kind == "text" and "".join(str(t) for t in base.args[1:]).strip().isdigit():
            return self.apply_scripts(self.value(base), list(node.scripts), node)   # \mathit{21} is 21
        if base.kind == "norm":
            scripts = [s for s in node.scripts if not (s[0] == "sub" and plain_text(s[1]) in ("2", "F"))]
            return self.apply_scripts(self.value(base), scripts, node)
        if base.kind == "decor" and node.scripts and node.scripts[0][0] == "sub" and ones_vector(base):
            # \mathbf{1}_{N}: the column of N ones (b \mathbf{1}_N^\top repeats b over the batch)
            n = self.script_value(node.scripts[0][1])
            if not (isinstance(n, sp.Integer) and n > 0):
                raise self.err("the length of a vector of ones must be a whole number", node)
            return self.apply_scripts(sp.ones(int(n), 1), list(node.scripts[1:]), node)
        if base.kind in ("letter", "command", "decor", "text") and atom_key(node) is not None \
                and not (base.kind == "command" and str(base.args[0])[1:] in FUNCTION_COMMANDS):
            key = atom_key(node)
            if key[0] in ("partial", "nabla"):
                raise self.err(f"\\{key[0]} is only accepted in a derivative", node)
            val, rest = self.ctx.scalar_symbol(node, self)
            return self.apply_scripts(val, rest, node)
        if base.kind in ("command",) and str(base.args[0])[1:] in FUNCTION_COMMANDS:
            raise self.err(f"{base.args[0]} needs an argument", node)
        val = self.value(base)
        return self.apply_scripts(val, list(node.scripts), node)

    def apply_scripts(self, val, scripts, node):
        for s in scripts:
            if s[0] == "prime" and self._implicit_prime(node):
                # (fg)', y' with y defined: the derivative by the claim's variable (f' for f(x))
                x = self.ctx.sym(self.ctx.implicit_default[0])
                domains = getattr(self.ctx, "domains", None)
                if domains is not None:
                    domains.extend(e for e in (list(val) if is_mat(val) else [val]) if isinstance(e, sp.Basic))
                val = self.alg.apply(lambda e, x=x: sp.diff(e, x), val)
                continue
            if s[0] == "prime" and isinstance(val, sp.Symbol) and not val.is_integer \
                    and getattr(self.ctx, "network", False) is False:
                # \alpha', x'_1: a symbol of its own (nothing defines the unprimed one as a function)
                primed = self.ctx.sym(val.name + "'")
                self.alg.note(f"{val.name}' is read as a symbol of its own ({val.name} is not defined as a"
                              f" function; give --given '{val.name} = ...' to differentiate it)")
                val = primed
                continue
            if s[0] == "prime":
                key = atom_key(node) if node.kind == "postfix" else None
                if key is not None and len(key[0]) == 1 and not key[1]:
                    raise self.err(f"{key[0]} is not defined: give it with --given '{key[0]}(x) = ...' (a prime"
                                   " (') is only accepted on a function name, as in f'(x))", node)
                raise self.err("a prime (') is only accepted on a function name, as in f'(x)", node)
            if s[0] == "sub":
                if node.kind == "postfix" and node.args[0].kind in ("paren", "bracket") \
                        and hasattr(self.ctx, "select"):
                    # (\cdots)_{j}: entry j (of a 1x1 value too, read as a number)
                    val = self.ctx.select(val if is_mat(val) else sp.Matrix([[val]]), s[1], None, self)
                    continue
                raise self.err("a subscript is only accepted on a symbol", node)
            if is_transpose_script(s[1]):
                val = self.alg.transpose(val)
                continue
            if s[1].kind == "shadamard":       # A^{\circ n}: every entry to the power n
                e = self.value(items_of(s[1])[0])
                val = val.applyfunc(lambda x: self.alg.power(x, e)) if is_mat(val) else self.alg.power(val, e)
                continue
            e = self.script_value(s[1])
            val = self.alg.power(val, e)
        return val

    def _implicit_prime(self, node: Node) -> bool:
        """A prime on a bracketed expression, or on a symbol the definitions give a value."""
        if node.kind != "postfix" or not hasattr(self.ctx, "implicit_default"):
            return False
        if node.args[0].kind in ("paren", "bracket", "brace"):
            return True
        key = atom_key(node)
        return key is not None and not key[1] and key[0] in self.ctx.defs.symbols

    def script_value(self, sarg: Node):
        n = sarg
        if n.kind == "sbrace":
            items = items_of(n)
            if len(items) != 1:
                raise self.err("a superscript must be one expression", n)
            return self.value(items[0])
        if n.kind == "sletter":
            if str(n.args[0]) in "+-":    # 0^+ marks a one-sided limit's point; it is no value
                raise self.err(f"a script {n.args[0]} alone is only understood in a limit (x \\to 0^{n.args[0]})", n)
            fake = Node("postfix", (Node("letter", n.args, n.pos),), n.pos, (), str(n.args[0]))
            return self.value(fake)
        if n.kind == "snumber":
            t = str(n.args[0])
            if len(t) > 1 and "." not in t:
                raise self.err(f"ambiguous script ^{t}: LaTeX reads it as ^{t[0]} followed by {t[1:]};"
                               f" write ^{{{t}}}", n)
            return number(t)
        if n.kind == "scmd":
            fake = Node("postfix", (Node("command", n.args, n.pos),), n.pos, (), str(n.args[0]))
            return self.value(fake)
        raise self.err("unsupported script", n)

    def index_label(self, sarg: Node) -> str:
        """A subscript as a name part: digits, letters (instantiated if indices), comma lists."""
        n = sarg
        if n.kind == "sletter":
            if str(n.args[0]) in "+-":
                raise self.err(f"a subscript {n.args[0]} alone is not an index", n)
            return self.index_text(str(n.args[0]))
        if n.kind == "snumber":
            return str(n.args[0])
        if n.kind == "scmd":
            return str(n.args[0])[1:]
        if n.kind == "stop":
            return "T"
        items = items_of(n)
        parts = []
        for it in items:
            t = plain_text(it) or primed_index(it)      # a_{c'}: a primed index letter
            if t is not None and (t.isdigit() or (len(t.rstrip("'")) == 1 and t.rstrip("'").isalpha())):
                parts.append(t if t.isdigit() else self.index_text(t))
            elif t is not None and t.isalnum():
                # w_{jk}: two single-letter indices written together
                if len(t) <= 3 and all(ch.isdigit() or ch in self.ctx.indices for ch in t) \
                        and any(ch.isalpha() for ch in t):
                    # also W^{2}_{1j}: a unit number and an index letter written together
                    parts.append(",".join(self.index_text(ch) if ch.isalpha() else ch for ch in t))
                else:
                    parts.append(t)
            else:
                v = self.value(it)
                if not (not is_mat(v) and v.is_Integer):
                    raise self.err("an index must be a whole number or an index letter", it)
                parts.append(str(int(v)))
        return ",".join(parts)

    def index_text(self, letter: str) -> str:
        if letter in self.ctx.indices:
            v = self.ctx.indices[letter]
            if not isinstance(v, int):
                raise NeedsSize(letter)
            return str(v)
        return letter

    # -- primaries

    def v_number(self, node):
        return number(str(node.args[0]))

    def v_paren(self, node):
        items = items_of(node)
        if len(items) != 1:
            raise self.err("a list in parentheses is only accepted as function arguments", node)
        return self.value(items[0])

    v_bracket = v_paren

    def v_brace(self, node):
        items = items_of(node)
        if len(items) != 1:
            raise self.err("empty or comma-separated group", node)
        return self.value(items[0])

    v_group = v_brace

    def v_top(self, node):
        raise self.err("\\top is only accepted as a superscript (transpose)", node)

    def v_sum(self, node):
        raise self.err("\\sum needs a summand", node)

    def v_sqrt(self, node):
        v = self.value(node.args[1])
        return self.alg.apply(sp.sqrt, v)

    def v_nthroot(self, node):
        n = self.value(node.args[1])
        if is_mat(n):
            raise self.err("the index of a root must be a number or a symbol", node)
        v = self.value(node.args[2])
        if n.is_Integer and int(n) % 2 == 1 and int(n) > 1:
            # an odd root of a negative number is real: \\sqrt[3]{-8} = -2
            return self.alg.apply(lambda e: sp.sign(e) * sp.Pow(sp.Abs(e), sp.Rational(1, int(n))), v)
        if n.is_Number and (n <= 0 or abs(n) > 64):
            raise self.err("the index of a root must be a positive number (at most 64)", node)
        return self.alg.apply(lambda e: sp.Pow(e, 1 / n), v)

    def v_factorial(self, node):
        return self.alg.apply(lambda e: sp.factorial(e), self.value(node.args[0]))

    def v_binom(self, node):
        n, k = self.value(node.args[1]), self.value(node.args[2])
        if is_mat(n) or is_mat(k):
            raise self.err("a binomial coefficient of matrices", node)
        return sp.binomial(n, k)

    def v_floor(self, node):
        return self.alg.apply(sp.floor, self.value(node.args[0]))

    def v_ceil(self, node):
        return self.alg.apply(sp.ceiling, self.value(node.args[0]))

    def v_int(self, node):
        raise self.err("\\int needs an integrand and a differential (\\int_a^b f(t)\\,dt)", node)

    def v_lim(self, node):
        raise self.err("\\lim needs something to act on", node)

    def v_abs(self, node):
        return self.alg.apply(sp.Abs, self.value(node.args[1]))

    def v_norm(self, node):
        v = self.value(node.args[1])
        if is_mat(v):
            return sp.sqrt(sum((e ** 2 for e in v), sp.Integer(0)))
        return sp.Abs(v)

    def v_prod(self, node):
        raise self.err("\\prod needs a factor", node)

    def v_frac(self, node):
        parts = self.derivative_parts(node)
        if parts is not None and parts[0] is not None:
            # a frac whose numerator carries a function is a derivative value
            return self.v_frac_derivative(node, parts)
        if parts is not None:
            raise self.err("a derivative operator needs something to act on", node)
        num, den = node.args[1], node.args[2]
        a, b = self.value(num), self.value(den)
        return self.alg.mul(a, b, "/")

    def _mat_div(self, a, b, node):
        raise ShapeMismatch(f"cannot divide by a {fmt_shape(b)} matrix")

    def v_decor(self, node):
        inner = node.args[1]
        items = juxt_items(inner) if isinstance(inner, Node) else None
        if items and len(items) == 1 and items[0].args[0].kind == "number" and not items[0].scripts:
            # \vec{1}, \mathbf{1}: a vector of ones; as a factor it acts like the number
            self.alg.note(f"{str(node.args[0])}{{{items[0].args[0].args[0]}}} is read as a vector of"
                          " that value in every entry")
            return number(str(items[0].args[0].args[0]))
        if atom_key(node) is None:
            raise self.err("cannot read this decorated expression", node)
        fake = Node("postfix", (node,), node.pos, (), "")
        return self.v_postfix(fake)

    def v_text(self, node):
        body = "".join(str(t) for t in node.args[1:]).strip()
        if body.isdigit():
            return sp.Integer(int(body))
        fake = Node("postfix", (node,), node.pos, (), body)
        return self.v_postfix(fake)

    def v_letter(self, node):
        return self.v_postfix(Node("postfix", (node,), node.pos, (), str(node.args[0])))

    def v_command(self, node):
        return self.v_postfix(Node("postfix", (node,), node.pos, (), str(node.args[0])))

    def v_matrix(self, node):
        rows = []
        for row in node.args[1].args:
            if isinstance(row, Token):
                continue
            cells = [self.value(c) for c in row.args if isinstance(c, Node)]
            if any(is_mat(c) for c in cells):
                raise self.err("matrix entries must be scalars", row)
            rows.append(cells)
        widths = {len(r) for r in rows}
        if len(widths) != 1:
            raise self.err("matrix rows have different lengths", node)
        if len(rows) * len(rows[0]) > MAX_MATRIX:
            raise self.err("matrix too large", node)
        return sp.Matrix(rows)

