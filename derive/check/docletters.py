"""Which letters a document's equations write how: the variable of f(x), layered letters, hatted names, costs.

documents.py decides which earlier definitions a line uses from these: a claim in layers (z^l) takes no
definition of a bare z it writes only with layers; \\hat{y} is a name of its own; a function of one bare
letter (\\phi(z) = ...) has its own variable.
"""

from __future__ import annotations

from .syntax import LatexError, parse
from .tree import atom_key, iter_nodes, juxt_items, relation_parts

_WRAPPERS = ("list", "relation", "expr", "term", "juxt", "postfix", "letter")


def _function_of_one_letter(text: str) -> bool:
    r"""Whether the claim's left side is a function of one bare letter, f(x) or \phi(z) (no scripts)."""
    try:
        sides, _ = relation_parts(parse(text))
    except LatexError:
        return False
    items = juxt_items(sides[0]) if sides else []
    if len(items) != 2 or items[1].kind != "postfix" or items[1].args[0].kind != "paren" or items[1].scripts:
        return False
    if items[0].args[0].kind not in ("letter", "command"):
        return False
    inner = list(iter_nodes(items[1].args[0].args[0]))
    letters = [n for n in inner if n.kind == "letter"]
    return (len(letters) == 1 and all(n.kind in _WRAPPERS for n in inner)
            and not any(n.scripts for n in inner))


def _key_name(key) -> str:
    """A letter's name with its hat: \\hat{y} (the model's output) is not y (the label)."""
    return f"\\hat{{{key[0]}}}" if key[1] else key[0]


def _letter_uses(text: str) -> tuple[set, set]:
    """(letters written only with a superscript that names a layer: z^l, w^{l+1}, a^{(k)}, a letter in
    it; letters written bare or with a number, a^2 being a power of an a defined above)."""
    from .sandbox import _has_letter

    try:
        node = parse(text, "definition")
    except LatexError:
        return set(), set()
    layered, other = set(), set()
    for n in iter_nodes(node):
        key = atom_key(n) if n.kind == "postfix" else None
        if key is None:
            continue
        sup = [s for s in n.scripts if s[0] == "sup" and _has_letter(s[1])]
        (layered if sup else other).add(_key_name(key))
    return layered - other, other


def _cost_of(lhs, claim: str) -> bool:
    """Whether a definition's left side is the cost in the letters the claim is written in (J for
    Goodfellow's, C for Nielsen's)."""
    from .network_letters import _is_cost_letter
    from .sandbox import _network_notation

    from .chain_notation import _COSTS

    profile = _network_notation(claim, None)
    # another text's cost letter (C beside a claim read in the default letters) is still the cost a
    # network claim's error terms need (\delta^L = (a^L - y) \odot \sigma'(z^L) after C = ...)
    items = juxt_items(lhs)
    key = atom_key(items[0]) if items and items[0].kind == "postfix" else None
    return profile is not None and (_is_cost_letter(lhs, profile) or (key is not None and key[0] in _COSTS))


def readable_givens(givens) -> tuple:
    """The document's definitions a scalar claim can read on their own: \\mathbf{z}^{(1)} = W^{(1)} x + b
    of a forward pass is no scalar definition, and a scalar claim (the softmax of a worked z = (1, 2, 3))
    that shares a letter with it is checked without it rather than not at all."""
    from .compare import ClaimError
    from .context import Definitions
    from .definitions import read_definition

    import re

    out = []
    for g in givens:
        if re.search(r"\^\s*\{?\s*[\(\[]", g):
            continue        # z^{(2)}, A^{[1]}: a layer's quantity, whose superscript is no power
        try:
            read_definition(g, Definitions())
        except (ClaimError, LatexError, ValueError, TypeError):
            continue
        out.append(g)
    return tuple(out)
