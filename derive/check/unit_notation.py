"""Network claims written unit by unit, the layer told by the unit's index letter (Bishop's a_j, z_i, w_{ji}).

Bishop's PRML (and the texts that follow it) write no layer at all: a_j is the pre-activation of
unit j, z_i = h(a_i) the activation of unit i, w_{ji} the weight into unit j from unit i, δ_j =
∂E_n/∂a_j, y_k and t_k the outputs and targets, x_i the inputs. Which layer a unit is in follows
from the weights (w_{kj} joins the layer of j to the next one, the layer of k) and from the
anchors (a unit with an output y_k or a target t_k is in the output layer, one with an input x_i in
the input layer, an explicit w^{(2)}_{kj} puts k in layer 2). The claim is rewritten in nnderive's
layered letters (z^{m}_{j}, a^{m-1}_{i}, W^{m}_{ji}, \\delta^{m}_{j}, L) with a free layer m and
checked as a generic-network claim; a claim whose units cannot be placed consistently is left to the
other readers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .tokens import tokenize


@dataclass(frozen=True)
class UnitLetters:
    """One text's unit-by-unit letters: the base of each role (a letter, or a control word)."""

    name: str
    preact: str
    act: str
    weight: str
    delta: str
    output: str
    target: str
    input: str
    loss: str
    function: str
    delta_sign: int = 1     # Haykin's local gradient is -dE/dv_j
    weight_order: str = "to_from"   # w_{ji} into j from i; "from_to": Russell & Norvig's w_{i,j} from i to j
    pair_act: str = ""      # Mitchell's x_{ji}: the input from unit i into unit j, the activation of unit i
    pair_pos: int = 1       # which letter of the pair is the unit whose activation it is


BISHOP = UnitLetters("Bishop, PRML 5.3", preact="a", act="z", weight="w", delta="delta", output="y", target="t",
                     input="x", loss="E", function="h")

# nnderive's layered spelling of each role (the default profile's letters)
_TARGET = {"preact": "z^{%s}", "act": "a^{%s}", "weight": "W^{%s}", "delta": "\\delta^{%s}", "output": "a^{L}",
           "target": "y", "input": "x"}


def _atoms(text: str, letters: UnitLetters):
    """(start, end, role, unit letters, explicit layer or None) of every unit-indexed atom (a_j,
    w^{(2)}_{kj}; a power after it, z_j^2, stays outside), or None when the claim writes a layer
    superscript the unit reading cannot place."""
    roles = {letters.preact: "preact", letters.act: "act", letters.weight: "weight", letters.delta: "delta",
             letters.output: "output", letters.target: "target", letters.input: "input"}
    if letters.pair_act:
        roles[letters.pair_act] = "pairact"
    toks = tokenize(text)
    out = []
    k = 0
    while k < len(toks):
        t = toks[k]
        base = t.text if (t.kind == "char" and t.text.isalpha()) or t.kind == "cs" else None
        if base not in roles:
            k += 1
            continue
        j, layer, sub, end = k + 1, None, None, t.end
        while j < len(toks) and toks[j].is_char("^_"):
            arg, j2 = _script(toks, j + 1)
            if arg is None:
                return None
            if toks[j].text == "^":
                inner = arg.strip("()")
                if not (arg.startswith("(") and inner.isdigit()):
                    break                    # a power (z_j^2) or a transpose: not part of the atom
                layer = int(inner)
            elif sub is None:
                sub = arg
            else:
                return None
            j, end = j2, toks[j2 - 1].end
        role = roles[base]
        if sub is not None and role in ("weight", "pairact"):
            sub = sub.replace(",", "").replace(" ", "")       # w_{i,j}
            if len(sub) == 2 and role == "weight" and letters.weight_order == "from_to":
                sub = sub[::-1]
            if role == "pairact":
                if len(sub) != 2:
                    return None
                sub, role = sub[letters.pair_pos], "act"
        if sub is not None and sub.isalpha() and sub.islower() and sub.isascii():
            if (role == "weight") != (len(sub) == 2) or len(sub) > 2:
                return None
            out.append((t.start, end, role, sub, layer))
        elif layer is not None:
            return None
        k = j
    return out


def _script(toks, j):
    """The text of a script argument starting at token j (one token or a braced group), and the index after it."""
    if j >= len(toks):
        return None, j
    if toks[j].is_char("{"):
        depth, m = 0, j
        parts = []
        while m < len(toks):
            if toks[m].is_char("{"):
                depth += 1
            elif toks[m].is_char("}"):
                depth -= 1
                if depth == 0:
                    return "".join(parts), m + 1
            if m > j:
                parts.append(toks[m].source())
            m += 1
        return None, m
    return toks[j].source(), j + 1


def _layers(atoms, text: str):
    """{unit letter: (anchor, offset)} with anchor 'L' (the output layer), '0' (absolute) or 'm' (a free
    layer), or None when the weights and anchors contradict each other."""
    fixed: dict[str, tuple[str, int]] = {}
    edges = []
    for _, _, role, sub, layer in atoms:
        if role == "weight":
            edges.append((sub[0], sub[1]))
            if layer is not None:
                fixed[sub[0]] = ("0", layer)
                fixed[sub[1]] = ("0", layer - 1)
        elif role in ("output", "target"):
            fixed.setdefault(sub, ("L", 0))
        elif role == "input":
            fixed.setdefault(sub, ("0", 0))
    letters = sorted({a[3] for a in atoms if a[2] != "weight"} | {c for e in edges for c in e})
    if not letters:
        return None
    place = dict(fixed)
    free_used = False
    for _ in range(len(letters) + 1):
        changed = True
        while changed:
            changed = False
            for to, frm in edges:
                if to in place and frm not in place:
                    place[frm] = (place[to][0], place[to][1] - 1)
                    changed = True
                elif frm in place and to not in place:
                    place[to] = (place[frm][0], place[frm][1] + 1)
                    changed = True
        missing = [c for c in letters if c not in place]
        if not missing:
            break
        if free_used:
            return None         # two groups of units with no layer between them: no single reading
        # the units no anchor places are at a free layer m (Bishop's j: any hidden layer)
        place["j" if "j" in missing else missing[0]] = ("m", 0)
        free_used = True
    for to, frm in edges:
        if place[to][0] != place[frm][0] or place[to][1] != place[frm][1] + 1:
            return None
    return place


def _layer_text(anchor: str, offset: int, free: str) -> str:
    base = {"L": "L", "m": free}.get(anchor)
    if base is None:
        return str(offset)
    return base + (f"+{offset}" if offset > 0 else f"-{-offset}" if offset < 0 else "")


def translate(text: str, letters: UnitLetters = BISHOP, network: bool = True, stated: bool = False) -> str | None:
    """The claim in nnderive's layered letters, or None when it is not a unit-by-unit network claim
    (network=False: any expression in the letters, such as the cost a text defines; stated: the givens
    state the forward pass, so a derivative by a unit's output, dE/dy_j = y_j - d_j, is a network claim)."""
    atoms = _atoms(text, letters)
    if not atoms:
        return None
    roles = {a[2] for a in atoms}
    toks = tokenize(text)
    if len(toks) > 2 and toks[0].text == letters.loss and roles <= {"output", "target"} and \
            any(t.is_char("=") for t in toks[:4]) and toks[1].text in ("=", "_"):
        return "cost"       # E_n = \frac{1}{2}\sum_k (y_k - t_k)^2: the definition of the error
    # a network claim: a weight between two units, an error term, or the function of a pre-activation
    if network and not (roles & {"weight", "delta"} or (stated and "act" in roles and "\\partial" in text)
                        or ("preact" in roles and (
            f"{letters.function}(" in text.replace(" ", "") or f"{letters.function}'" in text.replace(" ", "")
            or ("act" in roles and "\\partial" in text)))):
        return None
    place = _layers(atoms, text)
    if place is None:
        return None
    used = {t.text for t in tokenize(text) if t.kind == "char" and t.text.isalpha()}
    # the layer letter: l where the claim leaves it free (the letter a network claim's layer is read in
    # anywhere, l+1 included); another only when the claim uses l itself
    free = next(c for c in "lmrqpsu" if c not in used)
    out, at = [], 0
    for start, end, role, sub, _ in atoms:
        anchor, off = place[sub[0]]
        if anchor == "0" and off < 0:
            return None
        layer = _layer_text(anchor, off, free)
        if role == "act" and anchor == "0" and off == 0:
            spelled = "x"
        elif role in ("preact", "act", "weight", "delta"):
            if role != "act" and anchor == "0" and off == 0:
                return None     # no pre-activation, weight or error in the input layer
            spelled = _TARGET[role] % layer
            if role == "delta" and letters.delta_sign < 0:
                out.append(text[at:start] + "(-" + spelled + "_{" + sub + "})")
                at = end
                continue
        else:
            spelled = _TARGET[role]
        spelled += "_{" + sub + "}"
        if text[end:].lstrip().startswith("^"):
            spelled = "{" + spelled + "}"      # z_j^2: the power of the whole symbol
        out.append(text[at:start] + spelled)
        at = end
    out.append(text[at:])
    body = "".join(out)
    return _rename_functions(body, letters)


def _rename_functions(text: str, letters: UnitLetters) -> str:
    """h(a_j), h'(a_j) -> f(...), f'(...); the error E_n, E -> L (the cost of one sample)."""
    toks = tokenize(text)
    out, at = [], 0
    skip = -1
    for k, t in enumerate(toks):
        if k <= skip:
            continue
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if t.text == letters.function and nxt is not None and nxt.is_char("_") and k + 2 < len(toks) \
                and toks[k + 2].text.isalpha() and len(toks[k + 2].text) == 1:
            out.append(text[at:t.start] + "f")      # \varphi_j: neuron j's activation, the layer's
            at, skip = toks[k + 2].end, k + 2
        elif t.text == letters.function and nxt is not None and (nxt.is_char("(") or nxt.text == "'"):
            out.append(text[at:t.start] + "f")
            at = t.end
        elif t.text == letters.loss.partition("_")[0] and (t.kind == "char" or "_" in letters.loss):
            end = t.end
            own = letters.loss.partition("_")[2].strip("{}") or "n"    # Bishop's E_n, Mitchell's E_d
            if nxt is not None and nxt.is_char("_") and k + 2 < len(toks) and toks[k + 2].text in ("n", own):
                end = toks[k + 2].end
            out.append(text[at:t.start] + "L")
            at = end
    out.append(text[at:])
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# A unit-by-unit text's letters read from the forward pass it states (Haykin's v_j(n), y_j(n))

def _strip_iteration(text: str, letter: str) -> str:
    """v_j(n) -> v_j: the iteration (or sample) written as an argument of every symbol."""
    import re

    return re.sub(r"\(\s*" + letter + r"\s*\)", "", text)


def _iteration_letter(texts) -> str | None:
    """The letter written as (n) after at least three symbols of the givens and the claim, or None."""
    import re
    from collections import Counter

    seen = Counter(m.group(1) for t in texts for m in re.finditer(r"[A-Za-z}]\s*\(\s*([a-z])\s*\)", t))
    got = [k for k, v in seen.items() if v >= 3]
    return got[0] if len(got) == 1 else None


def read_stated(claim: str, givens):
    """(claim, givens) in nnderive's layered letters when the givens state a unit-by-unit forward pass
    in the text's own letters -- v_j = \\sum_i w_{ji} y_i, y_j = \\varphi_j(v_j), optionally
    \\delta_j = -\\frac{\\partial E}{\\partial v_j} (Haykin's sign), other unit quantities such as
    e_j = d_j - y_j (substituted into the claim), the cost -- or None."""
    import re

    from .sample_superscript import strip_sample_superscript

    sampled = strip_sample_superscript(claim, list(givens))
    if sampled is False:
        return None         # a pattern superscript in a shape that cannot be read for one pattern
    if sampled:
        claim, givens = sampled[0], sampled[1]
    n = _iteration_letter([claim, *givens])
    if n:
        claim, givens = _strip_iteration(claim, n), [_strip_iteration(g, n) for g in givens]
    claim, givens = _name_words(claim, givens)
    from .unit_givens import normalize_forward

    normal = normalize_forward(claim, list(givens))
    if normal is None or normal[1] is None:
        return None
    claim, givens = normal
    letters = {}
    defs = {}          # e_j -> d_j - y_j (unit quantities the text defines)
    cost = None
    funcs = {}
    for g in givens:
        m = re.match(r"^\s*(\\?[A-Za-z]+)_(?:\{)?([a-z])(?:\})?\s*=\s*\\sum_\{?([a-z])(?:=\d+)?\}?(?:\^\{?\w+\}?)?\s*"
                     r"(\\?[A-Za-z]+)_\{([a-z]),?([a-z])\}\s*(\\?[A-Za-z]+)_\{?([a-z]),?([a-z])?\}?\s*$", g)
        unit, summed = (m.group(2), m.group(3)) if m else ("", "")
        if m and unit != summed and {m.group(5), m.group(6)} == {unit, summed} \
                and (m.group(8) == summed if m.group(9) is None else {m.group(8), m.group(9)} == {unit, summed}):
            # v_j = \sum_i w_{ji} y_i; Russell & Norvig's in_j = \sum_i w_{i,j} a_i; Mitchell's net_j = \sum_i w_{ji} x_{ji}
            letters.update(preact=m.group(1), weight=m.group(4), act=m.group(7),
                           order="to_from" if m.group(5) == unit else "from_to")
            if m.group(9) is not None:
                letters.update(pair=m.group(7), pair_pos=0 if m.group(8) == summed else 1)
            continue
        m = re.match(r"^\s*(\\?[A-Za-z]+)_\{?([a-z])\}?\s*=\s*(\\?[A-Za-z]+)(?:_\{?[a-z]\}?)?\s*\(\s*(\\?[A-Za-z]+)_\{?([a-z])\}?\s*\)\s*$", g)
        if m and m.group(2) == m.group(5):
            letters.update(act_of=m.group(1), function=m.group(3), preact_of=m.group(4))
            continue
        m = re.match(r"^\s*(\\?[A-Za-z]+)_\{?([a-z])\}?\s*=\s*(-?)\s*\\frac\{\\partial\s*(.+?)\}\{\\partial\s*(\\?[A-Za-z]+)_\{?([a-z])\}?\s*\}\s*$", g)
        if m and m.group(2) == m.group(6):
            letters.update(delta=m.group(1).lstrip("\\"), sign=-1 if m.group(3) else 1, loss_of=m.group(4).strip(),
                           delta_of=m.group(5))
            continue
        m = re.match(r"^\s*(\\?[A-Za-z]+)_\{?([a-z])\}?\s*=\s*(.+)$", g)
        if m and re.search(r"_\{?" + m.group(2) + r"\}?", m.group(3)) and "\\sum" not in m.group(3) \
                and (len(m.group(1)) == 1 or m.group(1).startswith("\\") and not m.group(1).startswith("\\nnw")):
            if m.group(1) in defs:
                return None     # one name defined per layer (an output and a hidden error term): no single reading
            defs[m.group(1)] = (m.group(2), m.group(3), g)
            continue
        lhs = g.partition("=")[0].strip()
        m = re.match(r"^(\\?[A-Za-z]+)\s*\(\s*([a-z])\s*\)$", lhs)
        if m:
            funcs[m.group(1)] = (m.group(2), g.partition("=")[2].strip())     # g(x) = \frac{1}{1 + e^{-x}}
            continue
        if re.match(r"^\\Delta\s*\\?[A-Za-z]", lhs):     # an increment written as a name: \Delta w_{ji}
            if _spaced(lhs) in _spaced(claim):
                # Mitchell's \Delta w_{ji} = -\eta \frac{\partial E_d}{\partial w_{ji}}: a compound name the claim writes
                claim = _spaced(claim).replace(_spaced(lhs), "(" + g.partition("=")[2].strip() + ")")
            continue
        unit_lhs = re.match(r"^\\?[A-Za-z]+_\{?([a-z])\}?$", lhs)
        if unit_lhs and "\\sum" in g.partition("=")[2] and re.search(r"_\{?[a-z]?" + unit_lhs.group(1), g.partition("=")[2]):
            # a unit quantity defined by a sum over another layer (an error term, a linear output y_k =
            # \sum_i w_{ki} h_i): not read here, and reading the rest without it would misplace its letter
            return None
        cost = g
    lost = defs.pop(letters.get("loss_of", "").partition("_")[0], None)
    if lost is not None:
        cost = lost[2]       # Mitchell's E_d = \frac{1}{2}\sum_k (t_k - o_k)^2: the cost, not a unit quantity
    if letters.get("pair") and "act_of" in letters:
        letters["act"] = letters["act_of"]     # x_{ji} is o_i: the activation the text writes o_j = \sigma(net_j)
    if "preact" in letters and "act_of" not in letters:
        letters.update(act_of=letters["act"], preact_of=letters["preact"], function="f")   # the activation unnamed
    if "act_of" in letters and "preact" not in letters:
        letters.update(preact=letters["preact_of"], act=letters["act_of"], weight="w")
    if not {"preact", "weight", "act", "function"} <= set(letters) or letters.get("act_of") != letters["act"] \
            or letters.get("preact_of") != letters["preact"] or letters.get("delta_of", letters["preact"]) != letters["preact"]:
        return None
    for name, (idx, body, _) in defs.items():
        # e_j(n) = d_j(n) - y_j(n): written into the claim and the cost, for every unit letter
        def put(text, name=name, idx=idx, body=body):
            return re.sub(r"(?<![A-Za-z\\])" + re.escape(name) + r"(?![A-Za-z])_\{?([a-z])\}?", lambda m: "(" + re.sub(r"_\{?" + idx + r"\}?", "_" + m.group(1), body) + ")", text)
        claim = put(claim)
        cost = put(cost) if cost else cost
    targets = {t for _, body, _ in defs.values() for t in re.findall(r"(?<![A-Za-z\\])([a-z]|\\[a-z]+)_\{?[a-z]\}?", body)} \
        - {letters["act"], letters["preact"], "\\frac", "\\sum"}
    if not targets and cost:
        # the cost's other unit letter is the target (Russell & Norvig's y_k beside a_k)
        targets = set(re.findall(r"(?<![A-Za-z\\])([a-z]|\\[a-z]+)_\{?[a-z]\}?", cost.partition("=")[2])) \
            - {letters["act"], "\\frac", "\\sum"}
    loss_text = letters.get("loss_of") or (cost.split("=")[0].strip() if cost else "E")
    # a cost written with its arguments (Duda's J(\mathbf{w}), Hertz's E[w]): its name is the letters before them
    loss_text = re.sub(r"\s*(?:\\left)?\s*[(\[].*$", "", loss_text) or loss_text
    loss = re.sub(r"\\math\w+\{(\w)\}", r"\1", loss_text).strip().lstrip("\\")    # \Loss: a name of letters
    unit = UnitLetters("the definitions given", preact=letters["preact"].lstrip("\\"), act=letters["act"].lstrip("\\"),
                       weight=letters["weight"].lstrip("\\"), delta=letters.get("delta", "delta"), output="\\none",
                       target=(sorted(targets)[0].lstrip("\\") if len(targets) == 1 else "t"), input="x", loss=loss,
                       function=letters["function"].lstrip("\\"), delta_sign=letters.get("sign", 1),
                       weight_order=letters.get("order", "to_from"), pair_act=letters.get("pair", "").lstrip("\\"),
                       pair_pos=letters.get("pair_pos", 1))
    if unit.input in (unit.pair_act, unit.preact, unit.act, unit.weight, unit.delta, unit.target):
        # Rumelhart, Hinton & Williams's x_j is the net input: x is not the data there
        unit = replace(unit, input="\\none")
    claim = re.sub(r"\\sum_\{([a-z])\s*\\in\s*\w+\}", r"\\sum_{\1}", claim)    # \sum_{k \in outputs}
    out = translate(claim, unit, stated=True)
    if out in (None, "cost"):
        return None
    new_givens = []
    if cost:
        lhs, _, rhs = cost.partition("=")
        rhs = re.sub(r"\\sum_\{([a-z])\s*\\in\s*\w+\}", r"\\sum_{\1}", rhs)
        t = translate(rhs.strip() + " = 0", unit, network=False) if rhs else None
        if t is None or re.search(r"(?<![A-Za-z\\])[aWz]\^\{(?!L\})[^{}]*\}_", t):
            return None     # the cost not placed in the output layer (no target told it): no sound reading
        new_givens.append("L = " + t.rsplit("=", 1)[0].strip())
    if letters["function"] in funcs:
        # the activation the text defines (g(x) = 1/(1 + e^{-x})), entry by entry: the network's activation is that one
        param, body = funcs[letters["function"]]
        new_givens.append("a^{l}_{j} = " + re.sub(r"(?<![A-Za-z\\])" + param + r"(?![A-Za-z])", "z^{l}_{j}", body))
    elif letters["function"] == "\\sigma":
        # \sigma is the logistic sigmoid (Mitchell's sigmoid units): the network's activation, not a generic one
        new_givens.append(r"a^{l} = \operatorname{sigmoid}(z^{l})")
    return out, new_givens


def _name_words(claim: str, givens):
    """Names of several letters written with a unit index (Mitchell's net_j, Russell & Norvig's in_j):
    one symbol each, spelled as a control word so that the token reader sees one name, or as given."""
    import re

    words = {m.group(1) for g in givens for m in re.finditer(r"(?<![A-Za-z\\])([A-Za-z]{2,})(?=\s*_)", g)}
    if not words:
        return claim, givens
    pat = re.compile(r"(?<![A-Za-z\\])(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True))
                     + r")(?![A-Za-z])")
    # a control word of its own (\in_j would be the set membership \in)
    return pat.sub(r"\\nnw\1", claim), [pat.sub(r"\\nnw\1", g) for g in givens]


def _spaced(text: str) -> str:
    """The text with its runs of blanks made one (to find a given's left side written in a claim)."""
    return " ".join(text.split())
