"""Index notation in scalar claims: sums without an upper limit, the lengths they run to, and labels.

``\\sum_j e^{z_j}`` sums over every entry of z, whose length the claim does not give. Which letters
run over the same range is read from where they are written: every index letter in the same slot of
the same symbol (z_i, z_j, the k of \\sum_k e^{z_k}) runs over one range, and so do the two sides of
\\delta_{ij}, I_{kj} and \\mathbb{1}(y = k). Each range that a sum leaves open gets a length symbol
(K, or the letter a bounded sum over the same range names, as N in \\sum_{k=1}^{N}); the claim is
then decided at several lengths (1, 2, 3, 4 and 6), with the free indices at every value in range
(equal and distinct), which is a weaker verdict than a proof for every length: 'checked'.

A label written as an indexed symbol inside a subscript (the y_i of f_{y_i}) is a whole number in the
range of the slot it selects; every one of its values is tried.
"""

from __future__ import annotations

import re

import functools

from dataclasses import dataclass, field

import sympy as sp

from .syntax import Node
from .tree import (
    atom_key,
    free_index_letters,
    items_of,
    iter_nodes,
    juxt_items,
    plain_text,
    primed_index,
    relation_parts,
    summation_letters,
)
from .values import is_mat

# letters that stand for a scalar beside a vector in softmax(z + c), softmax(cz), e^{z_j / T}
SCALAR_LETTERS = {"c", "C", "D", "T", "m", "lambda", "alpha", "beta", "tau", "gamma", "eta", "epsilon"}
LENGTH_NAMES = ("K", "M", "Q", "R", "P")
ONE_LENGTH_SIZES = (1, 2, 3, 4, 6)
# a longer length, at only the last choice of the free indices (one instance: a long one costs as much as
# several short ones): a term that starts at the 7th entry (floor(k/7) x_k) or an inequality with a 1/7
# where Cauchy-Schwarz has 1/K agrees up to length 6
LONG_SIZES = (8,)
MAX_INSTANCES = 120


@dataclass
class IndexPlan:
    """What a scalar claim's index notation needs: lengths, the letters they bound, labels."""

    active: bool = False
    lengths: list[str] = field(default_factory=list)          # length symbols, in order
    implicit: set[str] = field(default_factory=set)           # the ones the claim does not name
    open_sums: dict[str, str] = field(default_factory=dict)   # summation letter -> its length
    vectors: dict[str, str] = field(default_factory=dict)     # softmax(z): z -> its length
    labels: dict[str, str] = field(default_factory=dict)      # y of f_{y_i} -> its length
    free: dict[str, str | None] = field(default_factory=dict)  # free index -> its length (None: 1..3)
    described: dict[str, str] = field(default_factory=dict)   # length -> what it is the length of
    whole_and_entries: str = ""       # a letter written bare and with indices (W beside W_{k,l})
    set_sums: dict[str, str] = field(default_factory=dict)    # \sum_w w^2 over the weights: w -> length

    def size_choices(self) -> list[dict]:
        """The lengths tried: each at 1, 2, 3, 4, 6 alone; several at equal and at unequal sizes."""
        if not self.lengths:
            return [{}]
        if len(self.lengths) == 1:
            return [{self.lengths[0]: n} for n in ONE_LENGTH_SIZES + LONG_SIZES]
        out = [dict.fromkeys(self.lengths, n) for n in (1, 2, 3, 4)]
        for name in self.lengths:
            out.append({x: (3 if x == name else 2) for x in self.lengths})
            out.append({x: (1 if x == name else 3) for x in self.lengths})
        return out + [dict.fromkeys(self.lengths, LONG_SIZES[0])]

    def instances(self, base: dict | None = None) -> list[dict]:
        """Every choice of the free indices and labels at every tried size (bounded in number)."""
        out: list[dict] = []
        for sizes in self.size_choices():
            combos = [dict(base or {}, **sizes)]
            for letter, length in sorted(self.free.items()):
                combos = [dict(c, **{letter: v}) for c in combos for v in _values(sizes.get(length, 3))]
            for label, length in sorted(list(self.labels.items()) + list(self.set_sums.items())):
                combos = [dict(c, **{"@" + label: v}) for c in combos for v in _values(sizes.get(length, 3))]
            if LONG_SIZES and max(sizes.values(), default=0) >= LONG_SIZES[0]:
                out.append(combos[-1])
                continue
            limit = MAX_INSTANCES // len(self.size_choices()) + 1
            out.extend(combos[::-(-len(combos) // limit)])     # spread over the choices, not a prefix
        return out

    def sizes_text(self) -> str:
        parts = []
        for sizes in self.size_choices()[:8]:
            parts.append(", ".join(f"{k} = {v}" for k, v in sizes.items()))
        if len(self.lengths) == 1:
            return f"{self.lengths[0]} = " + ", ".join(str(n) for n in ONE_LENGTH_SIZES + LONG_SIZES)
        return "; ".join(parts) + f"; all at {LONG_SIZES[0]}"

    def note(self) -> str:
        what = "; ".join(f"{k} is the length of {v}" for k, v in self.described.items() if k in self.implicit)
        what = re.sub(r"\bhat_\{?([A-Za-z]+)\}?", r"\\hat{\1}", what)     # no internal names in a message
        return (f"checked only for {self.sizes_text()}" + (f" ({what}, which the claim does not give)" if what else "")
                + f", with every index at every value in range (at {LONG_SIZES[0]}: at the last value): not proved for"
                " every length")


def _values(size: int) -> list[int]:
    """Index values tried at one length: all of them up to 3, else the first two and the last."""
    return list(range(1, size + 1)) if size <= 3 else [1, 2, size]


class _Union:
    def __init__(self):
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _base_name(post) -> str | None:
    key = atom_key(post)
    if key is None:
        return None
    return ("hat_" if key[1] else "") + key[0]


def _slot_items(sarg):
    """The slots of a subscript, in order: ('letter', l), ('label', base), ('other', None)."""
    if sarg.kind == "sletter":
        return [("letter", str(sarg.args[0]))]
    if sarg.kind == "snumber":
        return [("other", None)] * len(str(sarg.args[0]))
    if sarg.kind != "sbrace":
        return [("other", None)]
    out = []
    for it in items_of(sarg):
        t = plain_text(it)
        if t is not None and t.isalnum() and len(t) <= 3:
            out.extend(("letter", ch) if ch.isalpha() else ("other", None) for ch in t)
            continue
        if primed_index(it) is not None:
            out.append(("letter", primed_index(it)))
            continue
        items = juxt_items(it)
        if items and len(items) == 1 and items[0].kind == "postfix" and items[0].args[0].kind == "letter" \
                and len(items[0].scripts) == 1 and items[0].scripts[0][0] == "sub":
            out.append(("label", str(items[0].args[0].args[0])))
            continue
        out.append(("other", None))
    return out


KRONECKER = ("delta", "I")
# a cost written bare beside its per-sample terms (L and L_i, E and E_n, C and C_x) is two symbols
LOSS_LETTERS = {"L", "C", "E", "J", "ell", "l"}


def plan_indices(rel, defs, bound: set[str]) -> IndexPlan:
    """The index plan of a claim and the definitions it may use (their letters are their own)."""
    uf = _Union()
    open_vars: list = []
    needs: dict = {}          # node -> why it needs a length: 'sum', 'vector', 'label'
    vectors: dict[str, tuple] = {}
    labels: dict[str, tuple] = {}
    named: dict = {}          # node -> the length letter a bounded sum names
    excluded = [False]
    used_letters: set[str] = set()
    claim_sum_vars: set[str] = set()

    def walk(node, ns):
        for n in iter_nodes(node):
            if n.kind in ("letter", "sletter"):
                used_letters.add(str(n.args[0]))
            if n.kind == "juxt":
                _juxt(list(n.args), ns)
            if n.kind != "postfix":
                continue
            b = n.args[0]
            if b.kind in ("sum", "prod"):
                _sum(n, ns)
                continue
            if b.kind == "command" and str(b.args[0]) in ("\\max", "\\min"):
                # \\max_k z_k: over every k, like a sum without an upper limit
                t = plain_text(n.scripts[0][1]) if len(n.scripts) == 1 and n.scripts[0][0] == "sub" else None
                if t and len(t) == 1 and t.isalpha():
                    open_vars.append((ns, t))
                    needs[("L", ns, t)] = "sum"
                    if ns == 0:
                        claim_sum_vars.add(t)
                continue
            if b.kind == "command" and str(b.args[0]) in ("\\nabla", "\\log", "\\partial"):
                continue
            if b.kind in ("lim", "int"):
                continue
            base = _base_name(n)
            subs = [s for s in n.scripts if s[0] == "sub"]
            if base is None or not subs:
                continue
            slots = _slot_items(subs[0][1])
            if base in KRONECKER and len(slots) == 2 and all(k == "letter" for k, _ in slots):
                uf.union(("L", ns, slots[0][1]), ("L", ns, slots[1][1]))
                continue
            for pos, (kind, val) in enumerate(slots):
                if kind == "letter":
                    uf.union(("S", base, pos), ("L", ns, val))
                elif kind == "label":
                    uf.union(("S", base, pos), ("Y", val))
                    labels[val] = ("Y", val)
                    needs[("Y", val)] = "label"

    def _sum(n, ns):
        var, op, other, hi, _ = sum_parts(n)
        if op in ("\\neq", "\\ne") and var:
            excluded[0] = True
            items = juxt_items(other)
            t = plain_text(other)
            if t and len(t) == 1:
                uf.union(("L", ns, var), ("L", ns, t))
                if ns == 0:
                    eq_letters.add(t)
            elif items and len(items) == 1 and items[0].kind == "postfix" and items[0].args[0].kind == "letter":
                lab = str(items[0].args[0].args[0])
                labels[lab] = ("Y", lab)
                needs[("Y", lab)] = "label"
                uf.union(("L", ns, var), ("Y", lab))
        t = plain_text(hi) if hi is not None else None
        if var and t and len(t) == 1 and t.isalpha() and t in bound:
            named[("L", ns, var)] = t
            uf.union(("L", ns, var), ("N", t))
        has_hi = hi is not None
        if var is None:
            return
        if ns == 0:
            claim_sum_vars.add(var)
        if not has_hi:
            open_vars.append((ns, var))
            needs[("L", ns, var)] = "sum"

    def _juxt(items, ns):
        for nxt, chosen in _softmax_calls(items, lambda c: ("S", c, 0) in uf.parent):
            for c in chosen:
                vectors[c] = ("S", c, 0)
                needs[("S", c, 0)] = "vector"
            subs = [s for s in nxt.scripts if s[0] == "sub"]
            if subs and chosen:
                for kind, val in _slot_items(subs[0][1])[:1]:
                    if kind == "letter":
                        for c in chosen:
                            uf.union(("S", c, 0), ("L", ns, val))

    eq_letters: set[str] = set()
    walk(rel, 0)
    claim_subscripts = free_index_letters(rel)
    patterned = {id(b) for _, b in defs.indexed.values()}
    for k, body in enumerate([b for b in defs.symbols.values() if id(b) not in patterned]
                             + [f.body for f in defs.functions.values()], start=1):
        walk(body, k)
    # s = \\operatorname{softmax}(z) names a vector: s_i runs over z's range
    for name, body in defs.symbols.items():
        for n in iter_nodes(body):
            if n.kind == "juxt":
                for c in _softmax_vectors(list(n.args)):
                    uf.union(("S", name, 0), ("S", c, 0))
    # an indexed definition's letters are its parameters: s_i = ... links slot 0 of s to i's range
    for k, (name, (letters, body)) in enumerate(sorted(defs.indexed.items()), start=1000):
        for pos, letter in enumerate(letters):
            uf.union(("S", name, pos), ("L", k, letter))
        walk(body, k)
    # indicator equalities \mathbb{1}(y = k), \mathbb{1}_{i=j}: both sides run over one range
    for n in iter_nodes(rel):
        if n.kind == "relation" and n is not rel:
            sides, ops = relation_parts(n)
            if ops == ["="] and len(sides) == 2:
                a, b = plain_text(sides[0]), plain_text(sides[1])
                if a and b and len(a) == 1 and len(b) == 1 and a.isalpha() and b.isalpha():
                    uf.union(("L", 0, a), ("L", 0, b))
                    eq_letters |= {a, b}
                elif b and len(b) == 1 and b.isalpha():
                    items = juxt_items(sides[0])
                    if items and len(items) == 1 and items[0].kind == "postfix" and items[0].args[0].kind == "letter" \
                            and len(items[0].scripts) == 1 and items[0].scripts[0][0] == "sub":
                        lab = str(items[0].args[0].args[0])
                        labels.setdefault(lab, ("Y", lab))
                        needs[("Y", lab)] = "label"
                        uf.union(("L", 0, b), ("Y", lab))
                        eq_letters.add(b)
    plan = IndexPlan()
    entries = {x[1] for x in uf.parent if x[0] == "S"}
    soft_args = set(vectors)
    # the letter inside a decoration (the y of \hat{y}_i) is not written bare: \hat{y}_i is an entry
    inner = {id(x) for d in iter_nodes(rel) if d.kind == "decor" and isinstance(d.args[1], Node)
             for x in iter_nodes(d.args[1])}
    plan.whole_and_entries = next((m.text or _base_name(m) for m in iter_nodes(rel) if m.kind == "postfix"
                                   and id(m) not in inner
                                   and not [s for s in m.scripts if s[0] == "sub"] and m.args[0].kind in ("letter", "decor")
                                   and _base_name(m) in entries - soft_args - LOSS_LETTERS
                                   and _base_name(m) not in KRONECKER), "")
    plan.active = bool(open_vars or vectors or labels or excluded[0] or eq_letters)
    if not plan.active:
        return plan
    # one length per class that needs one: the letter a bounded sum names, else a new symbol
    length_of: dict = {}
    spare = [x for x in LENGTH_NAMES if x not in used_letters and x not in defs.symbols]
    for node in list(needs) + [("N", t) for t in sorted(bound)]:
        root = uf.find(node)
        if root in length_of:
            continue
        members = [x for x in uf.parent if uf.find(x) == root]
        given = sorted(x[1] for x in members if x[0] == "N")
        if given:
            length_of[root] = given[0]
        else:
            if not spare:
                plan.active = False
                return plan
            length_of[root] = spare.pop(0)
            plan.implicit.add(length_of[root])
            slots = sorted({x[1] for x in members if x[0] == "S"})
            if slots:
                plan.described[length_of[root]] = ", ".join(slots)
        if length_of[root] not in plan.lengths:
            plan.lengths.append(length_of[root])

    def length(node):
        return length_of.get(uf.find(node))

    for ns, var in open_vars:
        plan.open_sums.setdefault(var, length(("L", ns, var)))
        members = [x for x in uf.parent if uf.find(x) == uf.find(("L", ns, var))]
        if not any(x[0] in ("S", "Y") for x in members) and var in used_letters and var not in claim_subscripts:
            # Nielsen's \sum_w w^2: the letter is the summand, one of the weights w_1..w_K; written
            # outside the sum (\frac{\partial C}{\partial w}) it is any one of them
            plan.set_sums[var] = plan.open_sums[var]
            if plan.open_sums[var] in plan.implicit:
                plan.described.setdefault(plan.open_sums[var], f"the {var}'s summed over")
    plan.vectors = {c: length(node) for c, node in vectors.items()}
    plan.labels = {c: length(node) for c, node in labels.items()}
    free = (free_index_letters(rel) | eq_letters) - summation_letters(rel) - claim_sum_vars - set(defs.symbols) \
        - set(bound) \
        - set(plan.lengths) - set(plan.labels) - set(plan.set_sums)
    plan.free = {x: length(("L", 0, x)) for x in sorted(free)}
    return plan


def _softmax_calls(items, indexed=lambda c: False):
    """(the argument's postfix, its vector letters) of each softmax(...) among juxtaposed items: the
    bold letters, else those indexed elsewhere, else those that are no usual scalar (c of z + c)."""
    for k, it in enumerate(items):
        if it.kind != "postfix" or k + 1 >= len(items):
            continue
        b = it.args[0]
        name = "".join(str(t) for t in b.args[1:]).strip() if b.kind == "text" else (
            str(b.args[0])[1:] if b.kind == "command" else _base_name(it))
        nxt = items[k + 1]
        if name is None or name.lower() != "softmax" or nxt.kind != "postfix" \
                or nxt.args[0].kind not in ("paren", "bracket"):
            continue
        cands = []
        for m in iter_nodes(nxt.args[0]):
            if m.kind == "postfix" and not m.scripts and m.args[0].kind in ("letter", "decor", "command"):
                nm = _base_name(m)
                if nm and nm.lower() != "softmax":
                    cands.append((nm, m.args[0].kind == "decor"))
        names = {c for c, _ in cands}
        yield nxt, ({c for c, bold in cands if bold} or {c for c in names if indexed(c)}
                    or (names - SCALAR_LETTERS) or names)


def _softmax_vectors(items) -> set[str]:
    return {c for _, chosen in _softmax_calls(items) for c in chosen}


def label_value(ctx, base: str, sub_value: int) -> int | None:
    """The label base_{sub} of this instance: the tried value for the first, shifted for the others."""
    v0 = ctx.indices.get("@" + base)
    length = getattr(ctx, "label_lengths", {}).get(base)
    if v0 is None or length is None or length not in ctx.indices:
        return None
    k = int(ctx.indices[length])
    return (int(v0) - 1 + max(int(sub_value) - 1, 0)) % k + 1



def defines_by_sum(rel, defs, indexed: bool = False) -> str | None:
    """The spelling of the symbol a claim defines by a sum (S_j = \\frac{e^{a_j}}{\\sum_k e^{a_k}},
    L_{CE} = -\\sum_k y_k \\log \\hat{y}_k), or None: its left side is one subscripted symbol that no
    definition gives and the right side does not mention, its right side sums. As a claim it would say
    that a free symbol equals the sum for every value, which no author means."""
    sides, ops = relation_parts(rel)
    if len(sides) != 2 or ops != ["="]:
        return None
    items = juxt_items(sides[0])
    if not items or len(items) != 1 or items[0].kind != "postfix" or items[0].args[0].kind not in ("letter", "decor"):
        return None
    post = items[0]
    if any(s[0] != "sub" for s in post.scripts):
        return None
    subs = [plain_text(s[1]) or "" for s in post.scripts]
    lettered = any(any(ch.isalpha() for ch in t) for t in subs) or any(
        s[1].kind == "sbrace" and plain_text(s[1]) is None for s in post.scripts)   # L_{y_i}
    name = _base_name(post)
    if name is None or name in defs.indexed or name in defs.functions \
            or any(k == name or k.startswith(name + "_") for k in defs.symbols):
        return None
    if any(n.kind == "postfix" and _base_name(n) == name and (post.scripts or not n.scripts)
           for n in iter_nodes(sides[1])):
        return None     # L = \frac{1}{N}\sum_i L_i defines L by the per-sample L_i; s_j by s_k would not
    sums = any(n.kind == "sum" for n in iter_nodes(sides[1]))
    if not (sums or (indexed and lettered)) or (subs and not lettered and not sums) or (not subs and not sums):
        return None
    return (post.text or name).strip()


def index_extremum(interp, items, i, head):
    """\\max_k z_k, \\min_j x_j: over every value of an index whose range the claim leaves open
    (``index_sums`` gives it a length): (value, the next item's index), or None."""
    it = items[i]
    if head[1] not in ("max", "min") or i + 1 >= len(items) or len(it.scripts) != 1 or it.scripts[0][0] != "sub":
        return None
    var = plain_text(it.scripts[0][1])
    length = getattr(interp.ctx, "open_lengths", {}).get(var or "")
    size = interp.ctx.indices.get(length) if length else None
    if not isinstance(size, int) or size < 1:
        return None
    saved = interp.ctx.indices.get(var)
    vals = []
    try:
        for v in range(1, size + 1):
            interp.ctx.indices[var] = v
            vals.append(interp.value(items[i + 1]))
    finally:
        if saved is None:
            interp.ctx.indices.pop(var, None)
        else:
            interp.ctx.indices[var] = saved
    if any(is_mat(v) for v in vals):
        raise interp.err(f"\\{head[1]} over an index of matrices is not supported", it)
    return _extremum(head[1], tuple(vals)), i + 2


@functools.lru_cache(maxsize=256)
def _extremum(kind: str, vals: tuple):
    # remembered (speed, issue 9.7): SymPy's Max/Min compare every pair of arguments (quadratic, and
    # symbolic), and \max_k z_k is built again in every term of a sum over j (softmax's denominator)
    return (sp.Max if kind == "max" else sp.Min)(*vals)


def term_at(interp, var: str, at: Node, rest: list[Node], it: Node):
    """The summand at var = the value of at (an index in range: the one \\sum_{j \\neq y} leaves out)."""
    v = interp.value(at)
    if is_mat(v) or not v.is_Integer:
        raise interp.err("a sum over every index but one needs that index to be a whole number", it)
    saved = interp.ctx.indices.get(var)
    interp.ctx.indices[var] = int(v)
    try:
        return interp.juxt(rest)
    finally:
        if saved is None:
            interp.ctx.indices.pop(var, None)
        else:
            interp.ctx.indices[var] = saved


def sum_parts(post):
    """(index, relation, its other side, upper limit, problem) of \\sum_{i=1}^{n}, \\sum_j, \\sum_{j \\neq y_i},
    \\sum_{c'}: the relation is '=', '\\neq' or None; problem is why the scripts cannot be read, or None."""
    var = op = other = hi = None
    for s in post.scripts:
        if s[0] == "sup":
            hi = s[1]
            continue
        if s[0] != "sub":
            return var, op, other, hi, "a prime on \\sum is not understood"
        sub = s[1]
        if sub.kind == "sletter":
            var = str(sub.args[0])
            continue
        items = items_of(sub) if sub.kind == "sbrace" else []
        if len(items) != 1:
            return var, op, other, hi, "cannot read the summation index"
        sides, ops = relation_parts(items[0]) if items[0].kind == "relation" else ([items[0]], [])
        t = plain_text(sides[0])
        var = t if t and len(t) == 1 and t.isalpha() else primed_index(sides[0])
        if var is None:
            return var, op, other, hi, "the summation index must be one letter"
        if ops and ops[0] not in ("=", "\\neq", "\\ne"):
            return var, op, other, hi, "cannot read the summation range"
        if ops:
            op, other = ops[0], sides[1]
    return var, op, other, hi, None


def index_equality(interp, a, b, rel):
    """\\mathbb{1}(y_i = k) of two whole-number indices; of real numbers it is refused (x = 0 has
    measure zero: sampling would call x = x + \\mathbb{1}(x = 0) true)."""
    if not (not is_mat(a) and not is_mat(b) and a.is_Integer and b.is_Integer):
        raise interp.err("an indicator of an equation compares two indices, as in \\mathbb{1}(y_i = k)", rel)
    return sp.Integer(1 if a == b else 0)

