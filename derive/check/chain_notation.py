"""A forward pass stated letter by letter (d2l's z = W^{(1)} x, h = \\phi(z), o = W^{(2)} h): the chain's letters.

Many texts name each layer's quantities with their own letters and number or name the layers
(d2l 5.3: z, h, o; Raschka: Z^{(h)} = A^{(in)} W^{(h)}, A^{(out)}; Goldberg: h = g(x W^1 + b^1),
y = h W^2 + b^2; a row-layout MLP: H = \\phi(X W^{(1)} + b^{(1)}), O = H W^{(2)} + b^{(2)}). When the
givens state such a chain -- each step a weight times the previous layer's activation (plus a bias),
or an activation function of a pre-activation -- the chain fixes what every letter is: its layer,
its role, the layout (the weight on the left: one sample per column; on the right: one sample per
row) and how the weight is stored (W a or a W^T: n_l x n_{l-1}; W^T a or a W: n_{l-1} x n_l). The
claim is rewritten token by token in nnderive's default letters (W^{l}, b^{l}, z^{l}, a^{l}, x; capitals
for a batch) and checked as a generic-network claim in that layout. A chain that does not close
(a step whose input is neither the input nor an earlier layer) gives None: the other readers try.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .tokens import tokenize

_WRAPPERS = ("mathbf", "boldsymbol", "bm", "vec", "mathbfit")
_SKIP_GROUP = ("text", "operatorname", "mathrm", "textrm", "mbox", "textbf")
_TRANSPOSE = ("T", "top", "intercal", "\\top", "\\intercal", "\\mathsf{T}")
_WEIGHTS = ("W", "w", "U", "V", "Theta")
_COSTS = ("L", "J", "C", "E", "ell")
_GREEK = ("phi", "varphi", "sigma", "Phi", "psi", "rho")
_VARIABLE = __import__("re").compile(r"^[A-Za-z]([+-]\d+)?$")
# a named activation: \operatorname{ReLU}, \text{softmax}, \mathrm{sigmoid}, \tanh
_CONCRETE = re.compile(r"^\\(?:operatorname|text|mathrm|textrm)\s*\{\s*(\w+)\s*\}$|^\\(tanh)$")
_ACTIVATION_NAMES = ("relu", "softmax", "sigmoid", "tanh", "softplus", "elu", "gelu", "silu", "swish")


@dataclass(frozen=True)
class Atom:
    """A symbol in the source: [wrapper] base, then scripts (kind, canonical text, raw text)."""

    start: int
    end: int          # offset just after the base and its wrapper
    base: str
    scripts: tuple    # ((kind, canonical, raw_start, raw_end), ...)
    closing: bool = False  # rewrite: the symbol ends a d-name's \frac{\partial L}{\partial ...}

    def layer_script(self):
        """The first script that is not a transpose or a prime (the layer, here), or None."""
        for s in self.scripts:
            if s[1] not in _TRANSPOSE and s[1] != "\\prime":
                return s
        return None

    def transposed(self) -> bool:
        return any(s[0] == "sup" and s[1] in _TRANSPOSE for s in self.scripts)

    def key(self):
        ls = self.layer_script()
        return (self.base, ls[0], ls[1]) if ls else (self.base, None, None)


def _group_end(toks, k):
    """Index just after the group that opens at toks[k] ('{')."""
    depth = 0
    for j in range(k, len(toks)):
        if toks[j].kind == "char" and toks[j].text == "{":
            depth += 1
        elif toks[j].kind == "char" and toks[j].text == "}":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(toks)


def _atom(text, toks, k):
    """(Atom, next index) of the symbol at toks[k], or None."""
    t = toks[k]
    if t.kind == "cs" and t.text in ("hat", "widehat") and k + 2 < len(toks) and toks[k + 1].text == "{":
        # \hat{\mathbf{y}}: one symbol (the output), not the letter y
        e = _group_end(toks, k + 1)
        inner = _atom(text, toks, k + 2)
        if inner is None or inner[1] != e - 1 or inner[0].scripts:
            return None
        base, j = "hat:" + inner[0].base, e
    elif t.kind == "cs" and t.text in _WRAPPERS and k + 3 < len(toks) and toks[k + 1].text == "{" \
            and toks[k + 3].text == "}" and (toks[k + 2].text.isalpha() or toks[k + 2].kind == "cs"):
        base, j = toks[k + 2].text, k + 4
    elif (t.kind == "char" and t.text.isalpha()) or (t.kind == "cs" and t.text.isalpha()
                                                       and t.text not in _SKIP_GROUP and len(t.text) > 1):
        base, j = t.text, k + 1
    else:
        return None
    end = toks[j - 1].end
    scripts = []
    while j + 1 < len(toks) and toks[j].kind == "char" and toks[j].text in "^_":
        kind = "sup" if toks[j].text == "^" else "sub"
        if toks[j + 1].kind == "char" and toks[j + 1].text == "{":
            e = _group_end(toks, j + 1)
            raw = text[toks[j + 1].end:toks[e - 1].start]
            scripts.append((kind, "".join(raw.split()), toks[j].start, toks[e - 1].end))
            j = e
        else:
            one = toks[j + 1]
            canon = ("\\" + one.text) if one.kind == "cs" else one.text
            scripts.append((kind, canon if canon not in ("\\top", "\\intercal") else canon[1:], toks[j].start,
                            one.end))
            j += 2
    return Atom(toks[k].start, end, base, tuple(scripts)), j


def atoms(text: str):
    """Every symbol of a LaTeX text, in order (the contents of \\text{...} and the like skipped)."""
    toks = tokenize(text)
    out, k = [], 0
    while k < len(toks):
        t = toks[k]
        if t.kind == "cs" and t.text in _SKIP_GROUP and k + 1 < len(toks) and toks[k + 1].text == "{":
            k = _group_end(toks, k + 1)
            continue
        got = _atom(text, toks, k)
        if got is None:
            k += 1
            continue
        out.append(got[0])
        k = got[1]
    return out


# ---------------------------------------------------------------------------------------------
# Reading the chain from the givens


@dataclass
class Chain:
    layout: str = "column"
    stored: str = "out_in"                       # the text's W: n_l x n_{l-1} (out_in) or its transpose
    names: dict = field(default_factory=dict)    # Atom.key() -> (role, layer, capital)
    used: set = field(default_factory=set)       # indices of the givens the chain consumed
    functions: set = field(default_factory=set)  # the activation letters (\phi, g): the generic activation
    concrete: set = field(default_factory=set)   # indices of the givens with a named activation (ReLU)
    depth: int = 0
    variables: set = field(default_factory=set)  # letters the givens use as layer variables (l in l-1)
    labeled: bool = False                        # some layer is numbered or named (W^{(1)}, Z^{(h)})

    def needed(self) -> bool:
        """Whether the chain says more than the unlayered single-neuron reading (z = w x + b, a = sigma(z))
        that the other readers already give: a row layout, a transposed W, numbered or named layers, two
        layers or more (u, g, s, p), or a named activation."""
        return self.layout == "row" or self.stored == "in_out" or self.labeled or self.depth >= 2 or bool(self.concrete)


def _split_top(text: str, sep: str = "="):
    """The two sides of 'A = B' at the one top-level '=', or None."""
    depth, cut = 0, None
    for i, ch in enumerate(text):
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif ch == sep and depth == 0:
            if cut is not None:
                return None
            cut = i
    return (text[:cut].strip(), text[cut + 1:].strip()) if cut is not None else None


def _linear(text: str):
    """(weight, input, bias or None, weight first?) of 'W a + b', 'a W', 'W^T a + b', or None."""
    body = text.strip()
    parts = _split_top(body, "+")
    if parts is None and "+" in body:
        return None
    prod, bias = (parts if parts else (body, None))
    pa = atoms(prod)
    if len(pa) != 2 or prod[pa[1].end:].strip() and not all(
            s[2] >= pa[1].end for s in pa[1].scripts):
        return None
    if "".join(prod[:pa[0].start].split()) or any(c not in " " for c in prod[_after(pa[0]):pa[1].start]):
        return None
    if "".join(prod[_after(pa[1]):].split()):
        return None
    ba = atoms(bias) if bias is not None else []
    if bias is not None and (len(ba) != 1 or "".join(bias[_after(ba[0]):].split()) or "".join(bias[:ba[0].start].split())):
        return None
    w_first = pa[0].base in _WEIGHTS and pa[1].base not in _WEIGHTS
    w_second = pa[1].base in _WEIGHTS and pa[0].base not in _WEIGHTS
    if not (w_first or w_second):
        return None
    w, a = (pa[0], pa[1]) if w_first else (pa[1], pa[0])
    if a.transposed():
        return None
    return w, a, (ba[0] if ba else None), w_first


def _after(atom: Atom) -> int:
    return max([atom.end] + [s[3] for s in atom.scripts])


def _activation(text: str):
    """(function text, argument text) of 'f(...)' / '\\phi(...)' / '\\operatorname{ReLU}(...)', or None."""
    body = text.strip()
    k = body.find("(")
    if k <= 0 or not body.endswith(")"):
        return None
    head, arg = body[:k].strip(), body[k + 1:-1]
    if body.startswith("\\left") or head.endswith("\\left"):
        return None
    depth = 0
    for ch in arg:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return None
    if head == "\\max":
        parts = _split_top(arg, ",")
        if parts is not None and "0" in (parts[0].strip(), parts[1].strip()):
            # \max(0, X W_1 + b_1): CS231n's ReLU
            return "\\operatorname{ReLU}", parts[1] if parts[0].strip() == "0" else parts[0]
        return None
    concrete = _CONCRETE.match(head)
    if concrete and (concrete.group(1) or concrete.group(2)).lower() in _ACTIVATION_NAMES:
        return head, arg       # \operatorname{ReLU}(z), \tanh(z): a named activation (see _read_chain)
    ha = atoms(head)
    if len(ha) != 1 or ha[0].scripts and ha[0].layer_script() is not None and ha[0].base not in ("f", "g", "phi", "sigma"):
        return None
    return head, arg


def read_chain(givens):
    """The Chain the givens state, or None (see the module docstring)."""
    try:
        return _read_chain(givens)
    except _Unplaced:
        return None


def _read_chain(givens):
    steps = []   # (index, out Atom, weight Atom, input Atom, bias Atom, w_first)
    acts = []    # (index, out Atom, function text, argument Atom or None, inline linear step or None)
    for k, g in enumerate(givens):
        sides = _split_top(g)
        if sides is None:
            continue
        la = atoms(sides[0])
        if len(la) != 1 or "".join(sides[0][_after(la[0]):].split()) or la[0].start != 0 and \
                "".join(sides[0][:la[0].start].split()):
            continue
        lhs = la[0]
        lin = _linear(sides[1])
        if lin is not None:
            steps.append((k, lhs, *lin))
            continue
        act = _activation(sides[1])
        if act is not None:
            inner = _linear(act[1])
            arg = atoms(act[1])
            if inner is not None:
                acts.append((k, lhs, act[0], None, inner))
            elif len(arg) == 1 and not "".join(act[1][_after(arg[0]):].split()):
                acts.append((k, lhs, act[0], arg[0], None))
    steps += [(k, None, *inner) for k, _, _, _, inner in acts if inner is not None]
    if not steps:
        return None
    # a letter written with an offset somewhere (a^{(l-1)}) is a layer variable; a lone (h) is a name
    labels = [s[1].strip("()[]{}") for g in givens for a in atoms(g) for s in a.scripts]
    variables = {x[0] for x in labels if _VARIABLE.match(x) and len(x) > 1}
    firsts = {s[5] for s in steps}
    stored = {s[2].transposed() for s in steps}
    if len(firsts) != 1 or len(stored) != 1:
        return None
    chain = Chain(layout="column" if firsts.pop() else "row", variables=variables)
    chain.stored = "in_out" if (stored.pop() == (chain.layout == "column")) else "out_in"
    outs = {s[1].key() for s in steps if s[1] is not None} | {a[1].key() for a in acts}
    inputs = [s for s in steps if s[3].key() not in outs]
    if len({s[3].key() for s in inputs}) != 1:
        return None
    chain.names[inputs[0][3].key()] = ("input", 0, inputs[0][3].base[:1].isupper())
    current, layer, seen = inputs[0][3].key(), 0, set()
    while True:
        nxt = [s for s in steps if s[3].key() == current and id(s) not in seen]
        if not nxt:
            break
        if len(nxt) != 1:
            return None
        s = nxt[0]
        seen.add(id(s))
        layer += 1
        _name(chain, s[2], "weight", layer)
        if s[4] is not None:
            _name(chain, s[4], "bias", layer)
        if s[1] is not None:
            _name(chain, s[1], "preact", layer)
            chain.used.add(s[0])
        act = [a for a in acts if (a[3] is not None and s[1] is not None and a[3].key() == s[1].key())
               or (a[4] is not None and a[4][0] is s[2])]
        if len(act) > 1:
            return None
        if act and _CONCRETE.match(act[0][2].strip()):
            # a named activation: the given stays (rewritten) and fixes that layer's activation
            chain.concrete.add(act[0][0])
            _name(chain, act[0][1], "act", layer)
            current = act[0][1].key()
        elif act:
            head = atoms(act[0][2])
            if len(head) != 1 or head[0].scripts or len(head[0].base) == 1 and not head[0].base.isalpha() \
                    or (len(head[0].base) > 1 and head[0].base not in _GREEK):
                return None     # \operatorname{ReLU}, softmax: a concrete activation, not a generic one
            chain.functions.add(head[0].key())
            _name(chain, act[0][1], "act", layer)
            chain.used.add(act[0][0])
            current = act[0][1].key()
        else:
            current = s[1].key() if s[1] is not None else None
    if len(seen) != len(steps) or layer == 0:
        return None
    chain.depth = layer
    return chain


def _name(chain, atom, role, layer):
    ls = atom.layer_script()
    label = ls[1].strip("()[]{}") if ls is not None else ""
    if _VARIABLE.match(label) and (len(label) > 1 or label in chain.variables):
        raise _Unplaced     # z^{(l)} = W^{(l)} a^{(l-1)}: a layer variable, read by network_letters instead
    if ls is not None and label.isdigit() and int(label) != layer:
        # o = W^{(2)} h alone: h is then the chain's input, and the text's layer 2 is not its layer 1
        raise _Unplaced
    chain.names[atom.key()] = (role, layer, atom.base[:1].isupper())
    chain.labeled = chain.labeled or ls is not None


class _Unplaced(Exception):
    """A numbered layer of the text that is not the chain's layer of that number."""


_TARGET = {"loss": "L", "weight": "W^{%d}", "bias": "b^{%d}", "preact": "z^{%d}", "act": "a^{%d}", "input": "x",
           "delta": "\\delta^{%d}"}
_CAPITAL = {"preact": "Z^{%d}", "act": "A^{%d}", "input": "X", "delta": "\\Delta^{%d}"}


def _spaced(before: str, new: str) -> str:
    # \lambda\mathbf{W} becomes \lambda W^{1}, not the unknown command \lambdaW^{1}
    return before + " " if new[:1].isalpha() and re.search(r"\\[A-Za-z]+$", before) else before


def _lookup(chain: Chain, a: Atom):
    """(role, layer, capital) of a chain symbol and the script that names its layer; an unlayered name
    with a unit index (h_j, \\hat{y}_k beside h, \\hat{y}) is that name, its script an index."""
    got = chain.names.get(a.key())
    ls = a.layer_script()
    if got is None and ls is not None and ls[0] == "sub":
        # a unit index (j, k, ij, i,j, 3); a word (H_{pre}) names another quantity
        got = chain.names.get((a.base, None, None)) if re.fullmatch(r"[a-z](,?[a-z])?|\d+", ls[1]) else None
        return got, None
    if got is None and ls is not None and ls[0] == "sup":
        # W^{(2)\top}: the layer and a transpose in one superscript
        for t in ("\\top", "\\intercal", "T"):
            if ls[1].endswith(t) and len(ls[1]) > len(t) and chain.names.get((a.base, "sup", ls[1][:-len(t)])):
                return chain.names[(a.base, "sup", ls[1][:-len(t)])], ls + ("^{\\top}",)
    return got, ls


def rewrite(text: str, chain: Chain) -> str:
    """The text in nnderive's default letters (each chain symbol by its layer and role)."""
    out, last = [], 0
    found = atoms(text)
    # CS231n's and Ng's d-names: dS, dW_2 (no \frac{d ...}{d ...} around) are the cost's derivatives
    dnames = not re.search(r"\{\s*d\s*[A-Za-z\\]|\\mathrm\{d\}|\\,\s*d", text)
    for k, a in enumerate(found):
        if dnames and a.base == "d" and not a.scripts and k + 1 < len(found) and found[k + 1].start == a.end \
                and _lookup(chain, found[k + 1])[0] is not None and not re.search(r"[A-Za-z\\]$", text[:a.start]):
            out.append(text[last:a.start] + "\\frac{\\partial L}{\\partial ")
            last = a.end
            found[k + 1] = replace(found[k + 1], closing=True)
            continue
        got, ls = _lookup(chain, a)
        if got is None and a.key() in chain.functions and not a.scripts:
            out.append(_spaced(text[last:a.start], "f"))
            out.append("f")       # the default notation's activation letter
            last = a.end
            continue
        if got is None:
            continue
        role, layer, capital = got
        target = ((_CAPITAL if capital and role in _CAPITAL else _TARGET)[role] % layer) if "%d" in (
            (_CAPITAL if capital and role in _CAPITAL else _TARGET)[role]) else \
            (_CAPITAL if capital and role in _CAPITAL else _TARGET)[role]
        rest = (ls[4] if ls is not None and len(ls) > 4 else "") + "".join(
            text[s[2]:s[3]] for s in a.scripts if s is not ls and s != (ls or ())[:4])
        out.append(_spaced(text[last:a.start], "{" if rest else target))
        subs_only = rest and all(sc[0] == "sub" for sc in a.scripts if sc != (ls or ())[:4]) and "_" not in target \
            and not (ls is not None and len(ls) > 4)
        out.append(target + rest if subs_only else "{" + target + "}" + rest if rest else target)
        if a.closing:
            out.append("}")
        last = _after(a)
    out.append(text[last:])
    return "".join(out)


def read_chain_claim(claim: str, givens):
    """(claim rewritten, givens left rewritten, chain) when the givens state a chain, or None.

    An error term the givens define as the cost's derivative by a chain pre-activation
    (\\delta^{(out)} = \\frac{\\partial J}{\\partial Z^{(out)}}) becomes the default notation's
    \\delta^{l} (\\Delta^{l} for a batch), which is that derivative of the summed cost."""
    chain = read_chain(list(givens))
    if chain is None:
        return None
    rest = []
    bases = {key[0] for key, (role, _, _) in chain.names.items() if role != "input"}
    for k, g in enumerate(givens):
        if k in chain.used:
            continue
        sides = _split_top(g)
        la = atoms(sides[0]) if sides else []
        if sides and len(la) == 1 and la[0].key() not in chain.names:
            r = "".join(sides[1].split())
            den = [a for a in atoms(sides[1]) if chain.names.get(a.key(), ("",))[0] == "preact"]
            num = atoms(r[len("\\frac{\\partial"):r.find("}")]) if r.startswith("\\frac{\\partial") else []
            if len(den) == 1 and r.count("\\partial") == 2 and len(num) == 1 and num[0].base in _COSTS \
                    and not num[0].scripts and r.endswith("}") and _after(den[0]) == len(sides[1].rstrip()) - 1:
                _, layer, capital = chain.names[den[0].key()]
                chain.names[la[0].key()] = ("delta", layer, capital)
                chain.names[num[0].key()] = ("loss", 0, False)     # Raschka's J is the default notation's L
                continue
        if sides and len(la) == 1 and la[0].base in _COSTS and not la[0].scripts and "".join(
                sides[0].split()) in (la[0].base, "\\" + la[0].base):
            chain.names[la[0].key()] = ("loss", 0, False)      # \ell = -\sum_k y_k \log p_k: the cost, L
        if sides and la and la[0].key() in chain.functions:
            return None     # \phi(z) = 1/(1 + e^{-z}) given too: the activation is not a generic one
        if sides and la and la[0].base in bases and k not in chain.concrete:
            return None     # h_{p+1} = \Phi(W_{p+1}^T h_p) beside h_1 = \Phi(W_1^T x): more than the chain says
        rest.append(g)
    bases |= {key[0] for key, (role, _, _) in chain.names.items() if role == "delta"}
    for text in [claim] + rest:
        for a in atoms(text):
            if a.base in bases and _lookup(chain, a)[0] is None:
                return None  # a letter of the chain at a layer the chain does not have (h_p, W_{k+1})
    return rewrite(claim, chain), [rewrite(g, chain) for g in rest], chain


def restore_letters(r, texts, chain: Chain):
    """A result's slip, corrected form and counterexample back in the text's own letters (the check ran in
    the default ones): {A^{1}}^T is H^T again, \\frac{\\partial L}{\\partial Z^{2}} is dS where the text
    writes d-names."""
    back = {}
    dnames = False
    for text in texts:
        found = atoms(text)
        for k, a in enumerate(found):
            got, ls = _lookup(chain, a)
            if got is None:
                continue
            role, layer, capital = got
            table = _CAPITAL if capital and role in _CAPITAL else _TARGET
            target = table[role] % layer if "%d" in table[role] else table[role]
            own = text[a.start:(ls[3] if ls is not None and len(ls) == 4 else a.end)]
            back.setdefault(target, own)
            dnames = dnames or (k > 0 and found[k - 1].base == "d" and found[k - 1].end == a.start)
    if not back:
        return r
    # a target is a whole symbol: the x of the input is not the x in \operatorname{softmax}
    pattern = re.compile(r"(?<![A-Za-z\\])(?:" + "|".join(re.escape(t) for t in sorted(back, key=len, reverse=True))
                         + r")(?![A-Za-z])")

    def own(s: str) -> str:
        if not s:
            return s
        if dnames:
            s = re.sub(r"\\frac\{\\partial L\}\{\\partial (" + pattern.pattern + r")\}",
                       lambda m: "d" + back[m.group(1)], s)
        s = re.sub(r"\{(" + pattern.pattern + r")\}(?=[\^_])", lambda m: back[m.group(1)], s)
        return pattern.sub(lambda m: back[m.group(0)], s)

    r.slip, r.corrected, r.counterexample = own(r.slip), own(r.corrected), own(r.counterexample)
    r.notes = [own(n) if n.startswith("the given ") else n for n in r.notes]
    return r
