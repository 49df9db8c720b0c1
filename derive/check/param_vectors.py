"""Parameter vectors and training examples in scalar claims, as course notes write them.

Lessons on linear and logistic regression write a parameter vector both whole and by its entries:
h_\\theta(x) = \\theta^T x beside \\frac{\\partial J}{\\partial \\theta_j} and x_j; z = w \\cdot x + b beside
w_j; and the i-th training example as a superscript in parentheses, x^{(i)}, y^{(i)}, x_j^{(i)}. Read
letter by letter, \\theta^T x is the product of two numbers and y^{(i)} a power, and such claims fail or
are refused. Here a letter that is written with an index subscript AND as a whole vector (transposed,
an operand of \\cdot, right after a transposed vector, or with an example superscript) is a column vector
of its entries (\\theta = (\\theta_1, ..., \\theta_D), with \\theta_0 first when the text writes it), and a
superscript (i) on a letter names the i-th example (a symbol of its own, not a power).

Reading x^{(i)} as a separate symbol per i is never less general than reading it as a power (any
identity in independent symbols stays true when x^{(i)} = x^i), so it cannot make a false claim hold.
"""

from __future__ import annotations

from contextvars import ContextVar

import sympy as sp

from .syntax import Node
from .tree import atom_key, decor_scripts, is_transpose_script, items_of, iter_nodes, juxt_items, plain_text

LENGTH = 3      # entries of a vector whose length the claim does not fix (raised to the largest sum bound)
# the length the claim is being read at, and whether any whole vector was made (set per reading)
_LENGTH: ContextVar[int] = ContextVar("param_vector_length", default=LENGTH)
_USED: ContextVar[list | None] = ContextVar("param_vectors_used", default=None)
_NUMBERED: ContextVar[list] = ContextVar("param_vectors_numbered", default=[False])


def example_label(script: Node) -> str | None:
    """The letter or number of an example superscript (i), (1), or None (x^{2} and x^{(i+1)} are not)."""
    if not isinstance(script, Node) or script.kind != "sbrace":
        return None
    items = items_of(script)
    posts = juxt_items(items[0]) if len(items) == 1 else None
    if not posts or len(posts) != 1 or posts[0].kind != "postfix" or posts[0].scripts \
            or posts[0].args[0].kind != "paren":
        return None
    inner = items_of(posts[0].args[0])
    t = plain_text(inner[0]) if len(inner) == 1 else None
    if t is not None and (t.isdigit() or (len(t) == 1 and t.isalpha() and t.islower())):
        return t
    return None


def _letter(post: Node) -> str | None:
    key = atom_key(post)
    if key is None or key[1] or post.args[0].kind not in ("letter", "command", "decor"):
        return None
    return key[0]


def vector_letters(nodes) -> tuple[set[str], bool]:
    """(the letters written both by index and as a whole vector, whether any example superscript occurs).

    A letter multiplied with such a vector as a whole (the x of \\theta^T x, an operand of w \\cdot x)
    is a vector of the same length even where the claim never writes its entries."""
    indexed: set[str] = set()
    whole: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    matrices: set[str] = set()
    examples = False
    for root in nodes:
        for n in iter_nodes(root):
            if n.kind == "postfix":
                name = _letter(n)
                if name is None:
                    continue
                scripts = list(decor_scripts(n))
                subs = [s for s in scripts if s[0] == "sub"]
                sups = [s for s in scripts if s[0] == "sup"]
                labelled = any(example_label(s[1]) is not None for s in sups)
                examples |= labelled
                if len(subs) == 1:
                    t = plain_text(subs[0][1])
                    if t is not None and len(t) == 1 and (t.isdigit() or (t.isalpha() and t.islower())):
                        indexed.add(name)
                    elif t is not None and len(t) == 2 and all(ch.islower() or ch.isdigit() for ch in t):
                        matrices.add(name)       # A_{ij}: a matrix's entries (not read here)
                elif not subs and (labelled or any(is_transpose_script(s[1]) for s in sups)):
                    whole.add(name)
            elif n.kind == "juxt":
                posts = [a for a in n.args if isinstance(a, Node) and a.kind == "postfix"]
                for a, b in zip(posts, posts[1:]):
                    if _letter(a) and any(s[0] == "sup" and is_transpose_script(s[1]) for s in a.scripts) \
                            and _letter(b) and not any(s[0] == "sub" for s in b.scripts):
                        whole.add(_letter(b))      # \theta^T x: x is a vector too
                        pairs.add((_letter(a), _letter(b)))
            elif n.kind == "term" and any(str(t) == "\\cdot" for t in n.args if not isinstance(t, Node)):
                parts = [a for a in n.args if isinstance(a, Node)]
                ends = []
                for k, p in enumerate(parts):
                    items = juxt_items(p) or []
                    pos = -1 if k == 0 else 0
                    if items and items[pos].kind == "postfix" and not items[pos].scripts and _letter(items[pos]):
                        whole.add(_letter(items[pos]))
                        ends.append(_letter(items[pos]))
                pairs |= {(a, b) for a, b in zip(ends, ends[1:])}
    # a matrix beside the vectors (x^T A x, X\\theta): the vector reading has no matrices; the matrix
    # reader decides such a claim
    if matrices or any(x[:1].isupper() and len(x) == 1 for x in whole | {b for _, b in pairs} | {a for a, _ in pairs}):
        return set(), examples
    out = indexed & whole
    grown = True
    while grown:
        grown = False
        for a, b in pairs:
            for x, y in ((a, b), (b, a)):
                if x in out and y not in out:
                    out.add(y)
                    grown = True
    return out, examples


def plan_vectors(rel: Node, defs) -> tuple:
    """(vector letters, example superscripts used, entry 0 written, sum bounds that count entries,
    whether an entry is named by its number) of a claim and its definitions (kept on the Definitions,
    read by the scalar context)."""
    roots = [rel] + list(defs.symbols.values()) + [f.body for f in defs.functions.values()]
    letters, examples = vector_letters(roots)
    zero, numbered, entry_letters, sums = False, False, set(), []
    for root in roots:
        for n in iter_nodes(root):
            if n.kind != "postfix":
                continue
            if n.args[0].kind == "sum":
                sub = next((plain_text(s[1]) or (s[1].text or "") for s in n.scripts if s[0] == "sub"), "")
                top = next((plain_text(s[1]) for s in n.scripts if s[0] == "sup"), None)
                sums.append((sub.split("=")[0].strip()[:1], top))
            elif _letter(n) in letters:
                for s in n.scripts:
                    t = plain_text(s[1]) if s[0] == "sub" else None
                    if t and t.isdigit():
                        zero |= t == "0"
                        numbered = True
                    elif t and len(t) == 1:
                        entry_letters.add(t)
    # \sum_{j=1}^{n} \theta_j^2 runs over the entries: the vector has at least n of them
    bounds = {top for index, top in sums if top and not top.isdigit()}   # free indices run up to these too
    numbered |= any(top and top.isdigit() and index in entry_letters for index, top in sums)
    return frozenset(letters), examples, zero, frozenset(bounds), numbered


def entries(ctx) -> list[int]:
    """The entry numbers of a parameter vector: 1..D (0 first where the text writes \\theta_0); D is
    at least every sum's bound, so that \\sum_{j=1}^{n} \\theta_j^2 covers entries the vector has."""
    _, _, zero, bounds, _ = ctx.defs.vectors
    top = max([_LENGTH.get()] + [v for k, v in ctx.indices.items() if isinstance(v, int) and k in bounds])
    return ([0] if zero else []) + list(range(1, top + 1))


def whole_vector(ctx, key, label, interp):
    """The column vector of a parameter letter's entries (with the example label of x^{(i)})."""
    from .tree import symbol_name

    used = _USED.get()
    if used is not None:
        used.append(key[0])
        _NUMBERED.get()[0] |= bool(ctx.defs.vectors[4])
    return sp.Matrix([ctx.lookup(symbol_name(key, str(k), label), interp) for k in entries(ctx)])


def bound_entry(ctx, name: str, sub_text: str):
    """x_1 inside a function body whose parameter x is bound to a vector: its entry, or None."""
    node = ctx.defs.symbols.get(name)
    if node is None or node.kind != "const" or not isinstance(node.args[0], sp.MatrixBase) \
            or not sub_text.isdigit():
        return None
    vec = node.args[0]
    ks = entries(ctx)
    k = int(sub_text)
    if vec.cols != 1 or vec.rows != len(ks) or k not in ks:
        return None
    return vec[ks.index(k)]


def vector_value(ctx, key, sub_text, label, interp):
    """A parameter letter's value: the whole vector (bare), an entry of a vector bound to a function's
    parameter (x_1 in h(x) = \\theta_0 + \\theta_1 x_1 called with x^{(i)}), or None (an entry symbol)."""
    from .tree import symbol_name

    name = symbol_name(key, None, label)
    if sub_text is None:
        return None if name in ctx.defs.symbols else whole_vector(ctx, key, label, interp)
    return bound_entry(ctx, name, sub_text) if name in ctx.defs.symbols else None


def at_vector_lengths(read, *args):
    """Check a scalar claim with ``read(*args)``; where it read a parameter vector, the hold is 'checked'
    (at a length, not proved for every length). A claim that names entries by number (\\theta_1, or a
    sum to 3 over the entries) could single its length out (\\theta^T x = \\theta_1 x_1 + \\theta_2 x_2 +
    \\theta_3 x_3): it is read again with one entry more."""
    used: list = []
    token, numbered = _USED.set(used), _NUMBERED.set([False])
    try:
        first = read(*args)
        if used and first.verdict in ("holds", "checked") and not _NUMBERED.get()[0]:
            first.notes.insert(0, _note(used, (LENGTH,)))
            first.vector_reading = True
            first.verdict = "checked"
            return first
    finally:
        _USED.reset(token)
        _NUMBERED.reset(numbered)
    if not used or first.verdict not in ("holds", "checked"):
        return first
    token = _LENGTH.set(LENGTH + 1)
    try:
        second = read(*args)
    finally:
        _LENGTH.reset(token)
    second.notes.insert(0, _note(used, (LENGTH, LENGTH + 1)))
    second.vector_reading = True     # a hold on vectors: not 'numbers only' (sandbox._matrix_reading)
    if second.verdict == "holds":
        second.verdict = "checked"
    return second


def writes_entries_of_vectors(claim: str, givens=()) -> bool:
    """Whether a claim (with its definitions) writes a vector both whole and by its entries (w^T x beside
    w_k): then it is read entry by entry here, not as a claim about whole matrices."""
    from .syntax import LatexError, parse

    try:
        roots = [parse(claim)] + [parse(g, "definition") for g in givens]
    except LatexError:
        return False
    return bool(vector_letters(roots)[0])


def _note(used, lengths) -> str:
    names = sorted(set(used))
    return (f"{', '.join(names)} read as vectors of their entries ({', '.join(n + '_1, ' + n + '_2, ...' for n in names)}):"
            f" checked with {' and '.join(map(str, lengths))} entries, not proved for every length")
