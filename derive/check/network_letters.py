"""Which textbook's network letters a claim uses, and what its layers say about the witness networks.

A claim is read as a network claim when it uses a letter set's layered symbols with a layer written
as a letter or in brackets (W^{l}, a^{(k)}, Z^{[l]}), or numbered layers with no letter the set does
not explain, or the derivative of the set's cost by a network symbol; the set that explains the most
wins (a power stays a power where the base is not a network symbol: a^2 + b^2 = c^2).
"""

from __future__ import annotations

from .network_context import profile_roles
from .syntax import Node
from .tree import atom_key, decor_scripts, items_of, iter_nodes, juxt_items, plain_text


def _layer_like(sarg: Node) -> tuple[bool, bool]:
    """(is a layer script, is written with a letter) for ^l, ^{l+1}, ^{(k)}, ^{[l]}, ^{L-1}, ^{2}."""
    t = plain_text(sarg)
    if t is not None:
        return (t.isdigit() or (len(t) == 1 and t.isalpha() and t != "T")), t.isalpha()
    group = items_of(sarg) if sarg.kind == "sbrace" else []
    items = juxt_items(group[0]) if len(group) == 1 else None
    inner = sarg
    if items and items[0].kind == "postfix" and items[0].args[0].kind in ("paren", "bracket"):
        return True, True       # ^{(k)}, ^{[l]}, ^{[2]}: a layer in Goodfellow's or Ng's style
    letters = {str(n.args[0]) for n in iter_nodes(inner) if n.kind in ("letter", "sletter")}
    return bool(letters) and letters <= {"l", "L", "k", "i"}, True


def _style(sarg: Node) -> str:
    """How a layer script is written: 'plain' (^l, ^{l+1}), 'paren' (^{(k)}) or 'bracket' (^{[l]})."""
    inner = items_of(sarg) if sarg.kind == "sbrace" else []
    items = juxt_items(inner[0]) if len(inner) == 1 else None
    if items and items[0].kind == "postfix" and items[0].args[0].kind in ("paren", "bracket"):
        return items[0].args[0].kind
    return "plain"


def notation_score(rel: Node, profile) -> tuple[int, int]:
    """(strong, foreign): how many atoms are the profile's layered network symbols written with a
    layer letter or bracket (plus one for each written in the profile's own layer style, and for
    the derivative of its cost), and how many single letters the profile does not explain."""
    roles = profile_roles(profile)
    keys: dict = {}
    for e in roles:
        keys.setdefault(e.key, []).append(e)
    own_style = _style(parse_template(profile.template("weight")))
    act_letters = {("sigma", False), ("f", False), ("g", False)} | {
        (w, False) for w in profile.extra("functions").split()}
    loss_keys = {(profile.template("loss").lstrip("\\"), False)} | {
        (w, False) for w in profile.extra("losses").split()}
    strong = numeric = foreign = 0
    inner = {k for k, es in keys.items() if any(e.role in ("preact", "act", "delta", "output") for e in es)}
    intrinsic = any(n.kind == "postfix" and (atom_key(n) in inner or atom_key(n) in act_letters)
                    for n in iter_nodes(rel))
    for n in iter_nodes(rel):
        if n.kind == "frac" and intrinsic:
            num, den = juxt_items(n.args[1]), juxt_items(n.args[2])
            if num and den and len(num) == 2 and len(den) == 2 and atom_key(num[1]) in loss_keys \
                    and any(e.role in ("weight", "bias", "preact", "act", "output") for e in keys.get(atom_key(den[1]), [])):
                strong += 1      # dC/dw, dJ/db: the derivative of the cost by a network symbol
        if n.kind != "postfix":
            continue
        key = atom_key(n)
        if key is None:
            continue
        ents = keys.get(key, [])
        layered = [e for e in ents if e.layer_pos is not None]
        scripts = decor_scripts(n)
        if layered:
            for s in scripts:
                if s[0] == layered[0].layer_pos:
                    layer, lettered = _layer_like(s[1])
                    if layer and lettered:
                        strong += 1 + (_style(s[1]) == own_style)
                    elif layer:
                        numeric += 1
        elif not ents and key not in act_letters and len(key[0]) == 1 and key[0].isalpha() \
                and key[0] not in "ijklmnNLTd" and n.args[0].kind == "letter":
            foreign += 1
    return strong + (numeric if not foreign and numeric >= 2 else 0), foreign


def parse_template(tmpl: str) -> Node:
    """The layer script of a profile template (W^{(@)} -> the script node of (l))."""
    from .syntax import parse

    items = juxt_items(parse(tmpl.replace("@", "l"), "notation template"))
    for s in decor_scripts(items[0]) if items else ():
        if s[0] in ("sup", "sub"):
            return s[1]
    return Node("sletter", ("l",))


def detect_notation(rel: Node, candidates) -> object | None:
    """The textbook letter set a claim is written in, or None for a claim that is not about a network."""
    best, best_score = None, 0
    for prof in candidates:
        strong, foreign = notation_score(rel, prof)
        score = 2 * strong - foreign
        if strong and score > best_score:
            best, best_score = prof, score
    return best


def _layered(rel: Node, profile) -> bool:
    """Whether any atom carries a layer script (else the claim is about one neuron: w, b, z, a)."""
    roles = {e.key: e for e in profile_roles(profile) if e.layer_pos is not None}
    for n in iter_nodes(rel):
        if n.kind == "postfix" and atom_key(n) in roles:
            ent = roles[atom_key(n)]
            if any(s[0] == ent.layer_pos and _layer_like(s[1])[0] for s in decor_scripts(n)):
                return True
    return False


def _widths(depth: int) -> tuple:
    """Witness widths of a depth: 2, 3, 2, 3, ... (every weight matrix non-square)."""
    return tuple(2 + (l % 2) for l in range(depth + 1))


def _numeric_layers(rel: Node, profile) -> int:
    """The largest layer written as a number (W^{2}, a^{[3]}), or 0 when layers are letters."""
    roles = {e.key: e for e in profile_roles(profile) if e.layer_pos is not None}
    top, lettered = 0, False
    for n in iter_nodes(rel):
        if n.kind == "postfix" and atom_key(n) in roles:
            ent = roles[atom_key(n)]
            for s in decor_scripts(n):
                if s[0] == ent.layer_pos:
                    t = plain_text(s[1])
                    inner = _bracket_text(s[1])
                    t = t if t is not None else inner
                    if t is not None and t.isdigit():
                        top = max(top, int(t))
                    elif _layer_like(s[1])[0]:
                        lettered = True
    return 0 if lettered else top


def _bracket_text(sarg: Node) -> str | None:
    inner = items_of(sarg) if sarg.kind == "sbrace" else []
    items = juxt_items(inner[0]) if len(inner) == 1 else None
    if items and items[0].kind == "postfix" and items[0].args[0].kind in ("paren", "bracket"):
        return plain_text(Node("brace", items[0].args[0].args, sarg.pos))
    return None


def _roles_used(rel: Node, profile) -> set:
    keys: dict = {}
    for e in profile_roles(profile):
        keys.setdefault(e.key, set()).add(e.role)
    out: set = set()
    for n in iter_nodes(rel):
        if n.kind == "postfix" and atom_key(n) in keys:
            out |= keys[atom_key(n)]
    return out


def _is_cost_letter(node: Node, profile) -> bool:
    items = juxt_items(node)
    if not items or len(items) != 1 or items[0].kind != "postfix" or items[0].scripts:
        return False
    key = atom_key(items[0])
    return key is not None and not key[1] and key[0] in (
        {profile.template("loss").lstrip("\\")} | set(profile.extra("losses").split()))

