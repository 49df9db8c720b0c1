"""The index-notation part of a scalar context: labels, softmax's vector letters, entries of values,
\\sum_w over the weights, costs nothing defines and indexed definitions (``index_sums`` plans them)."""

from __future__ import annotations

import sympy as sp

from .index_sums import LOSS_LETTERS, label_value
from .syntax import LatexError, Node, OutOfRange
from .tree import (
    atom_key,
    decor_scripts,
    differentiation_variables,
    free_index_letters,
    iter_nodes,
    plain_text,
    summation_letters,
    symbol_name,
)


class IndexNotation:
    """The index-notation part of a scalar context (``context.ScalarContext``): labels, the entries of
    softmax's vector letter, entries of function values, \\sum_w over the weights, costs nothing
    defines, and indexed definitions s_i = ...; the context's indices, symbols and definitions are its own."""

    def _indexed_atom(self, post: Node, interp):
        """A label y_i (a whole number in range) or, inside softmax(...), a vector letter's entry."""
        key = atom_key(post)
        if key is None or key[1]:
            return None
        scripts = list(decor_scripts(post))
        subs = [s for s in scripts if s[0] == "sub"]
        if key[0] in self.label_lengths and len(subs) == 1:
            t = interp.index_label(subs[0][1])
            if t.isdigit():
                v = label_value(self, key[0], int(t))
                if v is not None:
                    return sp.Integer(v), [s for s in scripts if s is not subs[0]]
        if self.vector_entry is not None and not subs and key[0] in self.vector_lengths:
            return self.lookup(symbol_name(key, str(self.vector_entry)), interp), scripts
        return None

    def _set_entry(self, letter: str) -> str | None:
        k = self.indices.get(letter)
        if not isinstance(k, int):
            k = self.indices.get("@" + letter)
        return f"{letter}_{k}" if isinstance(k, int) else None

    def _set_member(self, post: Node):
        """w in \\sum_w w^2 (the weight w_k of this term) or outside the sum (the chosen w_j), or None."""
        key = atom_key(post)
        if key is None or key[1] or key[0] not in self.set_sums or post.args[0].kind != "letter" \
                or any(s[0] == "sub" for s in post.scripts):
            return None
        name = self._set_entry(key[0])
        return (self.sym(name), list(post.scripts)) if name else None

    def generic_cost(self, name: str):
        """C_0, E_n, C_x, L_i that nothing defines, inside a derivative: an arbitrary function of the
        variables being differentiated by (a per-sample or unregularised cost), so that its derivative
        is never 0 by accident."""
        from .generic import generic_function
        base, _, sub = name.partition("_")
        if not (self.generic_costs and base in LOSS_LETTERS and sub and "^" not in sub and self.diff_stack):
            return None     # outside a derivative it is an unknown number
        args = [self.sym(v) for v in dict.fromkeys(self.diff_stack)]
        return generic_function(name, (0,) * len(args))(*args)

    def per_sample(self, base: str, sarg, interp):
        """E_n(w) where E(w) is defined (Bishop's E = \\sum_n E_n): an arbitrary function per value of n."""
        from .generic import generic_function

        name = f"{base}_{{{interp.index_label(sarg)}}}"

        def g(*args):
            return generic_function(name, (0,) * len(args))(*args)

        g.takes_sub = True
        g.multi = True
        return g

    def entries_of(self, node: Node, interp):
        """softmax(z), softmax(z + c): the argument read once per entry of its vector letter, or None."""
        names = {atom_key(n)[0] for n in iter_nodes(node) if n.kind == "postfix" and not n.scripts
                 and atom_key(n) is not None and atom_key(n)[0] in self.vector_lengths}
        if not names or self.vector_entry is not None:
            return None
        size = self.indices.get(self.vector_lengths[sorted(names)[0]])
        if not isinstance(size, int):
            return None
        out = []
        try:
            for k in range(1, size + 1):
                self.vector_entry = k
                out.append(interp.value(node))
        finally:
            self.vector_entry = None
        return out

    def select(self, val, sarg, role, interp):
        """(\\cdots)_i, softmax(z)_i: entry i of a vector (a 1x1 value is its own entry 1)."""
        t = interp.index_label(sarg)
        if not t.isdigit():
            raise interp.err(f"the index {t} is not bound (sum over it or use a number)", sarg)
        k = int(t)
        if val.shape[1] != 1 and val.shape[0] == 1:
            val = val.T
        if val.shape[1] != 1:
            raise interp.err("a matrix needs two indices", sarg)
        if not 1 <= k <= val.shape[0]:
            raise OutOfRange("entry")
        return val[k - 1, 0]

    def _defined_entry(self, var: Node, name: str, interp):
        """The value an indexed definition gives the entry differentiated by (y_2 of y_k = ...), or None."""
        key = atom_key(var)
        if self.network or key is None or name in self.defs.symbols or "_" not in name:
            return None
        subs = [s for s in decor_scripts(var) if s[0] == "sub"]
        if len(subs) != 1 or any(s[0] != "sub" for s in decor_scripts(var)):
            return None
        return self._indexed_definition(symbol_name(key), interp.index_label(subs[0][1]), interp)

    def _indexed_definition(self, name: str, sub_text: str, interp):
        """s_2 from the definition s_i = ...: its body read with i = 2; or entry 2 of a vector the
        definitions name (s = \\operatorname{softmax}(z)); None if no definition fits."""
        got = self.defs.indexed.get(name)
        if got is None and name in self.defs.symbols and name not in self.hidden and sub_text.isdigit() \
                and self.vector_lengths:
            whole = self.lookup(name, interp)
            if hasattr(whole, "shape") and 1 in whole.shape:
                if not 1 <= int(sub_text) <= max(whole.shape):
                    raise OutOfRange("entry")
                return list(whole)[int(sub_text) - 1]
            return None
        if got is None or name in self.hidden:
            return None
        letters, body = got
        parts = sub_text.split(",")
        if len(parts) == 1 and len(letters) > 1 and parts[0].isdigit() and len(parts[0]) == len(letters):
            parts = list(parts[0])
        if len(parts) != len(letters) or not all(p.isdigit() for p in parts):
            return None
        saved = {x: self.indices.get(x) for x in letters}
        self.depth += 1
        if self.depth > 30:
            raise LatexError(f"the definition of {name} refers to itself")
        try:
            for x, p in zip(letters, parts):
                self.indices[x] = int(p)
            return interp.value(body)
        finally:
            self.depth -= 1
            for x, v in saved.items():
                if v is None:
                    self.indices.pop(x, None)
                else:
                    self.indices[x] = v


def name_subscripts(rel, defs) -> set[str]:
    """Subscript letters that only ever complete the name of a given symbol: the B of a given
    \\mu_B = \frac{1}{m}\\sum_i x_i (Ioffe & Szegedy's mini-batch mean) names it, it is no index to
    instantiate (a given s_i = ..., defined for every i, keeps its i an index)."""
    seen: dict[str, bool] = {}
    for node in iter_nodes(rel):
        if node.kind != "postfix" or atom_key(node) is None:
            continue
        for sc in decor_scripts(node):
            if sc[0] != "sub":
                continue
            t = plain_text(sc[1])
            if t is None or len(t) != 1 or not t.isalpha():
                continue
            key = atom_key(node)
            names = symbol_name(key, t) in defs.symbols and symbol_name(key, None) not in defs.indexed
            seen[t] = seen.get(t, True) and names
    return {t for t, ok in seen.items() if ok}


def free_indices(rel, defs, bound: set[str]) -> list[str]:
    """The free index letters of a scalar claim: subscript letters no sum binds, not given names."""
    named = name_subscripts(rel, defs)
    return sorted(x for x in free_index_letters(rel) - summation_letters(rel) - set(differentiation_variables(rel))
                  if x not in bound and x not in defs.symbols and x not in named)   # f_w under d/dw: w no index



def index_choices(free: list[str], top: int, base: dict | None = None) -> list[dict]:
    """Every assignment of the free index letters to 1..top (equal and distinct indices both occur)."""
    combos = [dict(base or {})]
    for letter in free:
        combos = [dict(c, **{letter: v}) for c in combos for v in range(1, top + 1)]
    return combos[:81]


def ranged_indices(rel, defs) -> set[str]:
    """Free index letters that name entries of a family some sum runs over (the j of a_j beside
    \\sum_{i=1}^{H} a_i, in the claim or a given): such an index is in range only up to the sum's
    length, so a symbolic length is sampled no smaller than the index's value."""
    def bases(node, letters):
        out = set()
        for n in iter_nodes(node):
            if n.kind != "postfix" or atom_key(n) is None:
                continue
            for sc in decor_scripts(n):
                if sc[0] == "sub" and plain_text(sc[1]) in letters:
                    out.add((atom_key(n), plain_text(sc[1])))
        return out

    bodies = [rel] + list(defs.symbols.values()) + [f.body for f in defs.functions.values()]
    summed = {k for b in bodies for k, _ in bases(b, summation_letters(b))}
    free = free_index_letters(rel) - summation_letters(rel)
    return {letter for k, letter in bases(rel, free) if k in summed}
