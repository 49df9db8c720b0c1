"""Worked examples in documents: numbers (E = 5.7372) checked at the values the document gives.

A document that states a worked example first gives its inputs and parameters (``x = [1, 4, 5]``,
``W^{1} = [[...]]``, ``\\alpha = 0.02``, ``N = 1``); every later equation whose right side is a number or
a matrix of numbers and whose left side the spec's network can compute (a pre-activation, the loss,
an error term, a gradient, an updated weight ``{W^{1}}'``) is computed exactly at those values and
compared with the shown digits: it holds when every entry rounds to what is shown.
"""

from __future__ import annotations

import re

import sympy as sp

from .compare import Result
from .syntax import LatexError, Node
from .tree import atom_key, iter_nodes, juxt_items, relation_parts
from .values import is_mat
from .written import most_decimals


def numeric_matrix(node: Node):
    """The number or matrix of numbers a node writes (as exact rationals), or None."""
    from .context import ScalarContext
    from .interpret import Interpreter

    for n in iter_nodes(node):
        if n.kind in ("letter", "command", "text") and not (n.kind == "command" and str(n.args[0]) == "\\pi"):
            return None
    try:
        v = Interpreter(ScalarContext(), "").value(node)
    except Exception:  # noqa: BLE001 - anything that is not plain numbers is not a value
        return None
    entries = list(v) if is_mat(v) else [v]
    if any(getattr(e, "free_symbols", {1}) for e in entries):
        return None
    return v


class Worked:
    """The worked example a document states, if any (needs a spec: the network it is about)."""

    def __init__(self, spec, notation=None, rounding: str = "none", decimals: int | None = None):
        self.spec = spec
        self.decimals = decimals        # what the rounded activation outputs keep (else the shown digits)
        self.rounding = rounding        # 'none', 'activations' or 'every' (stated_rounding)
        self.values: dict = {}          # (role, layer) -> exact value
        self.scalars: dict = {}         # alpha, N, ... -> exact value
        self.scalar_texts: dict = {}    # alpha, N, ... -> the equation that gave it (alpha = 0.02)
        self.profile = None
        if spec is not None:
            from ..present.notation import any_profile, profile_for

            self.profile = any_profile(notation) if notation else profile_for(spec.notation)

    @property
    def active(self) -> bool:
        return self.spec is not None and bool(self.values)

    def _context(self):
        from .network_context import NetworkContext

        batch = int(self.scalars.get("N", 1)) if self.scalars.get("N", 1) == int(self.scalars.get("N", 1)) else 1
        ctx = NetworkContext(self.spec, tuple(self.spec.layers), max(1, batch), self.profile)
        ctx.point_derivatives = False     # numbers are substituted into the values: symbolic derivatives
        return ctx

    def defines(self, lhs: Node, rhs: Node, text: str) -> bool:
        """Record x = [...], W^{1} = [...] (network inputs and parameters) or alpha = 0.02."""
        value = numeric_matrix(rhs)
        items = juxt_items(lhs)
        if value is None or not items or len(items) != 1 or items[0].kind != "postfix":
            return False
        key = atom_key(items[0])
        if key is not None and not items[0].scripts and not is_mat(value) and key[0] in ("alpha", "eta", "N", "lambda"):
            again = self.scalars.get(key[0]) == value
            self.scalars[key[0]] = value
            self.scalar_texts[key[0]] = text
            return again       # the first time also a definition for the claims (they may use alpha)
        if self.spec is None:
            return False
        from .interpret import Interpreter

        ctx = self._context()
        try:
            got = ctx.resolve(items[0], Interpreter(ctx, text))
        except (LatexError, Exception):  # noqa: BLE001 - not a network symbol
            return False
        if got is None or got[0] not in ("input", "target", "weight", "bias") or got[2]:
            return False
        self.values[(got[0], got[1])] = value
        return True

    def can_check(self, lhs: Node) -> bool:
        return self.spec is not None

    def _subs(self, ctx) -> dict:
        out = {}
        for (role, layer), value in self.values.items():
            sym = {"input": ctx.X, "target": ctx.Y}.get(role) if role in ("input", "target") else (
                ctx.W[layer] if role == "weight" else ctx.b[layer])
            vals = value if is_mat(value) else sp.Matrix([[value]])
            if vals.shape != sym.shape:
                if vals.shape == sym.T.shape:
                    vals = vals.T
                else:
                    raise LatexError(f"the worked example's {role} has shape {vals.shape}, the network's"
                                     f" {sym.shape}")
            out.update(dict(zip(list(sym), list(vals))))
        return out

    def check(self, text: str) -> Result:
        from ..primitives import Primitive
        from .interpret import Interpreter

        rel = parse_claim(text)
        sides, _ = relation_parts(rel)
        lhs, rhs = sides[0], sides[-1]
        shown = numeric_matrix(rhs)
        digits = most_decimals(rhs)
        ctx = self._context()
        interp = Interpreter(ctx, rel.source)
        names = {atom_key(n)[0] for n in iter_nodes(lhs) if n.kind == "postfix" and atom_key(n) is not None}
        try:
            value = self._scalar(lhs, text) if names <= set(self.scalar_texts) else None
            subs = {}
            if value is None:
                value = self._updated(lhs, ctx, interp)
                if value is None:
                    value = interp.value(lhs)
                subs = self._subs(ctx)
        except Exception as e:  # noqa: BLE001 - a value the example cannot give is not checked
            return Result(text, "not-checkable", notes=[f"not a value of the worked example ({e})"])
        vals = list(value) if is_mat(value) else [value]
        want = list(shown) if is_mat(shown) else [shown]
        if len(vals) != len(want):
            return Result(text, "fails", counterexample=f"the left side has {len(vals)} entries, the right side"
                                                        f" {len(want)}")
        if self.rounding == "every":
            return Result(text, "not-checkable", notes=["the document rounds every intermediate value before using"
                                                        " it again; the checker computes the example exactly or"
                                                        " from rounded activation outputs only"])
        tol = sp.Rational(1, 2) * sp.Rational(10) ** (-digits) + sp.Rational(1, 10**12)
        rounded = self._rounded_classes() if self.rounding == "activations" else ()
        if rounded:
            # only a layer's outputs are rounded: sigma(z^{3}) as softplus' derivative is no output of a
            # sigmoid layer, so it is written out (and not rounded) before the numbers go in
            _, A = ctx.forward()
            outputs = {a for l in A if l for a in A[l]}
            vals = [v.replace(lambda q: isinstance(q, rounded) and q not in outputs, lambda q: q.as_explicit())
                    for v in vals]
        for k, (v, w) in enumerate(zip(vals, want)):
            keep = digits if self.decimals is None else self.decimals
            try:
                exact = _round_outputs(_substituted(v, subs, rounded), rounded, keep)
                exact = exact.replace(lambda q: isinstance(q, Primitive), lambda q: q.as_explicit())
                got = sp.N(exact, 30)
            except (TypeError, ValueError):
                # an unevaluated case split (ELU's Piecewise) SymPy cannot evaluate numerically: substitute
                # with evaluation, as before (a ReLU output then escapes the rounding)
                exact = _round_outputs(v.xreplace(subs), rounded, keep)
                exact = exact.replace(lambda q: isinstance(q, Primitive), lambda q: q.as_explicit())
                got = sp.N(exact, 30)
            if got.free_symbols:
                return Result(text, "not-checkable", notes=["the worked example does not give every value this"
                                                            " needs: " + ", ".join(sorted(map(str, got.free_symbols)))])
            if abs(got - w) > tol:
                where = f" (entry {k + 1})" if len(vals) > 1 else ""
                return Result(text, "fails", counterexample=f"at the worked example's values{where} the left side is"
                                                            f" {sp.N(got, digits + 3)}, shown as {w}")
        how = " from activation outputs rounded to that many decimals" if rounded and subs else ""
        return Result(text, "holds", f"computed at the worked example's values{how} and rounded to {digits}"
                                     " decimals")

    def _scalar(self, lhs, text: str):
        """A number computed from the example's scalars alone (alpha/N, the step the update takes), or None."""
        from .context import Definitions, ScalarContext
        from .definitions import read_definition
        from .interpret import Interpreter

        if not self.scalar_texts:
            return None
        defs = Definitions()
        try:
            for given in self.scalar_texts.values():
                read_definition(given, defs)
            v = Interpreter(ScalarContext(defs), text).value(lhs)
        except Exception:  # noqa: BLE001 - not a value of the example's scalars
            return None
        return None if is_mat(v) or v.free_symbols else v

    def _rounded_classes(self) -> tuple:
        """The activation classes whose outputs the 'activations' reading rounds (not the identity's)."""
        out = []
        for l in range(1, self.spec.depth + 1):
            act = self.spec.activation(l)
            if act.entry.func is not None:
                out.append(type(act.apply(sp.Symbol("z"))))
        return tuple(out)

    def _updated(self, lhs, ctx, interp):
        """{W^{1}}' (the parameter after one step): W - alpha dE/dW, or None for any other left side."""
        items = juxt_items(lhs)
        if not items or len(items) != 1 or items[0].kind != "postfix":
            return None
        post = items[0]
        if post.args[0].kind not in ("brace", "paren") or [s[0] for s in post.scripts] != ["prime"]:
            return None
        inner = juxt_items(post.args[0].args[0] if post.args[0].kind == "paren" else post.args[0])
        if not inner or len(inner) != 1:
            return None
        got = ctx.resolve(inner[0], interp)
        if got is None or got[0] not in ("weight", "bias"):
            return None
        alpha = self.scalars.get("alpha", self.scalars.get("eta"))
        if alpha is None:
            raise LatexError("the learning rate (\\alpha = ...) is not given before the updated values")
        loss = ctx.role_value("loss", None)
        param = ctx.role_value(got[0], got[1])
        return param - alpha * param.applyfunc(lambda s: sp.diff(loss, s))


def _round_outputs(e, classes: tuple, digits: int):
    """e with every numeric application of the given activations replaced by its value rounded to
    digits decimals, innermost first (later values are computed from the rounded outputs)."""
    if not classes:
        return e
    from ..present.worked_example import round_value

    for _ in range(64):                 # one pass per layer of nesting
        apps = [a for a in e.atoms(*classes) if not a.free_symbols and not any(
            isinstance(b, classes) for arg in a.args for b in sp.preorder_traversal(arg))]
        if not apps:
            return e
        rule = {a: round_value(a.as_explicit() if hasattr(a, "as_explicit") else a, digits) for a in apps}
        with sp.evaluate(False):        # the next layer's (leaky) ReLU at a number is rounded too, not evaluated
            e = e.xreplace(rule)
    return e


def _substituted(v, subs: dict, rounded: tuple):
    """v at the example's numbers; where activation outputs are rounded, unevaluated: a (leaky) ReLU at a
    number evaluates at once, and its output would escape the rounding (P^{3} computed from the exact
    h^{2} instead of the h^{2} the document shows)."""
    if not rounded:
        return v.xreplace(subs)
    with sp.evaluate(False):
        return v.xreplace(subs)


ROUNDING_PHRASES = (  # how a document states which reading of "rounded to d decimals" it follows
    ("none", re.compile(r"nothing is rounded|computed exactly and shown rounded|no rounding", re.I)),
    ("every", re.compile(r"(every|each|all) (intermediate )?values? (is|are) rounded|round(s|ed)? (every|each|all)"
                         r" (intermediate )?values?", re.I)),
    ("activations", re.compile(r"(sigmoid|activation)( function)? outputs?[^.]{0,80}\brounded|outputs?( values?)? of"
                               r" the (sigmoid|activation)[^.]{0,80}\brounded|\bround(s|ed)? the outputs?( values?)?"
                               r" of the (sigmoid|activation)|round(s|ed)? the (sigmoid|activation)", re.I)),
)


def stated_rounding(text: str) -> str:
    """The rounding a document says its worked example follows: 'every', 'activations' or 'none' (the
    shown digits are the exact values rounded, the plain reading of a number with d decimals). The
    first statement counts: a later note may name the other readings it compares with."""
    found = [(m.start(), mode) for mode, rx in ROUNDING_PHRASES for m in [rx.search(text)] if m]
    return min(found)[1] if found else "none"


def stated_decimals(text: str) -> int | None:
    """The decimals a document says it rounds to ('rounded to 4 decimals'), or None."""
    m = re.search(r"\bround(?:s|ed|ing)?\b[^.]{0,120}?\bto (\d{1,2}) (?:decimal|digit|place)", text, re.I)
    return int(m.group(1)) if m else None


def parse_claim(text: str):
    from .syntax import parse

    return parse(text)
