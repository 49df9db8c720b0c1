"""What the letters of a scalar claim mean: symbols, named functions, definitions, derivatives and sums.

``ScalarContext`` gives every letter a real symbol and every named function its primitive; the
network checker's context (``network_context``) builds on it with a notation profile's matrices.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

from ..primitives import (
    ELU,
    GELU,
    GELUTanh,
    LeakyReLU,
    NormalCDF,
    NormalPDF,
    ReLU,
    Sigmoid,
    SiLU,
    Softplus,
    Step,
    Tanh,
)
from .index_context import IndexNotation
from .linalg_functions import determinant as _determinant
from .param_vectors import example_label, vector_value
from .syntax import (
    MAX_TERMS,
    NAMED_FUNCTIONS,
    LatexError,
    NeedsSize,
    Node,
    OutOfRange,
    ShapeMismatch,
)
from .tree import _is_label, atom_key, decor_scripts, iter_nodes, plain_text, symbol_name
from .values import check_defined, is_mat

# ---------------------------------------------------------------------------------------------
# Contexts


@dataclass
class FuncDef:
    """A user definition f(x, y) = body (body is an AST interpreted when the function is used)."""

    name: str
    params: tuple[str, ...]
    body: Node
    sub: str | None = None      # h_\theta(x) = ...: the subscript the name is written with


@dataclass
class Definitions:
    """The --given definitions: symbols (y = ...) and functions (f(x) = ...)."""

    symbols: dict[str, Node] = field(default_factory=dict)
    functions: dict[str, FuncDef] = field(default_factory=dict)
    # s_i = ...: an indexed definition, used for every s_1, s_2, ... (name -> (index letters, body))
    indexed: dict[str, tuple] = field(default_factory=dict)
    # parameter vectors and example superscripts (param_vectors.plan_vectors): letters, examples, 0, bounds
    vectors: tuple = (frozenset(), False, False, frozenset(), False)


class ScalarContext(IndexNotation):
    """Meaning for scalar claims: every letter is a real symbol; functions are the primitives.

    Methods that take ``interp`` are called back by the Interpreter (``derive.check.interpret``)
    with itself, to read the parts of the claim they are given.
    """

    network = False

    def __init__(self, definitions: Definitions | None = None, relu_h0=0):
        self.defs = definitions or Definitions()
        self.indices: dict[str, int] = {}      # instantiated free and summation indices
        self.hidden: set[str] = set()          # definitions suspended while differentiating
        self.h0 = sp.nsimplify(relu_h0)
        self.depth = 0
        self.symbols_made: dict[str, sp.Symbol] = {}
        self.integer_names: set[str] = set()   # letters used as limits of sums: whole numbers >= 0
        self.sum_notes: list[str] = []
        # letters the claim uses as arbitrary functions (f(x), g'(x), (fg)'), and what a bare f means
        self.function_letters: set[str] = set()
        self.implicit_args: dict[str, list[str]] = {}
        self.implicit_default: list[str] = ["x"]
        # with a sum to a symbolic limit, x_k, x_1 are entries x[k], x[1] of one indexed family
        self.family_mode = False
        self.families: dict[str, sp.IndexedBase] = {}
        # the functions differentiated: a derivative exists only where its function is defined
        # (d/dx ln(-x^2-1) is 2x/(x^2+1) as algebra, but ln(-x^2-1) is defined at no real x)
        self.domains: list = []
        self.differentiated: list = []   # (function, variable): at its kinks a derivative does not exist
        # index notation (``index_sums``): the length each open sum runs to, softmax's vector letters,
        # labels (the y of f_{y_i}) and their lengths, and the entry a vector letter stands for now
        self.open_lengths: dict[str, str] = {}
        self.vector_lengths: dict[str, str] = {}
        self.label_lengths: dict[str, str] = {}
        self.vector_entry: int | None = None
        self.set_sums: dict[str, str] = {}    # \sum_w w^2: w stands for w_k inside, for one w_j outside
        self.generic_costs = False            # C_0, E_n, L_i that nothing defines: arbitrary functions
        self.diff_stack: list[str] = []       # the variables being differentiated by, innermost last

    def sym(self, name: str) -> sp.Symbol:
        s = self.symbols_made.get(name)
        if s is None:
            if name in self.integer_names:
                s = sp.Symbol(name, integer=True, nonnegative=True)
            else:
                s = sp.Symbol(name, real=True)
            self.symbols_made[name] = s
        return s

    # -- names

    def is_function_name(self, key: tuple[str, bool] | None, post: Node) -> bool:
        if key is None:
            return False
        base, hat = key
        if base in self.defs.functions:
            return True
        if not hat and base in self.function_letters:
            return True
        # single letters are symbols unless defined or used as functions; named functions are built in (a
        # given sigma = \sqrt{...} is a value: then \sigma is no sigmoid)
        return len(base) > 1 and builtin_function(base) is not None and not hat and base not in self.defs.symbols

    def function(self, key, post: Node, interp):
        """(callable on values, name) for a function head, or None."""
        base, _ = key
        subs = [s for s in post.scripts if s[0] == "sub"] if post.kind == "postfix" else []
        if base in self.defs.functions and subs and not self.network \
                and self.defs.functions[base].sub != source_of_script(subs[0][1]):
            return self.per_sample(base, subs[0][1], interp), base    # E_n(w) beside E(w) = \sum_n E_n(w)
        if base in self.defs.functions:
            fd = self.defs.functions[base]

            def defined(*args):
                return interp.call_defined(fd, args)
            defined.multi = len(fd.params) > 1     # f(x, y) = xy is called with its two arguments
            defined.takes_sub = fd.sub is not None  # h_\theta(x): the subscript is part of the name
            defined.vector_aware = bool(set(fd.params) & self.defs.vectors[0])   # h(x) of a whole x^{(i)}
            return defined, base
        if base in self.function_letters and not key[1]:
            return self.generic(base, post), base
        f = builtin_function(base, self.h0)
        return (f, base) if f else None

    def generic(self, base: str, post: Node):
        """An arbitrary function spelled base (with its subscript, h_{\\theta}): f(x), C(a_1, a_2)."""
        from .generic import generic_function

        sub = [s for s in post.scripts if s[0] == "sub"] if post.kind == "postfix" else []
        name = base
        if sub:
            name += "_{" + (source_of_script(sub[0][1]) or "?") + "}"

        def g(*args):
            return generic_function(name, (0,) * len(args))(*args)

        g.takes_sub = True
        g.multi = True
        return g

    def _arguments(self, fd, interp) -> list:
        """A defined function written alone (\\mathcal{L} for \\mathcal{L}(a, y)) is called with its
        parameters' own values: a defined a = \\sigma(z) is that value, unless it is being differentiated."""
        return [self.lookup(p, interp) if interp is not None and p in self.defs.symbols and p not in self.hidden
                else self.sym(p) for p in fd.params]

    def implicit(self, base: str, interp=None) -> list:
        """The arguments a function letter written alone stands for: f means f(x), and a defined
        f(x, y) written alone (\\frac{\\partial f}{\\partial x}) means f(x, y)."""
        if base in self.defs.functions and base not in self.implicit_args:
            return self._arguments(self.defs.functions[base], interp)
        return [self.sym(a) for a in self.implicit_args.get(base, self.implicit_default)]

    def scalar_symbol(self, post: Node, interp):
        """An atom with its scripts: (value, remaining scripts); an instantiated index is its number."""
        if self.set_sums:
            got = self._set_member(post)
            if got is not None:
                return got
        got = index_as_number(self, post)
        if got is not None:
            return got
        if self.label_lengths or self.vector_entry is not None:
            got = self._indexed_atom(post, interp)
            if got is not None:
                return got
        return self._scalar_symbol_base(post, interp)

    def _scalar_symbol_base(self, post: Node, interp):
        """scalar_symbol without the index-as-number reading (network contexts build on it)."""
        key = atom_key(post)
        if key is None:
            raise LatexError(f"cannot read {post.text or 'this'} as a symbol", None)
        base, hat = key
        scripts = list(decor_scripts(post))
        if self.family_mode:
            got = self._family_entry(key, scripts, interp)
            if got is not None:
                return got
        sub_text = None
        rest = []
        label = None
        for s in scripts:
            if s[0] == "sub" and sub_text is None:
                sub_text = interp.index_label(s[1])
            elif s[0] == "sup" and label is None and _is_label(s[1]):
                label = plain_text(s[1])
            elif s[0] == "sup" and label is None and self.defs.vectors[1] and example_label(s[1]):
                label = "(" + interp.index_text(example_label(s[1])) + ")"    # x^{(i)}: the i-th example
            else:
                rest.append(s)
        if base in self.defs.vectors[0] and not hat and not self.network:
            got = vector_value(self, key, sub_text, label, interp)
            if got is not None:
                return got, rest
        if base == "e" and not hat and sub_text is None and label is None and "e" not in self.defs.symbols:
            return sp.E, rest
        if base == "pi" and sub_text is None:
            return sp.pi, rest
        if base == "infty" and sub_text is None and label is None:
            return sp.oo, rest
        if base in ("delta", "I") and sub_text and "," in sub_text and len(sub_text.split(",")) == 2 \
                and all(x.isdigit() for x in sub_text.split(",")) \
                and (base == "delta" or (not self.network and "I" not in self.defs.symbols)):
            # \delta_{ij}, and I_{kj} the identity matrix's entries (Bishop), of two indices
            i, j = sub_text.split(",")
            return sp.KroneckerDelta(sp.Integer(int(i)), sp.Integer(int(j))), rest
        name = symbol_name(key, sub_text, label)
        if sub_text and not self.network and name not in self.defs.symbols and name not in self.hidden:
            # (an entry differentiated by, \partial L / \partial y_k of a defined y_k, is a variable there)
            got = self._indexed_definition(symbol_name(key, None, label), sub_text, interp)
            if got is not None:
                return got, rest
        return self.lookup(name, interp), rest

    def _family_entry(self, key, scripts, interp):
        """x_k (k a summation index of a symbolic sum) or x_1 as an entry of the family x, or None."""
        subs = [s for s in scripts if s[0] == "sub"]
        if len(subs) != 1 or any(s[0] == "sup" and _is_label(s[1]) for s in scripts):
            return None
        t = plain_text(subs[0][1])
        if t is None or not (t.isdigit() or (len(t) == 1 and t.isalpha())):
            return None
        name = symbol_name(key)
        if name in self.defs.indexed:
            return None     # s_1 of a definition s_i = ...: its body, not an entry of a family
        if t.isalpha():
            idx = self.indices.get(t)
            if idx is None:
                return None
            idx = sp.Integer(idx) if isinstance(idx, int) else idx
        else:
            idx = sp.Integer(int(t))
        if symbol_name(key, str(idx)) in self.defs.symbols or name in self.defs.symbols:
            return None
        fam = self.families.get(name)
        if fam is None:
            fam = self.families[name] = sp.IndexedBase(name, real=True)
        return fam[idx], [s for s in scripts if s is not subs[0]]

    def lookup(self, name: str, interp):
        if name in self.defs.symbols and name not in self.hidden:
            self.depth += 1
            if self.depth > 30:
                raise LatexError(f"definition of {name} refers to itself")
            try:
                return interp.value(self.defs.symbols[name])
            finally:
                self.depth -= 1
        if name in self.defs.functions and name not in self.hidden:
            fd = self.defs.functions[name]
            return interp.call_defined(fd, self._arguments(fd, interp))
        got = self.generic_cost(name) if self.generic_costs else None
        return got if got is not None else self.sym(name)

    def batch_size(self):
        return None

    def undefined_numerator(self, post: Node, var: Node, interp) -> str | None:
        """The spelling of a differentiated symbol that nothing defines, or None.

        \\frac{dL}{dy} differentiates L as a function of y: unless --given defines L (or L is a known
        function, or the same symbol family as the variable, as in dx_i/dx_j), L would silently be a
        constant and the derivative 0. Free variables elsewhere (the y of d/dx x^2 y) are fine.
        """
        if post.kind != "postfix" or post.args[0].kind not in ("letter", "command", "decor", "text"):
            return None
        key = atom_key(post)
        if key is None or key == atom_key(var):
            return None
        try:
            val, _ = self.scalar_symbol(post, interp)
        except (LatexError, OutOfRange, ShapeMismatch):
            return None
        if not isinstance(val, sp.Symbol) or self.symbols_made.get(val.name) is not val:
            return None
        if val.name in self.defs.symbols or val.name in self.defs.functions:
            return None
        return (post.text or val.name).strip()

    def undefined_hint(self, name: str) -> str:
        """How to define an undefined symbol (a network context adds its notation)."""
        return f"give it with --given '{name} = ...'"

    bare_functions: dict = {}

    def bare_function_value(self, post: Node, head, interp):
        """\\sigma written alone for \\sigma(z), in a claim that differentiates \\sigma by z; an arbitrary
        or defined function letter written alone (f, g' in (fg)' = f'g + fg') for f(x)."""
        var = self.bare_functions.get(head[1])
        if var is None:
            base = head[1]
            if base in self.function_letters or (base in self.defs.functions and len(base) == 1):
                return interp.call_values(post, head, self.implicit(base, interp))
            return None
        scripts = [s for s in post.scripts if s[0] != "sub"]
        if len(scripts) != len(post.scripts):
            return None
        return interp.call_value(post, head, self.derivative_variable_value(var, interp))

    # -- derivatives and sums

    def derivative(self, thunk, var: Node, order, interp, node):
        name = self.variable_name(var, interp)
        was_hidden = name in self.hidden
        self.hidden = self.hidden | {name}
        self.diff_stack.append(name)    # what a cost nothing defines (C_0, E_n) is a function of here
        try:
            body = thunk()
        finally:
            self.diff_stack.pop()
            if not was_hidden:
                self.hidden = self.hidden - {name}
        check_defined(body, "the expression differentiated is undefined (a division by zero?)")
        x = self.sym(name)
        if self.family_mode:
            got = self._family_entry(atom_key(var), list(decor_scripts(var)), interp)
            if got is not None and not got[1]:
                x = got[0]
        if is_mat(body):
            d = body.applyfunc(lambda e: _flat_steps(in_range(sp.diff(e, x, order))))
        else:
            d = _flat_steps(in_range(sp.diff(body, x, order)))
        dom = list(body) if is_mat(body) else [body]
        entry = self._defined_entry(var, name, interp) if name not in self.hidden else None
        if entry is not None or ((name in self.defs.symbols or name in self.defs.functions) and name not in self.hidden):
            # chain rule: the variable is itself defined (y or an entry y_k of y_k = ...); put its definition back
            val = entry if entry is not None else self.lookup(name, interp)
            d = d.xreplace({x: val}) if not is_mat(d) else d.applyfunc(lambda e: e.xreplace({x: val}))
            dom = [e.xreplace({x: val}) if isinstance(e, sp.Basic) else e for e in dom]
        self.domains.extend(e for e in dom if isinstance(e, sp.Basic) and e.free_symbols)
        if order == 1 and not isinstance(x, sp.Indexed):
            self.differentiated.extend((e, x) for e in dom if isinstance(e, sp.Basic) and x in e.free_symbols)
        return d

    def variable_name(self, var: Node, interp) -> str:
        key = atom_key(var)
        if key is None:
            raise interp.err("cannot differentiate with respect to this", var)
        sub = None
        label = None
        for s in decor_scripts(var):
            if s[0] == "sub":
                sub = interp.index_label(s[1])
            elif s[0] == "sup" and _is_label(s[1]):
                label = plain_text(s[1])
            else:
                raise interp.err("differentiate with respect to a plain symbol", var)
        if self.set_sums and key[0] in self.set_sums and not key[1] and sub is None and label is None:
            return self._set_entry(key[0]) or key[0]    # \partial w: the one weight w_j this instance tries
        return symbol_name(key, sub, label)

    def derivative_variable_value(self, var: Node, interp):
        return self.sym(self.variable_name(var, interp))

    def sum(self, var, lo, hi, rest, interp, node, product: bool = False):
        what = "product" if product else "sum"
        if var is None:
            raise interp.err(f"a {what} needs an index, as in \\{what}_{{i=1}}^{{n}}", node)
        lo_v = interp.value(lo) if lo is not None else sp.Integer(1)
        if hi is None:
            length = self.open_lengths.get(var)
            if length is not None and isinstance(self.indices.get(length), int):
                # \sum_j over every entry: the length this instance tries (``index_sums``)
                hi_v = sp.Integer(self.indices[length])
            elif "n" in self.indices:
                hi_v = sp.Integer(self.indices["n"])
            else:
                raise interp.err(f"a {what} without an upper limit needs one, as in \\{what}_{{i=1}}^{{n}}", node)
        else:
            hi_v = interp.script_value(hi)
        if hi_v == sp.oo and not product and not is_mat(lo_v) and lo_v.is_integer:
            from .series import infinite_sum

            return infinite_sum(self, var, lo_v, rest, interp, node)
        if is_mat(lo_v) or is_mat(hi_v) or not lo_v.is_integer or not hi_v.is_integer:
            raise interp.err(f"{what} limits must be whole numbers or letters that stand for them", node)
        if lo_v.is_Integer and hi_v.is_Integer and int(hi_v) - int(lo_v) + 1 <= MAX_TERMS:
            return self._expand(var, int(lo_v), int(hi_v), rest, interp, product)
        return self._symbolic(var, lo_v, hi_v, rest, interp, node, product)

    def _expand(self, var, lo, hi, rest, interp, product):
        saved = self.indices.get(var)
        total = sp.Integer(1) if product else sp.Integer(0)
        try:
            for v in range(lo, hi + 1):
                self.indices[var] = v
                term = interp.juxt(rest)
                total = interp.alg.mul(total, term, "juxt") if product else interp.alg.add(total, term)
        finally:
            if saved is None:
                self.indices.pop(var, None)
            else:
                self.indices[var] = saved
        return total

    def _symbolic(self, var, lo_v, hi_v, rest, interp, node, product):
        """A sum or product with a symbolic (or long) range: SymPy's closed form where it has one.

        The summand is read with the index as an integer symbol; an index used as a subscript
        (x_k) names an indexed family, whose sizes the caller tries instead (NeedsSize)."""
        from .closedform import closed_form

        what = "product" if product else "sum"
        k = sp.Symbol(var, integer=True)
        saved = self.indices.get(var)
        self.indices[var] = k
        try:
            body = interp.juxt(rest)
        except NeedsSize:
            if lo_v.is_Integer and hi_v.is_Integer:
                raise interp.err(f"a {what} of more than {MAX_TERMS} terms over an indexed family"
                                 " is not expanded", node) from None
            raise
        finally:
            if saved is None:
                self.indices.pop(var, None)
            else:
                self.indices[var] = saved
        if is_mat(body):
            raise NeedsSize(var)
        cls = sp.Product if product else sp.Sum
        s = cls(body, (k, lo_v, hi_v))
        closed = closed_form(s, 1.0)      # remembered per sum (speed, issue 9.7; closedform.py)
        if closed.has(sp.Sum, sp.Product):
            if lo_v.is_Integer and hi_v.is_Integer:
                if int(hi_v) - int(lo_v) + 1 > 1000:
                    raise interp.err(f"a {what} of more than 1000 terms is not expanded", node)
                return s
            note = f"the {what} over {var} has no closed form that SymPy finds"
        else:
            note = f"the {what} over {var} in closed form (SymPy): {closed}"
        if note not in self.sum_notes:
            self.sum_notes.append(note)
        return closed if not closed.has(sp.Sum, sp.Product) else s

    def product(self, var, lo, hi, rest, interp, node):
        return self.sum(var, lo, hi, rest, interp, node, product=True)


def _flat_steps(d):
    """d/dx of floor and ceiling is 0 wherever it exists (away from the jumps, which the sampler
    excludes as corners of the function differentiated); SymPy leaves it unevaluated."""
    if not isinstance(d, sp.Basic) or not d.has(sp.Derivative):
        return d
    return d.replace(lambda q: isinstance(q, sp.Derivative) and isinstance(q.expr, (sp.floor, sp.ceiling)),
                     lambda q: sp.Integer(0))


def source_of_script(sarg: Node) -> str:
    """A subscript's LaTeX as written (\\theta, ij, 1)."""
    if sarg.kind in ("sletter", "snumber"):
        return str(sarg.args[0])
    if sarg.kind == "scmd":
        return str(sarg.args[0])
    t = plain_text(sarg)
    if t is not None:
        return t
    posts = [n.text for n in iter_nodes(sarg) if n.kind == "postfix" and n.text]
    return posts[0] if posts else "?"


def in_range(e):
    """A derivative by a family entry: Sum(KroneckerDelta(j, k) f(k), (k, 1, n)) is f(j) for an index j
    in 1..n, which is what an author who writes x_j means (SymPy keeps the range as a condition)."""
    return _in_range(e) if isinstance(e, sp.Basic) and e.has(sp.Sum) else e


@functools.lru_cache(maxsize=256)   # a pure function of its (hashable) argument; a slip search asks it again
def _in_range(e):
    e = e.doit(deep=False) if isinstance(e, sp.Sum) else e.replace(
        lambda x: isinstance(x, sp.Sum) and x.has(sp.KroneckerDelta), lambda x: x.doit())

    def index_only(c):
        return c.free_symbols and all(getattr(s, "is_integer", False) for s in c.free_symbols)

    return e.replace(lambda x: isinstance(x, sp.Piecewise) and len(x.args) == 2 and x.args[1].cond is sp.true
                     and x.args[1].expr == 0 and index_only(x.args[0].cond), lambda x: x.args[0].expr)


def index_as_number(ctx, post):
    """An instantiated index or size letter (n, i, ...) used as a number, with its powers: i^2.

    A summation index of a symbolic sum is a SymPy integer symbol rather than a number."""
    key = atom_key(post)
    if key and key[0] in ctx.indices and len(key[0]) == 1 and key[0] not in ctx.defs.symbols \
            and not key[1] and post.args[0].kind == "letter" \
            and all(s[0] == "sup" and not _is_label(s[1]) for s in post.scripts):
        v = ctx.indices[key[0]]
        return (sp.Integer(v) if isinstance(v, int) else v), list(post.scripts)
    return None


# f^{-1} of a named function is its inverse (\sin^{-1} x = \arcsin x)
INVERSES = {"sin": "asin", "cos": "acos", "tan": "atan", "sinh": "asinh", "cosh": "acosh", "tanh": "atanh",
            "sec": sp.asec, "csc": sp.acsc, "cot": sp.acot, "exp": "ln",
            "sigma": lambda x: sp.log(x / (1 - x)), "sigmoid": lambda x: sp.log(x / (1 - x)),
            "softplus": lambda x: sp.log(sp.exp(x) - 1)}


# a function told apart by a subscript, as the primitives print it: GELU_{\tanh} is the tanh approximation
SUBSCRIPTED_FUNCTIONS = {("gelu", "tanh"): "gelu_tanh"}


def builtin_function(base: str, h0=0) -> Callable | None:
    if base == "Gamma":
        return sp.gamma   # \\Gamma(x), the gamma function (a bare \\Gamma is a symbol)
    name = NAMED_FUNCTIONS.get(base.lower()) if base not in ("Phi", "phi", "sigma") else base
    table = {
        "sigma": lambda z: Sigmoid(z), "sigmoid": lambda z: Sigmoid(z), "tanh": lambda z: Tanh(z),
        "relu": lambda z: ReLU(z, h0), "gelu": lambda z: GELU(z), "softplus": lambda z: Softplus(z),
        "gelu_tanh": lambda z: GELUTanh(z),
        "silu": lambda z: SiLU(z), "exp": sp.exp, "ln": sp.log, "log": sp.log, "lg": sp.log,
        "Phi": lambda z: NormalCDF(z), "phi": lambda z: NormalPDF(z), "step": lambda z: Step(z, h0),
        "elu": lambda z: ELU(z, sp.Integer(1)),
        "leaky_relu": lambda z: LeakyReLU(z, sp.Rational(1, 100), h0),
        "sech": sp.sech, "cosh": sp.cosh, "sinh": sp.sinh, "csch": sp.csch, "coth": sp.coth,
        "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "abs": sp.Abs, "sign": sp.sign, "erf": sp.erf,
        "sec": sp.sec, "csc": sp.csc, "cot": sp.cot, "asin": sp.asin, "acos": sp.acos, "atan": sp.atan,
        "asinh": sp.asinh, "acosh": sp.acosh, "atanh": sp.atanh, "erfc": sp.erfc, "det": _determinant,
    }
    if base in ("Phi", "phi", "sigma", "tanh", "exp", "ln", "log", "lg"):
        return table[base]
    if name in table:
        return table[name]
    if name in ("max", "min", "softmax"):
        return {"max": "max", "min": "min", "softmax": "softmax"}[name]  # type: ignore[return-value]
    return None


_PRIMITIVE_LETTERS: dict = {}   # (activations, conventions, taken) -> letters: the same for every witness


def spec_primitive_letters(spec, taken: set) -> dict:
    """Cached ``_spec_primitive_letters`` (it differentiates every layer's activation symbolically; the
    witnesses of one spec, which differ only in their widths, share the answer)."""
    try:
        key = (tuple(spec.activations), spec.conventions, frozenset(taken))
        hash(key)
    except (AttributeError, TypeError):
        return _spec_primitive_letters(spec, taken)
    if key not in _PRIMITIVE_LETTERS:
        if len(_PRIMITIVE_LETTERS) > 64:
            _PRIMITIVE_LETTERS.clear()
        _PRIMITIVE_LETTERS[key] = _spec_primitive_letters(spec, taken)
    return dict(_PRIMITIVE_LETTERS[key])


def _spec_primitive_letters(spec, taken: set) -> dict:
    """{letter: (primitive class, its parameters)} for the functions the spec's activations'
    derivatives are written with, by the letter the documents print them with (the primitives'
    latex_name: H, the unit step of ReLU'), with the spec's conventions (H(0)); letters in taken
    (the notation's roles) are never used."""
    import sympy as sp

    from ..primitives import Primitive

    out: dict = {}
    z = sp.Symbol("z")
    for l in range(1, getattr(spec, "depth", 0) + 1):
        try:
            d = sp.diff(spec.activation(l).apply(z), z)
        except Exception:  # noqa: BLE001 - an activation without a symbolic derivative names nothing
            continue
        for app in sp.preorder_traversal(d):
            name = getattr(type(app), "latex_name", "")
            if isinstance(app, Primitive) and len(name) == 1 and name.isalpha() and name not in taken \
                    and app.args and app.args[0] == z:
                out[name] = (type(app), app.args[1:])
    return out
