"""Update rules written with '=': a training step assigns a new value, it states no identity.

Course notes write gradient steps as equations: \\theta = \\theta - \\eta \\nabla_\\theta J(\\theta) (Ruder),
v_t = \\gamma v_{t-1} + \\eta \\nabla_\\theta J(\\theta), \\theta^{t+1} = \\theta^t - \\eta g (Jurafsky & Martin),
\\mathbf{W}^m(k+1) = \\mathbf{W}^m(k) - \\alpha \\mathbf{s}^m (\\mathbf{a}^{m-1})^T (Hagan), w_{t+1} = w_t - \\eta g_t.
Read as identities they are false (the step would be 0) and the checker would call a correct lesson
wrong. An equation is an update rule when its left side is one symbol and its right side uses the same
symbol at the same place or one step earlier (t+1 / t, t / t-1, (k+1) / (k)); it is reported as
not-checkable with that reason. Mitchell's \\Delta w_{ji} = \\eta \\delta_j x_{ji} names the step itself and
is not an update rule.
"""

from __future__ import annotations

import re

from .syntax import LatexError, Node, parse
from .tree import atom_key, iter_nodes, juxt_items, relation_parts

_STEP = re.compile(r"^([a-z])\s*\+\s*1$")


def _spell(n) -> str:
    """The leaves of a parse node in order, without braces or spaces (t+1, (k+1), l-1)."""
    if not isinstance(n, Node):
        return str(n).replace(" ", "")
    out = "".join(_spell(a) for a in n.args)
    if n.kind == "paren":
        out = "(" + out + ")"
    for sc in getattr(n, "scripts", ()) or ():
        out += {"sub": "_", "sup": "^"}.get(sc[0], "'") + ("{" + _spell(sc[1]) + "}" if len(sc) > 1 else "")
    return out


def _scripts_text(post: Node) -> tuple:
    """The scripts of an atom as (kind, spelling)."""
    return tuple((sc[0], _spell(sc[1]) if len(sc) > 1 else "") for sc in getattr(post, "scripts", ()) or ())


def _earlier(new: str, old: str) -> bool:
    """Whether script ``old`` is one step before ``new``: t+1 / t, t / t-1, (k+1) / (k)."""
    new, old = new.strip("()"), old.strip("()")
    m = _STEP.match(new)
    if m and old == m.group(1):
        return True
    return len(new) == 1 and new.isalpha() and old == f"{new}-1"


def _atom(side: Node):
    """(key, scripts, call argument spelling) of a side that is one symbol, W(k+1) included; or None."""
    items = juxt_items(side)
    if not items or len(items) > 2 or items[0].kind != "postfix" or atom_key(items[0]) is None:
        return None
    arg = None
    if len(items) == 2:
        p = items[1]
        if p.kind != "postfix" or p.args[0].kind != "paren" or p.scripts:
            return None
        arg = _spell(p.args[0])
    return atom_key(items[0]), _scripts_text(items[0]), arg


def _occurrences(node: Node, key):
    """(scripts, call argument) of every use of the symbol ``key`` in node."""
    for n in iter_nodes(node):
        if n.kind == "juxt":
            args = [a for a in n.args if isinstance(a, Node)]
            for k, a in enumerate(args):
                if a.kind == "postfix" and atom_key(a) == key:
                    nxt = args[k + 1] if k + 1 < len(args) else None
                    arg = None
                    if nxt is not None and nxt.kind == "postfix" and nxt.args[0].kind == "paren":
                        arg = _spell(nxt.args[0])
                    yield _scripts_text(a), arg


def _stepped(new: tuple, old: tuple, new_arg, old_arg) -> bool:
    """Whether the old use is the new symbol itself or its previous iterate."""
    if new_arg is not None or old_arg is not None:
        if new_arg is None or old_arg is None or new != old:
            return False
        return _earlier(new_arg, old_arg)
    if new == old:
        return True
    if len(new) != len(old) or [k for k, _ in new] != [k for k, _ in old]:
        return False
    diffs = [(a, b) for (_, a), (_, b) in zip(new, old) if a != b]
    return len(diffs) == 1 and _earlier(*diffs[0])


def update_rule(text: str) -> str | None:
    """Why an equation is an update rule (a training step), or None."""
    try:
        rel = parse(text)
    except LatexError:
        return None
    sides, ops = relation_parts(rel)
    if len(sides) != 2 or ops != ["="]:
        return None
    got = _atom(sides[0])
    if got is None:
        return None
    key, scripts, arg = got
    if key[0] in ("Delta", "partial", "nabla"):
        return None
    rhs = sides[1]
    if not any(w.lstrip("\\") in _source(rel, rhs) for w in STEP_WORDS):
        return None     # a recurrence (a_n = a_{n-1} + 2, F_n = F_{n-1} + F_{n-2}) is no training step
    for old, old_arg in _occurrences(rhs, key):
        if _stepped(scripts, old, arg, old_arg) and (old != scripts or old_arg != arg or _self_plus_step(rhs, key)):
            name = text.split("=")[0].strip()
            return (f"an update rule: {name} is given a new value computed from its current one (a training"
                    " step, not an identity)")
    return None


STEP_WORDS = ("\\nabla", "\\partial", "\\eta", "\\alpha", "\\epsilon", "\\gamma", "\\rho", "\\lambda")


def _self_plus_step(rhs: Node, key) -> bool:
    """theta - eta grad J: the right side is a sum with the symbol itself as one term and a step (a
    gradient or a rate) in the others (x = x + 0 and x = e^{ln x} are identities, not steps)."""
    n = rhs
    while n.kind in ("relation", "list") and len(n.args) == 1 and isinstance(n.args[0], Node):
        n = n.args[0]
    if n.kind != "expr":
        return False
    terms = [a for a in n.args if isinstance(a, Node)]
    alone = [t for t in terms if (juxt_items(t) or [None])[0] is not None and len(juxt_items(t)) == 1
             and juxt_items(t)[0].kind == "postfix" and atom_key(juxt_items(t)[0]) == key]
    others = [t for t in terms if t not in alone]
    return bool(alone) and bool(others) and all(any(w.lstrip("\\") in _spell(t) for w in STEP_WORDS) for t in others)


def _source(rel: Node, side: Node) -> str:
    return _spell(side).replace("\\", "")
