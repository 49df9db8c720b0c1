"""Which textbook's network letters a claim uses, and what its layers say about the witness networks.

A claim is read as a network claim when it uses a letter set's layered symbols with a layer written
as a letter or in brackets (W^{l}, a^{(k)}, Z^{[l]}), or numbered layers with no letter the set does
not explain, or the derivative of the set's cost by a network symbol; the set that explains the most
wins (a power stays a power where the base is not a network symbol: a^2 + b^2 = c^2).
"""

from __future__ import annotations

from .roles import profile_roles
from .syntax import Node
from .tree import (
    atom_key,
    decor_scripts,
    items_of,
    iter_nodes,
    juxt_items,
    plain_text,
    relation_parts,
)


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
    atoms, style, foreign = _score_parts(rel, profile)
    return atoms + style, foreign


def _score_parts(rel: Node, profile) -> tuple[int, int, int]:
    """(network atoms, of them written in the profile's own layer style, foreign letters)."""
    roles = profile_roles(profile)
    keys: dict = {}
    for e in roles:
        keys.setdefault(e.key, []).append(e)
    own_style = _style(parse_template(profile.template("weight")))
    act_letters = {("sigma", False), ("f", False), ("g", False)} | {
        (w, False) for w in profile.extra("functions").split()}
    loss_keys = {(profile.template("loss").lstrip("\\"), False)} | {
        (w, False) for w in profile.extra("losses").split()}
    strong = numeric = foreign = styled = 0
    # letters inside scripts are layers and units (the r of z^{[r]}), never foreign symbols
    in_scripts = {id(m) for n in iter_nodes(rel) if n.kind == "postfix"
                  for s in n.scripts if len(s) > 1 and isinstance(s[1], Node) for m in iter_nodes(s[1])}
    quantities = _quantity_letters(rel, in_scripts)
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
                    # a power stays a power: a^x with x a quantity of the claim (d/dx), a^2 beside a bare a
                    if layer and (_script_letters(s[1]) & quantities or (not lettered and key[0] in quantities)):
                        continue
                    if layer and lettered:
                        strong += 1
                        styled += _style(s[1]) == own_style
                    elif layer:
                        numeric += 1
        elif not ents and key not in act_letters and key not in loss_keys and len(key[0]) == 1 and key[0].isalpha() \
                and key[0] not in "ijklmnNLTde" and n.args[0].kind == "letter" and id(n) not in in_scripts:
            foreign += 1
    return strong + (numeric if not foreign and numeric >= 2 else 0), styled, foreign


def _quantity_letters(rel: Node, in_scripts: set) -> set[str]:
    """Letters the claim uses as plain quantities: written bare outside every script (the a and b of
    2ab) or differentiated by (d/dx). Such a letter is no layer, and its powers are powers."""
    from .tree import differentiation_variables

    out = set(differentiation_variables(rel))
    for n in iter_nodes(rel):
        if n.kind == "postfix" and not n.scripts and n.args[0].kind == "letter" and id(n) not in in_scripts:
            out.add(str(n.args[0].args[0]))
    return out


def _script_letters(sarg: Node) -> set[str]:
    return {str(n.args[0]) for n in iter_nodes(sarg) if n.kind in ("letter", "sletter")}


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
    # the letters decide (every reader takes ^l, ^{(l)} and ^{[l]} alike); the layer style written
    # breaks ties: W^{(l+1)}, \delta^{(l)}, z^{(l)} is nnderive's z, not Goodfellow's, whose z is foreign
    best, best_score = None, None
    for prof in candidates:
        atoms, styled, foreign = _score_parts(rel, prof)
        score = (2 * atoms - 3 * foreign, styled)
        if atoms and score[0] > 0 and (best_score is None or score > best_score):
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


def layer_letters(rel: Node, profile) -> set[str]:
    """The lower-case letters a claim writes in the layer script of the profile's layered symbols
    (Hagan's m of n^{m+1}, CS229's k of W^{[k]}): free layers, tried at every layer of a witness."""
    roles = {e.key: e for e in profile_roles(profile) if e.layer_pos is not None}
    out: set[str] = set()
    for n in iter_nodes(rel):
        ent = roles.get(atom_key(n)) if n.kind == "postfix" else None
        if ent is None:
            continue
        for s in decor_scripts(n):
            if s[0] == ent.layer_pos and _LAYER.match((plain_text(s[1]) or _bracket_text(s[1]) or "").strip("()[]")):
                out |= {str(x.args[0]) for x in iter_nodes(s[1]) if x.kind in ("letter", "sletter")
                        and str(x.args[0]).islower() and len(str(x.args[0])) == 1}
    # a letter the claim also uses as a symbol (the x of d/dx a^x) or that is one of the notation's own
    # symbols (x, y) is no layer: a^x stays a power
    in_scripts = {id(m) for n in iter_nodes(rel) if n.kind == "postfix"
                  for s in n.scripts if len(s) > 1 and isinstance(s[1], Node) for m in iter_nodes(s[1])}
    symbols = {str(n.args[0].args[0]) for n in iter_nodes(rel) if n.kind == "postfix" and id(n) not in in_scripts
               and n.args and isinstance(n.args[0], Node) and n.args[0].kind == "letter"}
    symbols |= {e.key[0] for e in profile_roles(profile)}
    return out - symbols - {profile.extra("samples"), profile.extra("sample_letter")} \
        - set(profile.extra("output_letter").split())


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


def givens_top_layer(givens, profile) -> int:
    """The largest layer number the givens write (A^{[2]} = \\sigma(Z^{[2]})), 0 if none."""
    from .syntax import LatexError, parse

    top = 0
    for g in givens:
        try:
            top = max(top, _numeric_layers(parse(g, "definition"), profile))
        except LatexError:
            continue
    return top


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
    hatted = set()        # the y inside \hat{y} (the output) is no use of the target y
    for n in iter_nodes(rel):
        if n.kind == "postfix" and id(n) not in hatted and atom_key(n) in keys:
            out |= keys[atom_key(n)]
            if atom_key(n)[1]:
                hatted |= {id(m) for m in iter_nodes(n) if m is not n}
    return out


def _is_cost_letter(node: Node, profile) -> bool:
    items = juxt_items(node)
    if not items or len(items) != 1 or items[0].kind != "postfix":
        return False
    key = atom_key(items[0])
    if (items[0].text or "").strip() == profile.template("loss"):
        return True      # the cost as the notation spells it: C_0, \hat{F}
    if items[0].scripts:
        return False
    return key is not None and not key[1] and key[0] in (
        {profile.template("loss").lstrip("\\")} | set(profile.extra("losses").split()))



# ---------------------------------------------------------------------------------------------
# A text's own letters, read from the forward pass it states (--given, or earlier in a document)

_LAYER = __import__("re").compile(r"^\s*([A-Za-z])\s*(?:([+-])\s*(\d+))?\s*$")


def _layer_script(post: Node):
    """(base LaTeX, style with @ for the layer, layer letter, shift) of W^{(l+1)}, z^{[k]}, n^{m}, or None."""
    if post.kind != "postfix" or not post.text:
        return None
    sups = [s for s in post.scripts if s[0] == "sup"]
    if len(sups) != 1 or any(s[0] != "sup" for s in post.scripts):
        return None
    text = post.text.strip()
    cut = text.rfind("^")
    if cut <= 0:
        return None
    base, script = text[:cut].strip(), text[cut + 1:].strip()
    if script.startswith("{") and script.endswith("}"):
        script = script[1:-1].strip()
    open_, close = "", ""
    if script[:1] in "([" and script[-1:] in ")]":
        open_, close, script = script[0], script[-1], script[1:-1]
    m = _LAYER.match(script)
    if not m:
        return None
    shift = int(m.group(3) or 0) * (-1 if m.group(2) == "-" else 1)
    return base, "^{" + open_ + "@" + close + "}", m.group(1), shift


def _single(node: Node):
    items = juxt_items(node)
    return items[0] if items and len(items) == 1 and items[0].kind == "postfix" else None


def _terms(node: Node):
    """The added terms of an expression node (z = Wa + b: [Wa, b]), or None when it is not a sum."""
    if node.kind != "expr":
        node = next((a for a in node.args if isinstance(a, Node) and a.kind == "expr"), node) \
            if node.kind in ("relation",) else node
    if node.kind != "expr":
        return [node]
    terms, signs = [], []
    for a in node.args:
        if isinstance(a, Node):
            terms.append(a)
        else:
            signs.append(str(a))
    return terms if all(s == "+" for s in signs) else None


def _row_product(node: Node) -> bool:
    """Whether an expression multiplies by a weight from the right (H W + b, \\phi(X W^{(1)} + b^{(1)})):
    a forward pass in row layout, one sample per row."""
    for n in iter_nodes(node):
        items = juxt_items(n) if n.kind == "juxt" else None
        if items and len(items) == 2 and all(i.kind == "postfix" for i in items):
            a, w = atom_key(items[0]), atom_key(items[1])
            if w is not None and w[0] in ("W", "w") and a is not None and a[0] not in ("W", "w"):
                return True
    return False


def _squares_one_output(node: Node) -> bool:
    """Whether a cost is the square of one difference ((a^{(L)} - y)^2: one output unit), with no sum,
    norm, product or unit index anywhere in it."""
    if any(n.kind in ("sum", "norm", "abs") or (n.kind == "postfix" and any(sc[0] == "sub" for sc in n.scripts))
           for n in iter_nodes(node)):
        return False
    items = juxt_items(node)
    if not items or len(items) != 1 or items[0].kind != "postfix" or len(items[0].scripts) != 1:
        return False
    sc = items[0].scripts[0]
    return sc[0] == "sup" and plain_text(sc[1]) == "2" and items[0].args and items[0].args[0].kind == "paren"


def forward_profile(givens):
    """(profile, the givens left) when the givens state a column network's forward pass in their own
    letters -- ``z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}`` (Goodfellow's layout, any letters and layer
    style: Hagan's n^{m+1} = W^{m+1} a^m + b^{m+1}, 3Blue1Brown's scalar chain), optionally
    ``a^{(l)} = f(z^{(l)})`` (the activation's letter) and ``\\delta^{(l)} = \\frac{\\partial L}{\\partial z^{(l)}}``
    (the error's and the cost's letters) -- or None. The definitions read become the profile (the checker
    derives them itself) and are dropped from the givens; a forward pass the notation cannot express
    (UFLDL's z^{(l+1)} = W^{(l)} a^{(l)} + b^{(l)}, one layer lower) gives None, never a wrong reading;
    a forward pass in row layout (O = H W + b) gives "row"."""
    from ..present.notation import Profile
    from .syntax import LatexError, parse

    rels = []
    for g in givens:
        try:
            rel = parse(g, "definition")
        except LatexError:
            rels.append(None)
            continue
        sides, ops = relation_parts(rel)
        rels.append((sides, ops) if len(sides) == 2 and ops == ["="] else None)
    found, used = {}, set()
    for k, r in enumerate(rels):
        if r is None:
            continue
        lhs = _single(r[0][0])
        got = _layer_script(lhs) if lhs is not None else None
        terms = _terms(r[0][1])
        if got is None or not terms or len(terms) != 2 or "preact" in found:
            continue
        prod, bias = juxt_items(terms[0]), _single(terms[1])
        if not prod or len(prod) != 2 or bias is None:
            continue
        w, a, b = _layer_script(prod[0]), _layer_script(prod[1]), _layer_script(bias)
        if None in (w, a, b) or len({got[2], w[2], a[2], b[2]}) != 1:
            continue
        if w[3] == b[3] == a[3] == got[3] - 1:
            found["node_shift"] = "1"     # UFLDL: W^{(l)} into layer l+1, the input is layer 1
        elif not (w[3] == b[3] == got[3] and a[3] == got[3] - 1):
            return None      # a layer indexing the profiles cannot express
        if len({got[1], w[1], a[1], b[1]}) != 1:
            return None
        found.update(preact=got[0], weight=w[0], act=a[0], bias=b[0], style=got[1], letter=got[2])
        used.add(k)
    if "preact" not in found:
        return "row" if any(r is not None and _row_product(r[0][1]) for r in rels) else None
    style = found["style"]
    act_fn = None
    for k, r in enumerate(rels):
        if r is None or k in used:
            continue
        lhs, items = _single(r[0][0]), juxt_items(r[0][1])
        got = _layer_script(lhs) if lhs is not None else None
        if got and got[0] == found["act"] and items and len(items) == 2 and items[1].kind == "postfix" \
                and items[1].args[0].kind == "paren" and items[0].kind == "postfix" and items[0].text:
            inner = _single(items[1].args[0].args[0]) if items[1].args[0].args else None
            arg = _layer_script(inner) if inner is not None else None
            if arg and arg[0] == found["preact"] and arg[3] == got[3]:
                head = _layer_script(items[0])
                act_fn = (head[0] + style) if head else items[0].text.strip()
                used.add(k)
    loss, delta = "L", "\\delta" + style
    for k, r in enumerate(rels):
        if r is None or k in used:
            continue
        lhs = _single(r[0][0])
        got = _layer_script(lhs) if lhs is not None else None
        fr = juxt_items(r[0][1])
        fr = [fr[0].args[0]] if fr and len(fr) == 1 and fr[0].kind == "postfix" and not fr[0].scripts else fr
        if got and fr and len(fr) == 1 and fr[0].kind == "frac":
            num, den = juxt_items(fr[0].args[1]), juxt_items(fr[0].args[2])
            if num and den and len(num) == 2 and len(den) == 2 and num[1].text and \
                    (_layer_script(den[1]) or ("",))[0] == found["preact"]:
                loss, delta = num[1].text.strip(), got[0] + style
                used.add(k)
    target, width_one = "y", False
    names = {atom_key(_single(parse(found[r], "notation"))) for r in ("weight", "bias", "preact", "act")}
    for k, r in enumerate(rels):
        # the cost the text defines (C_0 = (a^{(L)} - y)^2, \hat{F} = (t - a)^T (t - a)): its name is the
        # notation's cost letter, its other letter the target; the definition itself stays a given
        lhs = _single(r[0][0]) if r is not None and k not in used else None
        if lhs is None or atom_key(lhs) is None or atom_key(lhs) in names or not lhs.text \
                or any(s[0] == "sup" for s in lhs.scripts):
            continue
        inside = {atom_key(n) for n in iter_nodes(r[0][1]) if n.kind == "postfix" and atom_key(n)}
        if found["act"] and atom_key(_single(parse(found["act"], "notation"))) in inside:
            loss = lhs.text.strip()
            width_one = _squares_one_output(r[0][1])
            others = sorted(x[0] for x in inside - names if x and len(x[0]) == 1 and x[0].isalpha() and not x[1])
            target = others[0] if len(others) == 1 else target
            break
    act_letter = act_fn.split("^")[0] if act_fn else "f"
    fn_key = atom_key(_single(parse(act_letter, "notation")) or Node("list", ())) if act_fn else None
    functions = " ".join(sorted({"sigma", "f", "g"} | ({fn_key[0]} if fn_key else set())))
    key = atom_key(_single(parse(loss, "notation"))) if loss else None
    losses = " ".join(sorted({"L", "J", "C", "E"} | ({key[0]} if key else set())))
    templates = dict(weight=found["weight"] + style, bias=found["bias"] + style, preact=found["preact"] + style,
                     act=found["act"] + style, input="x", target=target, output="\\hat{y}", loss=loss,
                     delta=delta, activation=act_fn or "f")
    # matrices in capitals (W^m, B) have their entries in lower case (w^m_{i,j}), as Hagan writes them
    keys = {role: atom_key(_single(parse(found[role], "notation"))) for role in ("weight", "bias", "preact", "act")}
    keys = {r: k for r, k in keys.items() if k and len(k[0]) == 1
            and all(k2[0] != k[0].lower() for k2 in keys.values() if k2)}
    prof = Profile("stated", "the definitions given: " + ", ".join(
        f"{templates[r].replace('@', found['letter'])}" for r in ("weight", "bias", "preact", "act")),
        tuple(sorted(templates.items())),
        (("functions", functions), ("losses", losses), ("bare_layer", "L"), ("samples", "N"),
         ("aliases", " ".join(f"{k[0].lower()}:{role}" for role, k in keys.items() if k[0].isupper())))
        + ((("node_shift", found["node_shift"]),) if "node_shift" in found else ())
        + ((("width", "1"),) if width_one else ()))
    return prof, [g for k, g in enumerate(givens) if k not in used]


def capital_of_sample(post: Node, roles) -> Node:
    """Ng's one-example letters beside his capitals: a^{[2](i)} and y^{(i)} are column i of A^{[2]} and Y
    when the notation's role is the capital and the small letter is no role of its own (the sample
    script, already split off, is what says a column is meant)."""
    base = post.args[0] if post.kind == "postfix" and post.args else None
    if base is None or base.kind != "letter" or not str(base.args[0]).islower():
        return post
    small = str(base.args[0])
    keys = {e.key[0] for e in roles}
    if small in keys or small.upper() not in keys:
        return post
    return Node("postfix", (Node("letter", (small.upper(),), base.pos),) + post.args[1:], post.pos,
                post.scripts, post.text)
