"""Questions about the claim AST: its parts, atoms, scripts, letters and index sums (no meaning yet)."""

from __future__ import annotations

import sympy as sp

from .syntax import Node
from .tokens import Token

# ---------------------------------------------------------------------------------------------
# Helpers on the AST


def relation_parts(rel: Node) -> tuple[list[Node], list[str]]:
    """The sides and relation symbols of a relation node (a = b = c -> [a, b, c], ['=', '='])."""
    sides = [c for c in rel.args if isinstance(c, Node)]
    ops = [str(c) for c in rel.args if isinstance(c, Token)]
    return sides, ops


def unwrap(node: Node) -> Node:
    """Strip relation/expr/term/juxt wrappers that hold exactly one child."""
    while True:
        if node.kind == "relation" and len(node.args) == 1:
            node = node.args[0]
        elif node.kind == "expr" and len(node.args) == 1:
            node = node.args[0]
        elif node.kind == "term" and len(node.args) == 1:
            node = node.args[0]
        elif node.kind == "juxt" and len(node.args) == 1:
            node = node.args[0]
        elif node.kind in ("brace", "group", "sbrace") and len(node.args) == 1 and node.args[0].kind == "list" \
                and len(node.args[0].args) == 1:
            node = node.args[0].args[0]
        elif node.kind == "list" and len(node.args) == 1:
            node = node.args[0]
        else:
            return node


def items_of(node: Node) -> list[Node]:
    """The relations inside a group/list/paren/bracket node."""
    for c in node.args:
        if isinstance(c, Node) and c.kind == "list":
            return [x for x in c.args if isinstance(x, Node)]
    return []


def juxt_items(node: Node) -> list[Node] | None:
    """The postfix items of a node that is a single juxtaposition (None otherwise)."""
    n = node
    while n.kind in ("relation", "expr", "term", "list") and len(n.args) == 1:
        n = n.args[0]
    if n.kind in ("group", "brace") and len(n.args) == 1:
        return juxt_items(n.args[0])
    if n.kind == "juxt":
        return list(n.args)
    if n.kind == "postfix":
        return [n]
    return None


def plain_text(node: Node) -> str | None:
    """A script made only of letters, digits and \\text (e.g. 'pred', 'true', 'T'), else None."""
    n = unwrap(node)
    if isinstance(n, Token):
        return str(n)
    if n.kind == "sletter" or n.kind == "snumber":
        return str(n.args[0])
    if n.kind == "scmd":
        return None
    if n.kind == "stop":
        return "T"
    if n.kind == "sbrace":
        items = items_of(n)
        if len(items) != 1:
            return None
        return plain_text(items[0])
    items = juxt_items(n)
    if items is None:
        return None
    out = []
    for it in items:
        if it.kind != "postfix" or it.scripts:
            return None
        b = it.args[0]
        if b.kind == "letter":
            out.append(str(b.args[0]))
        elif b.kind == "number":
            out.append(str(b.args[0]))
        elif b.kind == "text":
            out.append("".join(str(t) for t in b.args[1:]).strip())
        elif b.kind == "top":
            out.append("T")
        else:
            return None
    return "".join(out)


def is_transpose_script(node: Node) -> bool:
    n = unwrap(node)
    if isinstance(n, Node) and n.kind == "stop":
        return True
    if isinstance(n, Node) and n.kind == "scmd":
        return False
    t = plain_text(node)
    if t == "T":
        return True
    items = juxt_items(n) if isinstance(n, Node) else None
    if items and len(items) == 1 and items[0].kind == "postfix" and items[0].args[0].kind == "top":
        return True
    if isinstance(n, Node) and n.kind == "sbrace":
        its = items_of(n)
        return len(its) == 1 and is_transpose_script(its[0])
    return False


def atom_key(post: Node) -> tuple[str, bool] | None:
    """(base name, hatted) of a postfix atom: 'W', 'delta', 'ell'; decorations other than hat ignored."""
    b = post.args[0] if post.kind == "postfix" else post
    hat = False
    while b.kind == "decor":
        kind = str(b.args[0])
        if kind in ("\\hat", "\\widehat"):
            hat = True
        inner = b.args[1]
        if isinstance(inner, Token):
            return (str(inner), hat)
        items = juxt_items(inner)
        if not items or len(items) != 1:
            return None
        b = items[0].args[0] if items[0].kind == "postfix" else items[0]
    if b.kind == "letter":
        return (str(b.args[0]), hat)
    if b.kind == "command":
        return (str(b.args[0])[1:], hat)
    if b.kind == "text" and str(b.args[0]) in ("\\mathrm", "\\mathit", "\\textrm", "\\text"):
        body = "".join(str(t) for t in b.args[1:]).strip()
        return (body, hat) if body else None
    return None


def decor_scripts(post: Node) -> tuple:
    """Scripts written inside a decoration (\\vec{w^i_j}) followed by those outside it."""
    b = post.args[0]
    inner_scripts: tuple = ()
    while b.kind == "decor":
        inner = b.args[1]
        if isinstance(inner, Token):
            break
        items = juxt_items(inner)
        if not items or len(items) != 1:
            break
        inner_scripts = items[0].scripts + inner_scripts
        b = items[0].args[0]
    return inner_scripts + post.scripts


def source_of(node: Node, text: str | None = None) -> str:
    return getattr(node, "text", "") or ""



def _is_label(script: Node) -> bool:
    """A superscript that names rather than powers: (pred), {true}, \\text{...} (not T, not digits)."""
    t = plain_text(script)
    if t is None or t == "T":
        return False
    n = unwrap(script)
    if isinstance(n, Node) and n.kind == "sbrace":
        items = items_of(n)
        if len(items) == 1:
            it = juxt_items(items[0])
            if it and len(it) == 1 and it[0].args[0].kind == "text":
                return True
    # italic letters typeset a product: e^{xy}, x^{ab} are powers; a word (x^{pred}, y^{true}) names
    return len(t) >= 3 and t.isalpha()



def _mentions_bare(node, names: set) -> bool:
    """Whether a function name in names occurs in node without an argument in parentheses."""
    if not isinstance(node, Node):
        return False
    if node.kind == "juxt":
        items = list(node.args)
        for i, it in enumerate(items):
            key = atom_key(it) if isinstance(it, Node) and it.kind == "postfix" else None
            if key and key[0] in names:
                nxt = items[i + 1] if i + 1 < len(items) else None
                if nxt is None or nxt.kind != "postfix" or nxt.args[0].kind != "paren":
                    return True
    elif node.kind == "postfix":
        key = atom_key(node)
        if key and key[0] in names:
            return True
    return any(_mentions_bare(a, names) for a in node.args if isinstance(a, Node))


def _is_one(it: Node) -> bool:
    """\\mathbb{1}, \\mathbf{1}, \\mathbb{I}, \\mathds{1}: the indicator's symbol."""
    if it.kind != "postfix" or it.args[0].kind != "decor":
        return False
    d = it.args[0]
    if str(d.args[0]) not in ("\\mathbb", "\\mathbf", "\\bm", "\\boldsymbol"):
        return False
    inner = d.args[1]
    if isinstance(inner, Token):
        return str(inner) == "I" and str(d.args[0]) == "\\mathbb"
    t = plain_text(inner)
    return t == "1" or (t == "I" and str(d.args[0]) == "\\mathbb")


def _script_atom(sarg: Node) -> Node | None:
    """The symbol written as a script (\\nabla_{W^{2}}, \\nabla_x) as a postfix node."""
    if sarg.kind == "sletter":
        return Node("postfix", (Node("letter", sarg.args, sarg.pos),), sarg.pos, (), str(sarg.args[0]))
    if sarg.kind == "scmd":
        return Node("postfix", (Node("command", sarg.args, sarg.pos),), sarg.pos, (), str(sarg.args[0]))
    if sarg.kind == "sbrace":
        inner = items_of(sarg)
        if len(inner) == 1:
            its = juxt_items(inner[0])
            if its and len(its) == 1 and its[0].kind == "postfix":
                return its[0]
    return None


def _is_differential(it: Node) -> bool:
    if it.kind != "postfix":
        return False
    b = it.args[0]
    if b.kind == "letter" and str(b.args[0]) == "d":
        return not [s for s in it.scripts if s[0] != "sup"]
    if b.kind == "command" and str(b.args[0]) == "\\partial":
        return not [s for s in it.scripts if s[0] != "sup"]
    if b.kind == "text" and "".join(str(t) for t in b.args[1:]).strip() == "d":
        return True
    return False


def number(t: str):
    if "." in t:
        whole, frac = t.split(".")
        return sp.Rational(int(whole + frac), 10 ** len(frac))
    return sp.Integer(int(t))



def free_index_letters(node: Node) -> set[str]:
    """Single letters used as subscripts anywhere in the AST (candidates for free indices)."""
    out: set[str] = set()
    _walk_subscripts(node, out)
    return out


def _walk_subscripts(node, out):
    if isinstance(node, Token) or node is None:
        return
    if not isinstance(node, Node):
        return
    if node.kind == "postfix":
        base = node.args[0]
        # subscripts that are not indices: \nabla_x, \log_2, \lim_{h \to 0}, \int_a, \mathbb{1}_{x > 0}
        skip = (base.kind == "command" and str(base.args[0]) in ("\\nabla", "\\log", "\\partial")) or _is_one(node) \
            or base.kind in ("lim", "int")
        for s in node.scripts:
            if s[0] == "sub" and not skip:
                _collect_letters(s[1], out)
        if base.kind == "decor" and not isinstance(base.args[1], Token):
            _walk_subscripts(base.args[1], out)
    for a in node.args:
        if isinstance(a, Node):
            _walk_subscripts(a, out)
    for s in node.scripts:
        if len(s) > 1 and isinstance(s[1], Node):
            _walk_subscripts(s[1], out)


def _collect_letters(sarg, out):
    if sarg.kind == "sletter":
        out.add(str(sarg.args[0]))
        return
    if sarg.kind == "sbrace":
        for it in items_of(sarg):
            t = plain_text(it)
            if t and t.isalpha() and len(t) <= 3 and t.islower():
                out.update(t)
            elif t and t.isalnum() and len(t) <= 3 and any(ch.isalpha() for ch in t) \
                    and all(ch.isdigit() or ch.islower() for ch in t):
                out.update(ch for ch in t if ch.isalpha())        # W_{1j}: unit 1, index j
            elif it.kind == "relation":
                sides, _ = relation_parts(it)
                t0 = plain_text(sides[0])
                if t0 and len(t0) == 1 and t0.isalpha():
                    out.add(t0)


def iter_nodes(node):
    """Every Node of the tree, parents first: arguments, then the bodies of sub/superscripts."""
    if not isinstance(node, Node):
        return
    yield node
    for a in node.args:
        yield from iter_nodes(a)
    for s in node.scripts:
        if len(s) > 1:
            yield from iter_nodes(s[1])


def summation_letters(node: Node) -> set[str]:
    """Letters bound by a \\sum somewhere in the AST."""
    out: set[str] = set()
    for n in iter_nodes(node):
        if n.kind == "postfix" and n.args[0].kind == "sum":
            for s in n.scripts:
                if s[0] == "sub":
                    _collect_letters(s[1], out)
    return out


def all_letters(node: Node) -> set[str]:
    """Every single letter used as a base symbol (for picking size letters like n)."""
    return {str(n.args[0]) for n in iter_nodes(node) if n.kind in ("letter", "sletter")}


def sum_index_problems(node: Node) -> list[str]:
    """Sums whose index does not occur in their summand (e.g. \\sum_k y_i \\log \\hat{y}_i)."""
    problems: list[str] = []

    def walk_items(items):
        for i, it in enumerate(items):
            if isinstance(it, Node) and it.kind == "postfix" and it.args[0].kind == "sum":
                idx = set()
                for s in it.scripts:
                    if s[0] == "sub":
                        _collect_letters(s[1], idx)
                rest = items[i + 1:]
                used: set[str] = set()
                scripted: set[str] = set()
                for r in rest:
                    _walk_subscripts(r, scripted)
                    used |= all_letters(r)
                used |= scripted
                # a constant summand (\sum_{i=1}^n c = cn) is a sum; one indexed by another letter
                # (\sum_k y_i) is the slip this is about
                for v in idx:
                    if v not in used and scripted:
                        problems.append(f"the summation index {v} does not occur in the summand")

    for n in iter_nodes(node):
        if n.kind == "juxt":
            walk_items(list(n.args))
    return problems

def _letters_of(node) -> str:
    return "".join(sorted(all_letters(node))) if isinstance(node, Node) else ""


# letters that name arbitrary functions when applied to an argument (f(x), g(x, y), u(t))
GENERIC_LETTERS = frozenset("fghFGHuv")


def function_usage(node: Node) -> tuple[dict, set]:
    """Letters applied to a parenthesized argument ({letter: [argument texts] or None}) and letters
    carrying a prime (f', u'), anywhere in the tree."""
    applied: dict = {}
    primed: set = set()
    for n in iter_nodes(node):
        if n.kind == "postfix" and n.args[0].kind == "letter" and any(s[0] == "prime" for s in n.scripts):
            primed.add(str(n.args[0].args[0]))
        if n.kind == "postfix" and n.args[0].kind in ("paren", "bracket") and any(s[0] == "prime" for s in n.scripts):
            # (fg)': the letters f, g of a differentiated product or quotient are functions
            primed |= {str(m.args[0].args[0]) for m in iter_nodes(n.args[0]) if m.kind == "postfix"
                       and m.args[0].kind == "letter" and str(m.args[0].args[0]) in GENERIC_LETTERS}
        if n.kind == "frac":
            num = juxt_items(n.args[1])
            den = juxt_items(n.args[2])
            if num and den and len(num) == 2 and _is_differential(num[0]) and _is_differential(den[0]) \
                    and num[1].kind == "postfix" and num[1].args[0].kind == "letter" \
                    and str(num[1].args[0].args[0]) in GENERIC_LETTERS:
                primed.add(str(num[1].args[0].args[0]))     # df/dx, \\partial^2 f / \\partial x \\partial y
        if n.kind != "juxt":
            continue
        items = list(n.args)
        for it, nxt in zip(items, items[1:]):
            if it.kind != "postfix" or it.args[0].kind != "letter" or nxt.kind != "postfix":
                continue
            if nxt.args[0].kind != "paren" and not (nxt.args[0].kind == "brace" and juxt_items(nxt.args[0])):
                continue
            letter = str(it.args[0].args[0])
            args = [_plain_name(a) for a in (items_of(nxt.args[0]) if nxt.args[0].kind == "paren" else [])]
            applied.setdefault(letter, args if args and all(args) else None)
    return applied, primed


def differentiation_variables(node: Node) -> list[str]:
    """The letters differentiated by (d/dx, \\partial y), in order of appearance."""
    out: list[str] = []
    for n in iter_nodes(node):
        if n.kind == "frac":
            den = juxt_items(n.args[2])
            if den and len(den) >= 2 and _is_differential(den[0]):
                for k in range(1, len(den), 2):
                    t = _plain_name(Node("postfix", den[k].args, den[k].pos, (), den[k].text))
                    if t and t not in out:
                        out.append(t)
    return out


def _plain_name(node: Node) -> str | None:
    """The symbol name of a node that is one plain symbol (x, \\theta, x_1), else None."""
    items = juxt_items(node) if node.kind != "postfix" else [node]
    if not items or len(items) != 1 or items[0].kind != "postfix":
        return None
    post = items[0]
    key = atom_key(post)
    if key is None or key[1] or any(s[0] != "sub" for s in post.scripts):
        return None
    subs = [plain_text(s[1]) for s in post.scripts]
    if any(t is None for t in subs):
        return None
    return key[0] + ("_" + ",".join(subs) if subs else "")


TRACE_NAMES = frozenset({"Tr", "tr", "trace", "det", "rank", "diag"})
BOLD = frozenset({"\\mathbf", "\\boldsymbol", "\\bm", "\\pmb"})


def matrix_marks(node: Node) -> list[str]:
    """What in a claim says its symbols are matrices or vectors: a transpose, a bold capital, a trace
    or determinant. A scalar reading (every symbol a number) decides nothing about such a claim
    when it holds: AB = BA holds for numbers."""
    marks: list[str] = []
    if any(n.kind == "matrix" for n in iter_nodes(node)):
        return []           # written-out matrices: the reading is a matrix reading already
    for n in iter_nodes(node):
        if n.kind == "postfix" and any(s[0] == "sup" and is_transpose_script(s[1]) for s in n.scripts):
            marks.append("a transpose")
        elif n.kind == "decor" and str(n.args[0]) in BOLD:
            letters = all_letters(n.args[1]) if len(n.args) > 1 and isinstance(n.args[1], Node) else set()
            if any(x.isupper() for x in letters):
                marks.append(f"a bold capital ({n.args[0]})")
        elif n.kind == "text" and len(n.args) > 1 and str(n.args[1]) in TRACE_NAMES:
            marks.append(str(n.args[1]))
    return list(dict.fromkeys(marks))


def ones_vector(decor: Node) -> bool:
    """\\mathbf{1}, \\vec{1}, \\boldsymbol{1}: a vector of ones."""
    inner = decor.args[1] if len(decor.args) > 1 else None
    items = juxt_items(inner) if isinstance(inner, Node) else None
    return bool(items and len(items) == 1 and items[0].args[0].kind == "number" and not items[0].scripts
                and str(items[0].args[0].args[0]) == "1")


def merge_brace(it: Node) -> Node:
    """{f_{2}}'(z), {W_{2}}^{\\top}: the braces only group a subscripted name for the scripts after
    them, so they are that name with all its scripts (TeX typesets them the same)."""
    if it.kind != "postfix" or it.args[0].kind != "brace" or not it.scripts:
        return it
    inner = juxt_items(it.args[0])
    if not inner or len(inner) != 1 or inner[0].kind != "postfix" or inner[0].args[0].kind == "brace":
        return it
    if any(s[0] != "sub" for s in inner[0].scripts) or any(s[0] == "sub" for s in it.scripts):
        return it
    return Node("postfix", inner[0].args, inner[0].pos, tuple(inner[0].scripts) + tuple(it.scripts), inner[0].text)


def primed_index(node) -> str | None:
    """A primed index letter (the c' of \\sum_{c'=1}^{C} a_{c'}, Murphy's spelling) as its name, or None."""
    items = juxt_items(node) if node.kind != "postfix" else [node]
    if not items or len(items) != 1 or items[0].kind != "postfix" or items[0].args[0].kind != "letter":
        return None
    post = items[0]
    if not post.scripts or any(s[0] != "prime" for s in post.scripts):
        return None
    return str(post.args[0].args[0]) + "'" * len(post.scripts)


def symbol_name(key: tuple[str, bool], sub: str | None = None, sup: str | None = None) -> str:
    """The internal name of a symbol: hat_y_1^pred for \\hat{y}_1^{(pred)} (key from ``atom_key``)."""
    base, hat = key
    name = ("hat_" if hat else "") + base
    if sub:
        name += "_" + sub
    if sup:
        name += "^" + sup
    return name


def only_argument(rest: list) -> Node | None:
    """The variable of an unsubscripted \\nabla: the single symbol of the call f(x), E(\\mathbf{w}),
    E(w_1) that is the whole operand, or None (then the variable is not written)."""
    if len(rest) == 2 and rest[0].kind == "postfix" and not rest[0].scripts and atom_key(rest[0]) is not None \
            and rest[1].kind == "postfix" and not rest[1].scripts and rest[1].args[0].kind == "paren":
        args = items_of(rest[1].args[0])
        its = juxt_items(args[0]) if len(args) == 1 else None
        if its and len(its) == 1 and its[0].kind == "postfix" and atom_key(its[0]) is not None \
                and all(sc[0] == "sub" for sc in its[0].scripts):
            return its[0]
    return None
