"""A matrix claim's AST read as matrix algebra: symbols with kinds (matrix, vector, scalar), products,
transposes, inverses, traces, determinants, norms, gradients and sums over entries.

The result is a small expression form of tuples, ``(op, ...)``, that ``matrix_claims`` types and
evaluates. What a letter is follows how the claim writes it: bold or ``\\vec`` capitals are matrices and
bold small letters column vectors; plain capitals are matrices in a claim about matrices (but numbers in a
denominator, as N in 1/(2N)); a plain small letter is a number unless the claim uses it as a vector (it
is transposed, differentiated by, or multiplied by a matrix from the left: CS229's ``b^T x``, ``Ax - b``).
"""

from __future__ import annotations

import unicodedata

import sympy as sp

from .dialect import GREEK
from .nodes import Node, Token
from .tree import is_transpose_script, only_argument

BOLD = frozenset({"\\mathbf", "\\boldsymbol", "\\bm", "\\pmb", "\\bold", "\\vec"})
MARKS = frozenset({"\\hat", "\\tilde", "\\bar", "\\widehat", "\\widetilde", "\\overline"})
TRACE = {"Tr": "tr", "tr": "tr", "trace": "tr", "det": "det", "diag": "diag"}
# letters that name functions when a parenthesis follows (f(x), \sigma(z)); others multiply (c(A + B))
FUNCTION_LETTERS = frozenset({"f", "g", "h", "F", "G", "H", "sigma", "phi", "varphi", "psi", "Phi", "ell", "Gamma"})
SCALAR_FUNCTIONS = {"\\log": "log", "\\ln": "log", "\\exp": "exp"}
WRAPPERS = ("relation", "expr", "term", "juxt", "list", "group", "brace", "sbrace")


class Unsupported(Exception):
    """Something the matrix reading does not cover (the claim falls back to the other readings)."""


def text_name(base) -> str:
    """The key of a function named by a word (\\text{RSS}, \\operatorname{NLL}): its letters, marked."""
    return "text:" + "".join(str(t) for t in base.args[1:]).strip()


def core(node):
    """Strip the wrappers that hold exactly one part."""
    while isinstance(node, Node) and node.kind in WRAPPERS and len(node.args) == 1 and isinstance(node.args[0], Node):
        node = node.args[0]
    return node


def _parts(node) -> list:
    node = core(node)
    return list(node.args) if isinstance(node, Node) and node.kind == "juxt" else [node]


def _paren_label(script) -> str | None:
    """'1' of ^{(1)}, 'i' of ^{(i)}; None for any other superscript."""
    n = core(script)
    if not (isinstance(n, Node) and n.kind == "postfix" and not n.scripts and n.args[0].kind == "paren"):
        return None
    inner = [a for a in n.args[0].args if isinstance(a, Node)]
    m = core(inner[0]) if len(inner) == 1 else None
    if isinstance(m, Node) and m.kind == "postfix" and not m.scripts and m.args[0].kind in ("number", "letter"):
        return str(m.args[0].args[0])
    return None


def greek(name: str) -> str:
    """\\theta -> θ (messages use the letters the author sees)."""
    base = name.lstrip("\\").replace("var", "")
    case = "CAPITAL" if base[:1].isupper() else "SMALL"
    for spelling in (base.upper(), base.upper().replace("LAMBDA", "LAMDA")):
        try:
            return unicodedata.lookup(f"GREEK {case} LETTER {spelling}")
        except KeyError:
            continue
    return base


class Sym:
    """One letter of the claim: how it prints and what it is."""

    def __init__(self, display: str, kind: str, upper: bool):
        self.display, self.kind, self.upper = display, kind, upper


class MatrixReader:
    """Reads sides of a relation into the expression form; ``syms`` collects the letters."""

    def __init__(self, functions: dict | None = None):
        self.syms: dict[str, Sym] = {}
        self.functions = functions or {}      # given f(x) = body: name -> (parameter key, body node)
        self.bound: list[str] = []            # summation indices in scope
        self.bounds: set[str] = set()         # letters used as upper limits of sums (sizes)
        self.defs: dict[str, tuple] = {}      # symbols the givens define (y = g(x)): their expressions
        self.defining: list[str] = []
        self.out_kind = None                  # what a generic function being defined returns (y = g(x))
        self.generic: dict[str, str] = {}     # generic functions (g of y = g(x)) -> what they return
        self.bindings: dict[str, tuple] = {}  # a given function's parameter -> its argument
        self.denominator = 0
        self.scalar_letters: set[str] = set()
        self.consts = 0
        self.layout_notes: list[str] = []

    # -- atoms --------------------------------------------------------------------------------
    def _atom(self, base) -> tuple[str, str, bool] | None:
        """(key, display, bold) of a letter-like base, None if it is not one."""
        if base.kind == "letter":
            t = str(base.args[0])
            return t, t, False
        if base.kind == "command" and str(base.args[0]).lstrip("\\") in GREEK:
            t = str(base.args[0])
            return t, greek(t), False
        if base.kind == "decor" and len(base.args) > 1:
            cmd = str(base.args[0])
            inner = base.args[1]
            inner = core(inner) if isinstance(inner, Node) else inner
            if isinstance(inner, Token):
                inner_atom = (str(inner), str(inner), False)
            elif isinstance(inner, Node) and inner.kind == "postfix" and not inner.scripts:
                if inner.args[0].kind == "number":
                    return "#" + str(inner.args[0].args[0]), str(inner.args[0].args[0]), cmd in BOLD
                inner_atom = self._atom(inner.args[0])
            else:
                return None
            if inner_atom is None:
                return None
            key, disp, bold = inner_atom
            if cmd in BOLD:
                return key, disp, True
            if cmd in MARKS:
                return f"{cmd}{{{key}}}", f"{cmd}{{{disp}}}", bold
            return None
        return None

    def _symbol(self, key: str, disp: str, bold: bool) -> tuple:
        if key in self.bindings:
            return self.bindings[key]
        if key in self.functions and self.functions[key][0] is not None:   # f alone for a given f(x) = ...
            param, body = self.functions[key]
            saved, self.functions = self.functions, {k: v for k, v in self.functions.items() if k != key}
            try:
                return self.read(body)
            finally:
                self.functions = saved
        if key in self.functions:                 # J = ..., y = g(x): a symbol the givens define
            if key not in self.defs:
                if key in self.defining:
                    raise Unsupported(f"{disp} is defined by itself")
                self.defining.append(key)
                self.out_kind = "vector" if bold and not key[:1].isupper() else ("scalar" if not bold else None)
                try:
                    self.defs[key] = self.read(self.functions[key][1])
                finally:
                    self.defining.pop()
                    self.out_kind = None
                self.syms[key] = Sym(disp, "defined", key[:1].isupper())
            return ("sym", key)
        if key in self.bound or key in self.bounds:
            raise Unsupported(f"the summation index or bound {disp} used as a number")
        if key.startswith("#"):
            if not bold:
                raise Unsupported("a decorated number")
            if key == "#1":
                return self._const("ones")
            if key == "#0":
                return self._const("zeros")
            raise Unsupported(f"a bold number {disp}")
        letter = key.lstrip("\\").split("{")[-1].rstrip("}")
        upper = letter[:1].isupper()
        if letter == "I" and key not in self.syms:
            return self._const("identity")
        kind = ("matrix" if upper else "vector") if bold else ("matrix" if upper else "plain")
        s = self.syms.get(key)
        if s is None:
            self.syms[key] = Sym(disp, kind, upper)
        elif bold and s.kind == "plain":
            s.kind = kind
        if self.denominator and not bold:
            self.scalar_letters.add(key)
        return ("sym", key)

    def _const(self, kind: str) -> tuple:
        self.consts += 1
        return ("const", kind, self.consts)

    # -- nodes --------------------------------------------------------------------------------
    def read(self, node) -> tuple:
        node = core(node)
        if isinstance(node, Token):
            raise Unsupported(f"the token {node}")
        k = node.kind
        if k == "expr":
            return self._expr(node)
        if k == "term":
            return self._term(node)
        if k in ("juxt", "postfix"):
            return self.juxt(_parts(node))
        if k == "list":
            raise Unsupported("a list of several values")
        raise Unsupported(f"a {k}")

    def _expr(self, node) -> tuple:
        terms, sign, op = [], 1, "+"
        for c in node.args:
            if isinstance(c, Token):
                op = str(c)
                if op not in ("+", "-"):
                    raise Unsupported(f"the operator {op}")
                continue
            if c.kind == "sign":
                sign = -1 if str(c.args[0]) == "-" else 1
                continue
            terms.append((sign * (1 if op == "+" else -1), self.read(c)))
            sign = 1
        return ("add", terms)

    def _term(self, node) -> tuple:
        acc, op, neg = None, None, False
        for c in node.args:
            if isinstance(c, Token):
                op = str(c)
                continue
            if c.kind == "sign":
                neg = str(c.args[0]) == "-"
                continue
            if op == "/":
                self.denominator += 1
                try:
                    v = self.read(c)
                finally:
                    self.denominator -= 1
            else:
                v = self.read(c)
            if neg:
                v, neg = ("add", [(-1, v)]), False
            if acc is None:
                acc = v
            elif op in ("\\cdot", None):
                acc = ("dot", acc, v)
            elif op in ("\\odot", "\\circ"):
                acc = ("had", acc, v)
            elif op == "/":
                acc = ("div", acc, v)
            else:
                raise Unsupported(f"the operator {op}")       # \times, *: cross or element-wise, unclear
        return acc

    def juxt(self, items: list) -> tuple:
        factors, i = [], 0
        while i < len(items):
            it = items[i]
            base = it.args[0] if it.kind == "postfix" else None
            if base is not None and base.kind == "command" and str(base.args[0]) == "\\nabla":
                subs = [s for s in it.scripts if s[0] == "sub"]
                only = only_argument(items[i + 1:]) if not it.scripts else None
                if only is not None:     # \nabla E(\mathbf{w}): with respect to the call's one argument
                    factors.append(("grad", self._variable(only), self.juxt(items[i + 1:]), "nabla"))
                    break
                if len(subs) != 1 or len(it.scripts) != 1 or i + 1 >= len(items):
                    raise Unsupported("a gradient without one variable")
                factors.append(("grad", self._variable(subs[0][1]), self.juxt(items[i + 1:]), "nabla"))
                break
            if base is not None and base.kind == "frac" and not it.scripts:
                d = self._derivative(base, items[i + 1:])
                if d is not None:
                    factors.append(d[0])
                    if d[1]:
                        break
                    i += 1
                    continue
            key = text_name(base) if base is not None and base.kind == "text" else None
            if key in self.functions and i + 1 < len(items) and items[i + 1].kind == "postfix" \
                    and items[i + 1].args[0].kind == "paren" and not it.scripts:
                # \text{RSS}(\mathbf{w}), \operatorname{NLL}(w): a function the givens define, named by a word
                factors.append(self._scripts(self._call(key, items[i + 1].args[0]), items[i + 1].scripts))
                i += 2
                continue
            if base is not None and base.kind == "text" and not it.scripts:
                name = TRACE.get(str(base.args[1]) if len(base.args) > 1 else "")
                if name is None:
                    raise Unsupported(f"the function {base.args[1] if len(base.args) > 1 else '?'}")
                nxt = items[i + 1] if i + 1 < len(items) else None
                if nxt is not None and nxt.kind == "postfix" and nxt.args[0].kind == "paren":
                    arg = self.read(nxt.args[0].args[0] if len(nxt.args[0].args) == 1 else nxt.args[0])
                    factors.append(self._scripts((name, arg), nxt.scripts))
                    i += 2
                    continue
                j = i + 1         # \operatorname{tr} AB: the product up to the next operator
                while j < len(items) and not self._head(items[j]):
                    j += 1
                if j == i + 1:
                    raise Unsupported(f"{name} without an argument")
                factors.append((name, self.juxt(items[i + 1:j])))
                i = j
                continue
            if base is not None and base.kind == "command" and str(base.args[0]) in SCALAR_FUNCTIONS \
                    and not it.scripts:
                name = SCALAR_FUNCTIONS[str(base.args[0])]
                nxt = items[i + 1] if i + 1 < len(items) else None
                if nxt is None:
                    raise Unsupported(f"{name} without an argument")
                if nxt.kind == "postfix" and nxt.args[0].kind == "paren":
                    arg = self.read(nxt.args[0].args[0] if len(nxt.args[0].args) == 1 else nxt.args[0])
                    factors.append(self._scripts(("fn", name, arg), nxt.scripts))
                    i += 2
                    continue
                j = i + 1        # \log \det A, \ln x: the product up to the next operator
                while j < len(items) and (j == i + 1 or not self._head(items[j])):
                    j += 1
                factors.append(("fn", name, self.juxt(items[i + 1:j])))
                i = j
                continue
            if base is not None and base.kind == "sum":
                factors.append(self._sum(it, items[i + 1:]))
                break
            if base is not None and base.kind in ("letter", "command") and i + 1 < len(items) \
                    and items[i + 1].kind == "postfix" and items[i + 1].args[0].kind == "paren" and not it.scripts:
                key = str(base.args[0])
                if key in self.functions:
                    factors.append(self._scripts(self._call(key, items[i + 1].args[0]), items[i + 1].scripts))
                    i += 2
                    continue
                if key in "fgh" and self.out_kind is not None and self.generic.get(key, self.out_kind) == self.out_kind:
                    # y = g(x) in the givens: g is any smooth function (tried as a random cubic map)
                    self.generic[key] = self.out_kind
                    arg = self.read(items[i + 1].args[0].args[0] if len(items[i + 1].args[0].args) == 1
                                    else items[i + 1].args[0])
                    factors.append(self._scripts(("gen", key, arg, self.out_kind), items[i + 1].scripts))
                    i += 2
                    continue
                if key.lstrip("\\") in FUNCTION_LETTERS:
                    raise Unsupported(f"the function {key} applied to a matrix or vector")
            factors.append(self.postfix(it))
            i += 1
        if not factors:
            raise Unsupported("an empty product")
        return factors[0] if len(factors) == 1 else ("mul", factors)

    def _head(self, it) -> bool:
        if it.kind != "postfix":
            return False
        b = it.args[0]
        return (b.kind == "text") or (b.kind == "command" and str(b.args[0]) in SCALAR_FUNCTIONS) or (b.kind == "command" and str(b.args[0]) == "\\nabla") or b.kind == "sum"

    def _call(self, name: str, paren) -> tuple:
        param, body = self.functions[name]
        arg = self.read(paren.args[0] if len(paren.args) == 1 else paren)
        saved = dict(self.bindings)
        self.bindings[param] = arg
        try:
            return self.read(body)
        finally:
            self.bindings = saved

    def _variable(self, script) -> str:
        n = core(script)
        if isinstance(n, Node) and n.kind in ("sletter", "scmd"):
            n = Node("letter" if n.kind == "sletter" else "command", n.args)
        elif isinstance(n, Node) and n.kind == "postfix" and n.scripts:
            v = self.postfix(n)                  # \nabla_{\mathbf{W}^{(1)}}: a labelled letter
            if v[0] != "sym":
                raise Unsupported("a derivative with respect to something other than one letter")
            return v[1]
        elif isinstance(n, Node) and n.kind == "postfix":
            n = n.args[0]
        atom = self._atom(n) if isinstance(n, Node) else None
        if atom is None:
            raise Unsupported("a derivative with respect to something other than one letter")
        v = self._symbol(*atom)
        if v[0] != "sym":
            raise Unsupported("a derivative with respect to a constant")
        return v[1]

    def _derivative(self, frac, rest):
        """\\frac{\\partial}{\\partial X} (rest) or \\frac{\\partial f}{\\partial X}: (gradient, took rest)."""
        num, den = _parts(frac.args[1]), _parts(frac.args[2])

        def partial(it):
            return it.kind == "postfix" and not it.scripts and it.args[0].kind == "command" \
                and str(it.args[0].args[0]) == "\\partial"
        if not num or not partial(num[0]):
            return None
        if len(den) != 2 or not partial(den[0]):
            raise Unsupported("a derivative by more than one variable")
        var = self._variable(den[1])
        if len(num) == 1:
            if not rest:
                raise Unsupported("a derivative of nothing")
            return ("grad", var, self.juxt(rest), "partial"), True
        return ("grad", var, self.juxt(num[1:]), "partial"), False

    def _sum(self, it, rest) -> tuple:
        sub = [s[1] for s in it.scripts if s[0] == "sub"]
        sup = [s[1] for s in it.scripts if s[0] == "sup"]
        if len(sub) != 1 or not rest:
            raise Unsupported("a sum without one index")
        s = core(sub[0])
        lo = None
        if isinstance(s, Node) and s.kind in ("relation",) and len(s.args) == 3:
            idx, low = core(s.args[0]), core(s.args[2])
            if not (isinstance(low, Node) and low.kind == "postfix" and low.args[0].kind == "number"
                    and str(low.args[0].args[0]) == "1"):
                raise Unsupported("a sum that does not start at 1")
            lo, s = 1, idx
        if isinstance(s, Node) and s.kind == "postfix" and not s.scripts and s.args[0].kind == "letter":
            s = s.args[0]
        if not (isinstance(s, Node) and s.kind in ("letter", "sletter")):
            raise Unsupported("a sum index that is not one letter")
        idx = str(s.args[0])
        hi = None
        if sup:
            h = core(sup[0])
            if isinstance(h, Node) and h.kind == "postfix" and not h.scripts:
                h = h.args[0]
            if not (isinstance(h, Node) and h.kind in ("letter", "sletter")) or lo is None:
                raise Unsupported("a sum bound that is not a dimension letter")
            hi = str(h.args[0])
            if hi in self.syms:
                raise Unsupported(f"the bound {hi} is also a symbol of the claim")
            self.bounds.add(hi)
        self.bound.append(idx)
        try:
            body = self.juxt(rest)
        finally:
            self.bound.pop()
        return ("sum", idx, hi, body)

    def _indices(self, script) -> list[str] | None:
        """The bound summation indices of A_{ij}, W_{k,l}, x_i (None when the subscript is not that)."""
        n = core(script)
        if isinstance(n, Node) and n.kind == "sletter":
            out = [str(n.args[0])]
        elif isinstance(n, Node) and n.kind in ("juxt", "list"):
            out = []
            for c in n.args:
                c = core(c)
                if isinstance(c, Node) and c.kind == "postfix" and not c.scripts and c.args[0].kind == "letter":
                    out.append(str(c.args[0].args[0]))
                else:
                    return None
        elif isinstance(n, Node) and n.kind == "postfix" and not n.scripts and n.args[0].kind == "letter":
            out = [str(n.args[0].args[0])]
        else:
            return None
        return out if out and all(x in self.bound for x in out) else None

    def postfix(self, it) -> tuple:
        if it.kind != "postfix":
            return self.read(it)
        base, scripts = it.args[0], list(it.scripts)
        atom = self._atom(base)
        if atom is not None:
            while scripts and scripts[0][0] == "sup" and _paren_label(scripts[0][1]) is not None:
                lab = _paren_label(scripts[0][1])       # W^{(1)}, x^{(i)}: a label (d2l's, Goodfellow's layers)
                atom = (f"{atom[0]}^({lab})", f"{atom[1]}^{{({lab})}}", atom[2])
                scripts = scripts[1:]
            subs = [s for s in scripts if s[0] == "sub"]
            scripts = [s for s in scripts if s[0] != "sub"]
            if subs:
                idx = self._indices(subs[0][1]) if len(subs) == 1 else None
                if idx is not None and len(idx) <= 2:
                    v = self._symbol(*atom)
                    if v[0] != "sym":
                        raise Unsupported("an entry of a constant matrix")
                    s = self.syms[v[1]]
                    if s.kind == "plain" or s.kind == "vector":
                        s.kind = "vector" if len(idx) == 1 else "matrix"
                    return self._scripts(("entry", v[1], tuple(idx)), scripts)
                if atom[0] == "I" or atom[0] == "#1" or atom[0] == "#0":
                    return self._scripts(self._symbol(*atom), scripts)  # I_n: the size follows its neighbours
                label = self._label(subs[0][1]) if len(subs) == 1 else None
                if label is None:
                    raise Unsupported("a subscript on a letter (an entry or index outside a sum)")
                atom = (f"{atom[0]}_{label}", f"{atom[1]}_{label}", atom[2])
            return self._scripts(self._symbol(*atom), scripts)
        k = base.kind
        if k == "number":
            v = ("num", sp.Rational(str(base.args[0])))
        elif k in ("paren", "brace", "group"):
            inner = [a for a in base.args if isinstance(a, Node)]
            if len(inner) != 1:
                raise Unsupported("a bracket with several values")
            v = self.read(inner[0])
        elif k == "frac":
            num = self.read(base.args[1])
            self.denominator += 1
            try:
                den = self.read(base.args[2])
            finally:
                self.denominator -= 1
            v = ("div", num, den)
        elif k == "sqrt":
            v = ("sqrt", self.read(base.args[1]))
        elif k == "norm":
            inner = [a for a in base.args if isinstance(a, Node)]
            subs = [s for s in scripts if s[0] == "sub"]
            scripts = [s for s in scripts if s[0] != "sub"]
            p = self._label(subs[0][1]) if subs else "2"
            if p not in ("2", "F", "1", "infty"):
                raise Unsupported(f"the norm ‖·‖_{p}")
            v = ("norm", self.read(inner[0]), p, bool(subs))
        elif k == "abs":
            inner = [a for a in base.args if isinstance(a, Node)]
            v = ("abs", self.read(inner[0]))
        else:
            raise Unsupported(f"a {k}")
        return self._scripts(v, scripts)

    def _label(self, script) -> str | None:
        n = core(script)
        if isinstance(n, Node) and n.kind in ("sletter", "snumber"):
            return str(n.args[0])
        if isinstance(n, Node) and n.kind == "scmd" and str(n.args[0]) == "\\infty":
            return "infty"
        if isinstance(n, Node) and n.kind == "postfix" and not n.scripts and n.args[0].kind in ("letter", "number"):
            return str(n.args[0].args[0])
        return None

    def _scripts(self, v: tuple, scripts) -> tuple:
        for s in scripts:
            if s[0] == "prime":
                raise Unsupported("a prime")
            if s[0] == "sub":
                raise Unsupported("a subscript on a bracket")
            body = s[1]
            if is_transpose_script(body):
                v = ("T", v)
                continue
            n = core(body)
            if isinstance(n, Node) and n.kind in ("snumber",):
                v = ("pow", v, int(str(n.args[0])))
                continue
            if isinstance(n, Node) and n.kind == "postfix" and not n.scripts and n.args[0].kind == "number":
                v = ("pow", v, int(str(n.args[0].args[0])))
                continue
            if isinstance(n, Node) and n.kind == "expr" and len(n.args) == 2 and n.args[0].kind == "sign" \
                    and str(n.args[0].args[0]) == "-":
                m = core(n.args[1])
                if isinstance(m, Node) and m.kind == "postfix" and not m.scripts and is_transpose_script(m):
                    v = ("inv", ("T", v))          # A^{-T}, A^{-\top}: the inverse of the transpose
                    continue
                if isinstance(m, Node) and m.kind == "postfix" and not m.scripts and m.args[0].kind == "number":
                    k = int(str(m.args[0].args[0]))
                    v = ("inv", v) if k == 1 else ("pow", ("inv", v), k)
                    continue
            raise Unsupported("a superscript that is no transpose, inverse or power")
        return v
