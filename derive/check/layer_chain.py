"""A forward pass stated for a generic layer, in the text's own letters and layer offsets (Prince's
f_k = \\beta_k + \\Omega_k h_k, h_k = a[f_{k-1}]; MIT 6.036's Z^l = (W^l)^T A^{l-1} + W_0^l, A^l = f^l(Z^l);
Aggarwal's h_{p+1} = \\Phi(W_{p+1}^T h_p); UFLDL's z^{(l+1)} = W^{(l)} a^{(l)} + b^{(l)}).

The texts agree on what a layer computes and disagree on how they number it: the weight may carry the
number of the layer it feeds or of the layer it reads, the activation the number of its pre-activation
or of the next one, the layer may be a superscript or a subscript, and the weight may be stored
out x in (W a) or in x out (W^T a). Each role's offset against nnderive's default letters
(z^{m} = W^{m} a^{m-1} + b^{m}, a^{m} = f(z^{m})) follows from the givens: the linear step fixes the
weight's, the bias's and its input's offsets against the pre-activation's, the activation step the
activation's; the activation written as the step's input must get the same offset both ways, or the
chain is not read. The claim is then rewritten symbol by symbol (the layer expression shifted by the
role's offset, the unit indices kept), the cost the claim differentiates becomes L, a generic
activation letter becomes f, and the claim is checked as a generic-network claim with the weights
stored as the text stores them. A chain that does not close, or a claim that uses a chain letter at a
layer that cannot be placed, gives None: the other readers try.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .chain_notation import _TRANSPOSE, _WEIGHTS, _after, _split_top, atoms

_BIAS_FIRST_WEIGHTS = _WEIGHTS + ("Omega", "Theta", "omega", "theta")
_GENERIC_FUNCTIONS = ("f", "g", "h", "a", "phi", "varphi", "Phi", "psi", "rho")
_CONCRETE = {"sigma": "\\sigma", "tanh": "\\tanh", "ReLU": "\\text{ReLU}", "relu": "\\text{ReLU}"}
_COST_BASES = ("L", "J", "C", "E", "ell", "mathcal", "H", "R", "loss", "Loss")
_SCRIPT = re.compile(r"^(?:\\?([A-Za-z]+))([+-]\d+)?$")
_OUTPUT = re.compile(r"^(?:([A-Z])|n_\{?([A-Za-z])\}?)([+-]\d+)?$")
# (X)^T with X one symbol: the transpose written on a parenthesised symbol, read as X^{T}
_PAREN_T = re.compile(r"\(\s*((?:\\(?:mathbf|boldsymbol|bm)\{\\?[A-Za-z]+\}|\\?[A-Za-z]+)(?:[_^](?:\{[^{}]*\}|\\?[A-Za-z0-9]))*)"
                      r"\s*\)\s*\^\s*(\{\s*(?:T|\\top|\\intercal|\\mathsf\{T\})\s*\}|T|\\top|\\intercal)")


@dataclass
class LayerChain:
    """The text's letters: (base, script kind) -> (role, offset, capital); the layer variable(s)."""

    names: dict = field(default_factory=dict)
    variables: set = field(default_factory=set)
    functions: dict = field(default_factory=dict)   # function base -> default spelling (f, \sigma, ...)
    stored: str = "out_in"
    used: set = field(default_factory=set)
    output_offset: int | None = None                 # the activation's offset (the output is an activation)
    anchored: bool = False                           # a numbered step fixed the absolute layer numbers
    variable: str = ""
    concrete: str = ""                               # the activation when the givens name one (\\text{ReLU})
    subscripts: bool = False                         # the layer written as a subscript (h_k, W_{p+1})

    def nonstandard(self) -> bool:
        """Whether the numbering is one the stated-profile reader cannot express: an offset, W stored
        in x out, or the layer as a subscript."""
        return self.stored != "out_in" or self.subscripts or any(
            off for role, off, _ in self.names.values() if role != "input")


def _strip(label: str) -> str:
    return label[1:-1] if len(label) > 1 and label[0] + label[-1] in ("()", "[]", "{}") else label


def _layer(atom, variables):
    """(script, (variable, offset) | ('#', number) | ('L', offset) for the output) of an atom's layer
    script, or None. A script with the layer variable wins over a number (MIT's W_0^l: the bias of layer l)."""
    found = {}
    for s in atom.scripts:
        if s[1] in _TRANSPOSE or s[1] in ("\\prime", "'"):
            continue
        label = _strip(s[1]).replace("\\ell", "ell")
        m = _SCRIPT.match(label)
        o = _OUTPUT.match(label)
        if m and m.group(1) in variables:
            found.setdefault(0, (s, (m.group(1), int(m.group(2) or 0))))
        elif o and (o.group(1) or o.group(2)) and o.group(1) not in variables:
            found.setdefault(1, (s, ("L", int(o.group(3) or 0))))
        elif label.isdigit():
            found.setdefault(2, (s, ("#", int(label))))
    return found[min(found)] if found else None


def _key(atom, variables):
    """An atom's chain key: its base, where its layer is written, and its constant scripts (the 0 of W_0^l)."""
    lay = _layer(atom, variables)
    consts = tuple(s[1] for s in atom.scripts if (lay is None or s is not lay[0]) and s[1].isdigit())
    if lay is not None and lay[1][0] == "#":
        consts = ()
    return (atom.base, lay[0][0] if lay else None, consts)


def normalize(text: str) -> str:
    """(W^l)^T as W^{l}^{T}, so that the transpose is one of the symbol's scripts."""
    return _PAREN_T.sub(lambda m: m.group(1) + "^{T}", text)


def _variables(givens) -> set:
    out = set()
    for g in givens:
        for a in atoms(g):
            for s in a.scripts:
                m = _SCRIPT.match(_strip(s[1]).replace("\\ell", "ell"))
                if m and m.group(2) and len(m.group(1)) <= 3:
                    out.add(m.group(1))
    return out


def _terms(text: str):
    """The top-level '+' terms of a text (at most two), or None."""
    parts = _split_top(text, "+")
    if parts is None:
        return None if "+" in text.replace("^{+", "").replace("_{+", "") and _depth0_plus(text) else [text]
    return list(parts)


def _depth0_plus(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch in "{(["
        depth -= ch in "})]"
        if ch == "+" and depth == 0:
            return True
    return False


def _only_atoms(text: str, n: int):
    got = atoms(text)
    if len(got) != n or "".join(text[:got[0].start].split()):
        return None
    for a, b in zip(got, got[1:] + [None]):
        gap = text[_after(a):(b.start if b else len(text))]
        if "".join(gap.split()):
            return None
    return got


_SUM = re.compile(r"^\\sum\s*_\s*(?:\{\s*([A-Za-z])\s*(?:=[^{}]*)?\}|([A-Za-z]))(?:\s*\^\s*(?:\{[^{}]*\}|\S))?")


def _linear(text: str):
    r"""(weight, input, bias, bias subtracted?) of 'W a + b', 'b + W a', 'W^T a', 'W a - \theta', or a unit's
    '\sum_j w_{ij} V_j - \theta_i' (Mehlig's thresholds, subtracted), in column layout; or None."""
    body = text.strip()
    terms, neg = _terms(body), False
    if terms and len(terms) == 1 and _depth0_minus(body):
        terms, neg = list(_split_top(body, "-") or [body]), True
    if not terms or len(terms) > 2 or (neg and len(terms) != 2):
        return None

    def product(t):
        m = _SUM.match(t.strip())
        got = _only_atoms(t.strip()[m.end():] if m else t, 2)
        if not got or got[0].base not in _BIAS_FIRST_WEIGHTS:
            return None
        if m and not any((m.group(1) or m.group(2)) in sc[1] for sc in got[0].scripts):
            return None
        return got
    prods = [t for t in terms if product(t)]
    if len(prods) != 1 or (neg and prods[0] is not terms[0]):
        return None
    w, a = product(prods[0])
    if a.transposed() or a.base == w.base:
        return None
    rest = [t for t in terms if t is not prods[0]]
    bias = _only_atoms(rest[0], 1) if rest else None
    if rest and bias is None:
        return None
    return w, a, (bias[0] if bias else None), neg


def _depth0_minus(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        depth += ch in "{(["
        depth -= ch in "})]"
        if ch == "-" and depth == 0 and i > 0:
            return True
    return False


_NAMED = re.compile(r"^\\(?:text|operatorname|mathrm)\s*\{\s*([A-Za-z]+)\s*\}")


@dataclass(frozen=True)
class _Named:
    """A function written as a word (\\text{ReLU}): an atom-like head."""

    base: str
    start: int
    end: int
    scripts: tuple = ()


def _application(text: str):
    """(function atom, argument text) of 'f(...)', 'a[...]', '\\mathbf{a}[...]', '\\text{ReLU}[...]', or None."""
    body = text.strip()
    named = _NAMED.match(body)
    if named:
        k = named.end()
        if k < len(body) and body[k] in "([" and body[-1] == {"(": ")", "[": "]"}[body[k]]:
            return _Named(named.group(1), 0, k), body[k + 1:-1]
        return None
    head = atoms(body)
    if not head:
        return None
    fn = head[0]
    k = _after(fn)
    if "".join(body[:fn.start].split()) or k >= len(body) or body[k] not in "([" or body[-1] != {"(": ")", "[": "]"}[body[k]]:
        return None
    return fn, body[k + 1:-1]


def read_layer_chain(givens):
    """The LayerChain the givens state, or None (see the module docstring)."""
    givens = [normalize(g) for g in givens]
    variables = _variables(givens)
    if not variables:
        return None
    chain = LayerChain(variables=variables)
    steps, acts = [], []
    for k, g in enumerate(givens):
        sides = _split_top(g)
        lhs = _only_atoms(sides[0], 1) if sides else None
        if lhs is None:
            continue
        lin = _linear(sides[1])
        if lin is not None:
            steps.append((k, lhs[0], *lin))
            continue
        app = _application(sides[1])
        if app is None:
            continue
        inner = _linear(app[1])
        arg = _only_atoms(app[1], 1)
        if inner is not None:
            steps.append((k, None, *inner))
            acts.append((k, lhs[0], app[0], None, inner))
        elif arg is not None:
            acts.append((k, lhs[0], app[0], arg[0], None))
    def layered_out(st):
        """Whether a step's result carries the layer (z^{(l+1)}, or h_{p+1} for an inline step)."""
        out_atom = st[1] if st[1] is not None else next(x[1] for x in acts if x[4] is not None and x[4][0] is st[2])
        got = _layer(out_atom, variables)
        return got is not None and got[1][0] not in ("#", "L")

    generic = [s for s in steps if layered_out(s)]
    generic = [s for s in generic if _layer(s[2], variables) and _layer(s[2], variables)[1][0] not in ("#", "L")]
    if len(generic) != 1:
        return None
    k, out, w, a, b, neg = generic[0]
    wl, al = _layer(w, variables), _layer(a, variables)
    if wl is None or al is None or (b is not None and _layer(b, variables) is None):
        return None
    var = wl[1][0]
    if al[1][0] != var or (b is not None and _layer(b, variables)[1][0] != var):
        return None
    chain.variable = var
    chain.stored = "in_out" if w.transposed() else "out_in"
    # the step's layer D in the default letters: the weight's own number (D = w + c_W with c_W = 0)
    c_w = 0
    D = wl[1][1]
    c_in = (D - 1) - al[1][1]
    act = [x for x in acts if (x[3] is not None and out is not None and x[3].key()[0] == out.base)
           or (x[4] is not None and x[4][0] is w)]
    if len(act) != 1:
        return None
    ka, a_out, fn, a_arg, inline = act[0]
    aol = _layer(a_out, variables)
    if aol is None or aol[1][0] != var:
        return None
    if inline is None:
        ol, argl = _layer(out, variables), _layer(a_arg, variables)
        if ol is None or argl is None or ol[1][0] != var or argl[1][0] != var:
            return None
        c_p = D - ol[1][1]
        c_a = (argl[1][1] + c_p) - aol[1][1]
        _put(chain, out, "preact", c_p)
        chain.used.add(k)
    else:
        c_a = D - aol[1][1]          # h_{p+1} = \Phi(W_{p+1}^T h_p): the activation of the step's layer
        c_p = None
    if a.base != a_out.base or c_a != c_in:
        return None                  # the activation read two ways: no layer numbering fits both
    _put(chain, w, "weight", c_w)
    if b is not None:
        _put(chain, b, "threshold" if neg else "bias", D - _layer(b, variables)[1][1])
    _put(chain, a_out, "act", c_a)
    chain.output_offset = c_a
    chain.used.add(ka)
    fname = fn.base
    if fname in _CONCRETE:
        chain.functions[fname] = _CONCRETE[fname]
        chain.concrete = _CONCRETE[fname]
    elif fname in _GENERIC_FUNCTIONS or len(fname) == 1:
        chain.functions[fname] = "f"
    else:
        return None
    if c_p is not None and not any(role == "delta" for role, _, _ in chain.names.values()):
        # the text's delta, where it writes one without defining it, indexes like its pre-activation
        for kind in ("sup", "sub"):
            chain.names.setdefault(("delta", kind, ()), ("delta", c_p, False))
    for st in steps:
        if st is generic[0]:
            continue
        fn_out = [x for x in acts if x[4] is not None and x[4][0] is st[2]]
        if st[1] is None and fn_out and _layer(fn_out[0][1], variables) is None and fn_out[0][2].base == fname \
                and st[2].base == w.base and st[3].base == a.base:
            # Aggarwal's o = \Phi(W_{k+1}^T h_k): the output, an activation with no layer of its own
            chain.names[_key(fn_out[0][1], variables)] = ("output", 0, False)
            chain.used.add(st[0])
    # a numbered step with the chain's letters fixes the absolute numbering (Prince's f_0 = beta_0 + Omega_0 x,
    # Aggarwal's h_1 = \Phi(W_1^T x)); its input is the network's input
    for st in steps:
        if st is generic[0] or st[0] in chain.used:
            continue
        wl0 = _layer(st[2], variables)
        if wl0 and wl0[1][0] == "#" and chain.names.get(_key(st[2], variables)) and \
                _layer(st[3], variables) is None and not chain.anchored:
            shift = 1 - (wl0[1][1] + c_w)
            if shift:
                for key, (role, off, cap) in list(chain.names.items()):
                    chain.names[key] = (role, off + shift if role not in ("input", "output") else off, cap)
                chain.output_offset += shift
            chain.anchored = True
            chain.names.setdefault(_key(st[3], variables), ("input", 0, st[3].base[:1].isupper()))
            chain.used.add(st[0])
    if not any(role == "input" and cap for role, _, cap in chain.names.values()):
        # capitals are a batch in the default letters; a chain without a batch input (6.036's Z^l, A^l for
        # one sample) is about one sample
        chain.names = {k: (role, off, False) for k, (role, off, _) in chain.names.items()}
    return chain


def _put(chain, atom, role, offset):
    kind = _layer(atom, chain.variables)[0][0]
    key = _key(atom, chain.variables)
    if key in chain.names and chain.names[key][:2] != (role, offset):
        raise ValueError("one letter in two roles")
    chain.names[key] = (role, offset, atom.base[:1].isupper())
    chain.subscripts = chain.subscripts or kind == "sub"


_TARGET = {"weight": "W", "bias": "b", "preact": "z", "act": "a", "delta": "\\delta", "threshold": "\\negbias",
           "negdelta": "\\negdelta"}
_CAPS = {"preact": "Z", "act": "A"}


def _layer_text(kind, value, offset, chain, var_out):
    if kind == "#":
        return str(value + offset)
    if kind == "L":
        n = value + offset - chain.output_offset
        return "L" + (f"{n:+d}" if n else "")
    if kind != chain.variable:
        return None                  # a second layer variable (Aggarwal's k in W_{k+1}): not this chain's
    n = value + offset
    return var_out + (f"{n:+d}" if n else "")


def rewrite(text: str, chain: LayerChain, var_out: str = "l"):
    """The text in nnderive's default letters, or None when a chain letter cannot be placed."""
    text = normalize(text)
    out, last = [], 0
    for a in atoms(text):
        if a.base in chain.functions and not any(_strip(s[1]) not in ("\\prime", "'") and _layer(a, chain.variables)
                                                 is None for s in a.scripts):
            nxt = text[_after(a):_after(a) + 1]
            if nxt in ("(", "[", "'") or text[_after(a):].startswith("\\prime"):
                out.append(text[last:a.start])
                out.append(chain.functions[a.base])
                last = _after(a)
                if nxt == "'":
                    out.append("'")
                    last += 1
                continue
        lay = _layer(a, chain.variables)
        got = chain.names.get(_key(a, chain.variables))
        if got is None:
            if any(k[0] == a.base for k in chain.names) and a.base not in chain.functions:
                return None          # a chain letter written at a layer the chain cannot place
            continue
        role, offset, capital = got
        if role == "input":
            target = "X" if capital else "x"
        elif role == "output":
            target = "a^{L}"
        else:
            if lay is None:
                return None
            if lay[1][0] == "#" and not chain.anchored:
                return None          # a numbered layer without a numbered given: its number is unknown
            letter = (_CAPS.get(role) if capital else None) or _TARGET[role]
            placed = _layer_text(lay[1][0], lay[1][1], offset, chain, var_out)
            if placed is None:
                return None
            target = letter + "^{" + placed + "}"
        kept = [s for s in a.scripts if (lay is None or s is not lay[0]) and not (s[1].isdigit() and role == "bias")]
        subs = "".join(text[s[2]:s[3]] for s in kept if s[0] == "sub")
        sups = "".join(text[s[2]:s[3]] for s in kept if s[0] == "sup")
        out.append(text[last:a.start])
        # unit indices go on the symbol itself (\delta^{L}_i); a transpose or power on the braced symbol
        out.append("{" + target + subs + "}" + sups if sups else target + subs)
        last = _after(a)
    out.append(text[last:])
    return _negatives(_costs("".join(out)))


_SCRIPTS = r"((?:[\^_](?:\{[^{}]*\}|[A-Za-z0-9]))*)"


def _negatives(text: str) -> str:
    """A threshold (subtracted from the pre-activation) is minus a bias, an error defined as minus the
    cost's derivative is minus the default delta: the derivative by a threshold is minus the one by the
    bias."""
    text = re.sub(r"\\frac\{\\partial ((?:[^{}]|\{[^{}]*\})*)\}\{\\partial \\negbias" + _SCRIPTS + r"\}",
                  lambda m: "\\left(-\\frac{\\partial " + m.group(1) + "}{\\partial b" + m.group(2) + "}\\right)", text)
    text = re.sub(r"\\negbias" + _SCRIPTS, lambda m: "(-b" + m.group(1) + ")", text)
    return re.sub(r"\\negdelta" + _SCRIPTS, lambda m: "(-\\delta" + m.group(1) + ")", text)


_PARTIAL_NUM = re.compile(r"\\frac\s*\{\s*\\partial\s*((?:[^{}]|\{[^{}]*\})*?)\s*\}")


def _costs(text: str) -> str:
    """The cost each \\frac{\\partial C}{\\partial ...} differentiates, whatever its letter, as L."""
    def one(m):
        num = m.group(1).strip()
        if not num or any(t in num for t in ("^{", "z^", "a^", "W^", "b^", "Z^", "A^")):
            return m.group(0)
        return "\\frac{\\partial L}"
    return _PARTIAL_NUM.sub(one, text)


def _substitute(text: str, name: str, replacement: str) -> str:
    """text with every token spelling the bare symbol name (a letter or a control word) replaced,
    scripts included (the t of e^{-t})."""
    from .tokens import tokenize

    out, last = [], 0
    for t in tokenize(text):
        if t.text == name and (t.kind == "cs" or len(name) == 1):
            out.append(text[last:t.start])
            out.append(replacement)
            last = t.end
    out.append(text[last:])
    return "".join(out)


_LAYER_EXPR = re.compile(r"^([A-Za-z])([+-]\d+)?$")


def _minus_one(expr: str) -> str | None:
    m = _LAYER_EXPR.match(expr)
    if m is None:
        return str(int(expr) - 1) if expr.isdigit() else None
    n = int(m.group(2) or 0) - 1
    return m.group(1) + (f"{n:+d}" if n else "")


def _preacts(text: str, chain) -> str:
    """In a chain without biases, the weight times the previous activation (W_{p+1}^T h_p) is the
    pre-activation the text never names: z^{D}."""
    weight = r"\{W\^\{([^{}]+)\}\}\^(?:\{T\}|T)" if chain.stored == "in_out" else r"W\^\{([^{}]+)\}"

    def one(m):
        return "z^{%s}" % m.group(1) if _minus_one(m.group(1)) == m.group(2) else m.group(0)
    return re.sub(weight + r"\s*a\^\{([^{}]+)\}(?![_^])", one, text)


def _side_givens(givens, chain, var_out):
    """The givens the chain did not consume, in the default letters: a definition of the chain's
    activation function (f(z) = 1/(1+e^{-z})) as a^{l} = ..., an alias of the output
    (h_{W,b}(x) = a^{(n_l)}) substituted, a cost (J(W,b;x,y) = ...) as L = ...; None when one cannot
    be placed."""
    texts = [normalize(g) for k, g in enumerate(givens) if k not in chain.used]
    aliases, rest, out = {}, [], []
    for g in texts:
        sides = _split_top(g)
        app = _application(sides[0]) if sides else None
        if app is not None and app[0].base in chain.functions and len(_only_atoms(app[1], 1) or ()) == 1:
            v = _only_atoms(app[1], 1)[0]
            if v.scripts:
                return None
            # e^{-t} as \exp(-t): the same function, in the spelling the network's givens are matched in
            body = re.sub(r"(?<![A-Za-z\\])e\s*\^\s*\{([^{}]*)\}", r"\\exp(\1)", sides[1])
            r = rewrite(_substitute(body, v.base, "\\varkappa"), chain, var_out)
            if r is None:
                return None
            r = _substitute(r, "varkappa", "{z^{%s}}" % var_out)
            chain.concrete = ""          # the given says what the activation is: it is checked as such
            out.append(f"a^{{{var_out}}} = {r}")
            continue
        if app is not None and sides and _only_atoms(sides[1], 1):
            r = rewrite(sides[1], chain, var_out)
            if r is not None and r != sides[1]:
                aliases["".join(sides[0].split())] = r
                continue
        rest.append(g)
    for g in rest:
        flat = "".join(g.split())
        for name, r in aliases.items():
            flat = flat.replace(name, "{" + r + "}")
        sides = _split_top(flat)
        head = atoms(sides[0]) if sides else []
        if head and head[0].base in _COST_BASES + ("mathcal",) and (
                _application(sides[0]) is not None or _only_atoms(sides[0], 1)):
            r = rewrite(sides[1], chain, var_out)
            if r is None:
                return None
            out.append("L = " + r)
            continue
        r = rewrite(flat, chain, var_out)
        if r is None:
            return None
        out.append(r)
    return out


_DERIV = re.compile(r"^(-?)\s*\\frac\s*\{\s*\\partial\s*((?:[^{}]|\{[^{}]*\})*)\}\s*\{\s*\\partial\s*((?:[^{}]|\{[^{}]*\})*)\}$")


def _definitions(chain, givens):
    r"""Names the givens define from the chain's own quantities: an error term as (minus) the cost's
    derivative by a pre-activation (Mehlig's \Delta_i^{(l)} = -\partial H / \partial b_i^{(l)}), the output
    under another name (O_i = V_i^{(L)}). The givens read are consumed."""
    bases = {key[0] for key in chain.names}
    for k, g in enumerate(givens):
        sides = _split_top(normalize(g)) if k not in chain.used else None
        lhs = _only_atoms(sides[0], 1) if sides else None
        if lhs is None or lhs[0].base in bases:
            continue
        d = _DERIV.match(sides[1].strip())
        den = _only_atoms(d.group(3), 1) if d else None
        if den and chain.names.get(_key(den[0], chain.variables), ("",))[0] == "preact":
            ll, dl = _layer(lhs[0], chain.variables), _layer(den[0], chain.variables)
            if ll and dl and ll[0][0] == dl[0][0] and ll[1] == dl[1]:
                off = chain.names[_key(den[0], chain.variables)][1]
                chain.names[_key(lhs[0], chain.variables)] = ("negdelta" if d.group(1) else "delta", off, False)
                chain.used.add(k)
            continue
        rhs = _only_atoms(sides[1], 1)
        rl = _layer(rhs[0], chain.variables) if rhs else None
        if rl and rl[1] == ("L", 0) and chain.names.get(_key(rhs[0], chain.variables), ("",))[0] == "act" \
                and _layer(lhs[0], chain.variables) is None:
            chain.names[_key(lhs[0], chain.variables)] = ("output", 0, False)
            chain.used.add(k)


def _target(chain, givens) -> str | None:
    """The one free letter of the cost's definition besides the network's output, or None."""
    bases = {key[0] for key in chain.names} | set(chain.functions)
    defined = {a.base for g in givens if (sd := _split_top(g)) for a in atoms(sd[0])[:1]}
    for k, g in enumerate(givens):
        sides = _split_top(g) if k not in chain.used else None
        head = atoms(sides[0]) if sides else []
        if not head or head[0].base in bases:
            continue
        inside = {a.base for a in atoms(sides[1])}
        if not inside & bases:
            continue
        free = {b for b in inside - bases - defined if len(b) == 1 and b.isalpha()}
        return free.pop() if len(free) == 1 else None
    return None


def read_layer_chain_claim(claim: str, givens):
    """(claim rewritten, givens left rewritten, chain) when the givens state a generic layer, or None."""
    try:
        chain = read_layer_chain(list(givens))
    except ValueError:
        return None
    if chain is None:
        return None
    _definitions(chain, givens)
    letters = {a.base for t in [claim] + list(givens) for a in atoms(t)}
    target = _target(chain, givens)
    if "y" not in letters and target:
        # the target the text's cost compares the output with (t, r) is the default letters' y
        claim, givens = _substitute(claim, target, "y"), [_substitute(g, target, "y") for g in givens]
    var_out = "l" if "l" not in {a.base for a in atoms(claim)} else "m"
    new = rewrite(claim, chain, var_out)
    rest = _side_givens(givens, chain, var_out) if new is not None else None
    if rest is None:
        return None
    if not any(role in ("bias", "preact") for role, _, _ in chain.names.values()):
        new, rest = _preacts(new, chain), [_preacts(g, chain) for g in rest]
    if chain.concrete:
        rest.append(f"a^{{{var_out}}} = {chain.concrete}(z^{{{var_out}}})")
    return new, rest, chain
