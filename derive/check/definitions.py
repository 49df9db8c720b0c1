"""--given definitions and --at values: read with the same grammar as claims, kept as ASTs."""

from __future__ import annotations

import re

import sympy as sp

from .context import Definitions, FuncDef, ScalarContext, source_of_script, symbol_name
from .interpret import Interpreter
from .param_vectors import at_vector_lengths, plan_vectors  # noqa: F401  (scalar claims plan their vectors with the givens)
from .syntax import LatexError, parse
from .tree import (
    _is_label,
    atom_key,
    decor_scripts,
    items_of,
    juxt_items,
    plain_text,
    relation_parts,
)
from .values import is_mat

# ---------------------------------------------------------------------------------------------
# Definitions (--given)


def read_definition(text: str, defs: Definitions, what: str = "definition") -> None:
    """Parse 'NAME = expr' or 'f(x, y) = expr' into defs (ASTs, interpreted when used)."""
    text = _tuple_as_column(text)
    rel = parse(text, what)
    sides, ops = relation_parts(rel)
    if len(sides) < 2 or any(o not in ("=", ":=") for o in ops):
        raise LatexError("a definition has the form NAME = expression or f(x) = expression", text,
                         rel.pos, what)
    lhs = sides[0]
    items = juxt_items(lhs)
    body = sides[-1]
    head = _function_head(items)
    if head is not None:
        name, sub = head
        params = []
        for a in items_of(items[1].args[0]):
            params.append(_parameter_name(a, text, what))
        defs.functions[name] = FuncDef(name, tuple(params), body, sub)
        # a chained definition f(z) = y = ... also names the middle symbols
        for mid in sides[1:-1]:
            _define_symbol(mid, body, defs, text, what)
        return
    for s in sides[:-1]:
        _define_symbol(s, body, defs, text, what)


def _function_head(items) -> tuple[str, str | None] | None:
    """(name, subscript) of a definition's left side f(x), h_\\theta(x), L_{CE}(\\hat{y}, y), or None.

    A subscript on the function's name (h_\\theta, L_{CE}, f_c) labels the function: the claim calls
    it with the same subscript.
    """
    if not (items and len(items) == 2 and items[0].kind == "postfix" and items[1].kind == "postfix"
            and items[1].args[0].kind == "paren" and not items[1].scripts and atom_key(items[0]) is not None):
        return None
    scripts = list(items[0].scripts)
    if any(s[0] != "sub" for s in scripts) or len(scripts) > 1:
        return None
    sub = source_of_script(scripts[0][1]) if scripts else None
    return atom_key(items[0])[0], sub


def _parameter_name(a, text, what) -> str:
    """A function parameter's symbol name: x, \\theta, \\mathbf{w}, \\hat{y}, w_1 (as the claim names it)."""
    t = plain_text(a)
    if t is not None and t.isalpha() and len(t) == 1:
        return t
    items = juxt_items(a)
    if items and len(items) == 1 and items[0].kind == "postfix" and atom_key(items[0]) is not None:
        post = items[0]
        sub = None
        for s in decor_scripts(post):
            if s[0] != "sub" or sub is not None:
                raise LatexError("a function parameter is a symbol, as in f(x), J(\\theta), E(w_1, w_2)",
                                 text, a.pos, what)
            sub = plain_text(s[1])
            if sub is None:
                raise LatexError("a function parameter's subscript must be plain", text, a.pos, what)
        return symbol_name(atom_key(post), sub)
    raise LatexError("a function parameter is a symbol, as in f(x), J(\\theta), E(w_1, w_2)", text, a.pos, what)


def _define_symbol(node, body, defs, text, what):
    items = juxt_items(node)
    if not items or len(items) != 1 or atom_key(items[0]) is None:
        raise LatexError("the left side of a definition must be a symbol or f(x)", text, node.pos, what)
    post = items[0]
    key = atom_key(post)
    sub = label = None
    for s in decor_scripts(post):
        if s[0] == "sub":
            sub = plain_text(s[1])
        elif s[0] == "sup" and _is_label(s[1]):
            label = plain_text(s[1])
        else:
            raise LatexError("the left side of a definition must be a plain symbol", text, node.pos, what)
    defs.symbols[symbol_name(key, sub, label)] = body
    letters = _index_letters(post)
    if letters:
        # s_i = \frac{e^{z_i}}{\sum_k e^{z_k}}: a definition of every entry, s_1, s_2, ... alike
        defs.indexed[symbol_name(key, None, label)] = (letters, body)


def _index_letters(post) -> tuple[str, ...]:
    """The index letters of a defined symbol's subscript (i of s_i, n and k of y_{nk}), or ()."""
    subs = [s for s in decor_scripts(post) if s[0] == "sub"]
    if len(subs) != 1:
        return ()
    t = plain_text(subs[0][1])
    if t is not None and t.isalpha() and t.islower() and len(t) <= 3 and len(set(t)) == len(t):
        return tuple(t)
    items = items_of(subs[0][1]) if subs[0][1].kind == "sbrace" else []
    parts = [plain_text(it) for it in items]
    if len(parts) > 1 and all(p and len(p) == 1 and p.isalpha() and p.islower() for p in parts) \
            and len(set(parts)) == len(parts):
        return tuple(parts)
    return ()


def read_assignment(text: str) -> tuple[str, sp.Expr]:
    """--at 'SYMBOL=VALUE': the symbol's name and an exact constant value."""
    rel = parse(text, "--at value")
    sides, ops = relation_parts(rel)
    if len(sides) != 2 or ops != ["="]:
        raise LatexError("--at takes SYMBOL=VALUE", text, rel.pos, "--at value")
    defs = Definitions()
    _define_symbol(sides[0], sides[1], defs, text, "--at value")
    name = next(iter(defs.symbols))
    ctx = ScalarContext()
    v = Interpreter(ctx, text, "--at value").value(sides[1])
    if is_mat(v) or v.free_symbols:
        raise LatexError("--at needs a number, as in y=350 or x=1/2", text, sides[1].pos, "--at value")
    return name, v


_NUMBER = r"\s*-?\s*(?:\d+\.?\d*|\.\d+)\s*"
_TUPLE = re.compile(r"^(?P<lhs>[^=]+=)\s*(?:\\left)?\(\s*(?P<items>" + _NUMBER + r"(?:," + _NUMBER + r")+)(?:\\right)?\)\s*$")


def _tuple_as_column(text: str) -> str:
    """z = (1, 2, 3): a tuple of numbers as the value of a name is the column vector of them (as a
    pmatrix), the way a worked example states an input."""
    m = _TUPLE.match(text)
    if m is None:
        return text
    entries = [e.strip() for e in m.group("items").split(",")]
    rows = " \\\\ ".join(entries)
    return m.group("lhs") + " \\begin{pmatrix} " + rows + " \\end{pmatrix}"
