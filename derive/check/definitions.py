"""--given definitions and --at values: read with the same grammar as claims, kept as ASTs."""

from __future__ import annotations

import sympy as sp

from .context import Definitions, FuncDef, ScalarContext, symbol_name
from .interpret import Interpreter
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
    rel = parse(text, what)
    sides, ops = relation_parts(rel)
    if len(sides) < 2 or any(o not in ("=", ":=") for o in ops):
        raise LatexError("a definition has the form NAME = expression or f(x) = expression", text,
                         rel.pos, what)
    lhs = sides[0]
    items = juxt_items(lhs)
    body = sides[-1]
    if items and len(items) == 2 and items[0].kind == "postfix" and items[1].kind == "postfix" \
            and items[1].args[0].kind == "paren" and not items[1].scripts and atom_key(items[0]) is not None \
            and not items[0].scripts:
        params = []
        for a in items_of(items[1].args[0]):
            t = plain_text(a)
            if t is None or not t.isalpha() or len(t) != 1:
                raise LatexError("function parameters must be single letters", text, a.pos, what)
            params.append(t)
        name = atom_key(items[0])[0]
        defs.functions[name] = FuncDef(name, tuple(params), body)
        # a chained definition f(z) = y = ... also names the middle symbols
        for mid in sides[1:-1]:
            _define_symbol(mid, body, defs, text, what)
        return
    for s in sides[:-1]:
        _define_symbol(s, body, defs, text, what)


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
