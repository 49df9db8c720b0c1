"""A unit-by-unit forward pass as texts state it, put in one spelling: either factor order, a bias, one sum per layer.

Texts that write a network unit by unit state its forward pass in several shapes: Duda, Hart & Stork's
net_j = \\sum_i x_i w_{ji} + w_{j0} (the input before the weight, the bias written out), then
net_k = \\sum_j y_j w_{kj} + w_{k0} and z_k = f(net_k) for the next layer, with its own letter for
each layer's output (x_i, y_j, z_k); Rumelhart, Hinton & Williams's x_j = \\sum_i y_i w_{ji} with
y_j = \\frac{1}{1 + e^{-x_j}} (the activation written out, not named). The unit reader
(unit_notation.read_stated) reads one sum with the weight first and an activation named as a
function; this module brings the other shapes to that one, by what the givens say and nothing else:

- each forward sum is rewritten weight first, its bias dropped (the bias of the layer is the
  network's b, which no claim about the weights or errors depends on), its layer mark w^{(1)}_{ji}
  dropped (the unit letters already place the layers);
- an activation written out (y_j = 1/(1 + e^{-x_j})) becomes a named function of the unit's
  pre-activation, defined by the given's own right side;
- with a sum per layer, the layers' letters are told apart by the unit index each given binds them
  to (y with j, z with k): each layer's output letter, the input's included, is renamed to one
  letter, and each layer's weight letter (Hertz's w_{jk}, W_{ij}) to one. That is only done when every use of those letters in the claim and the givens is
  with an index the givens bind them to; any other use (y_k where only y_j was defined) leaves the
  claim unread, never guessed.
"""

from __future__ import annotations

import re

_NAME = r"\\?[A-Za-z]+"
_SCRIPT = r"(?:\^\{?\(\d+\)\}?)?"          # a layer mark w^{(1)}_{ji} or w_{ji}^{(1)}, dropped
_ATOM = rf"({_NAME}){_SCRIPT}_\{{?([a-z])\s*,?\s*([a-z])?\}}?{_SCRIPT}"
_FORWARD = re.compile(
    rf"^\s*({_NAME})_\{{?([a-z])\}}?\s*=\s*\\sum_\{{?([a-z])(?:\s*=\s*\d+)?\}}?(?:\^\{{?[\w\\]+\}}?)?\s*"
    rf"{_ATOM}\s*{_ATOM}(?:\s*\+\s*({_NAME})_\{{?([a-z])(0)?\}}?)?\s*$")
_ACTIVATION = re.compile(rf"^\s*({_NAME})_\{{?([a-z])\}}?\s*=\s*(.+?)\s*$")
_FUNCTION = "\\nnact"     # the name given to an activation the text writes out


def _forward(g: str):
    """(preact, unit, summed, weight text, act text, act letter) of a forward sum, or None."""
    m = _FORWARD.match(g)
    if not m:
        return None
    pre, unit, summed = m.group(1), m.group(2), m.group(3)
    a = (m.group(4), m.group(5), m.group(6))
    b = (m.group(7), m.group(8), m.group(9))
    if a[2] is not None and b[2] is None:
        weight, act = a, b
    elif b[2] is not None and a[2] is None:
        weight, act = b, a
    elif a[2] is not None and b[2] is not None:
        weight, act = a, b          # Mitchell's w_{ji} x_{ji}: the weight is written first
    else:
        return None
    if unit == summed or {weight[1], weight[2]} != {unit, summed}:
        return None
    if act[2] is None and act[1] != summed:
        return None
    if act[2] is not None and {act[1], act[2]} != {unit, summed}:
        return None
    if m.group(10) is not None and m.group(11) != unit:
        return None             # a bias of another unit: not this sum's
    wtext = weight[0] + "_{" + weight[1] + weight[2] + "}"
    atext = act[0] + "_{" + act[1] + (act[2] or "") + "}"
    return pre, unit, summed, wtext, atext, act[0] if act[2] is None else None


def _uses(text: str, letter: str):
    """The unit index of every use of a letter (None for a use without a one-letter subscript)."""
    out = []
    for m in re.finditer(r"(?<![A-Za-z\\])" + re.escape(letter) + r"(?![A-Za-z])", text):
        s = re.match(r"\s*_\s*(?:\{\s*([a-z])\s*\}|([a-z])(?![A-Za-z]))", text[m.end():])
        out.append((s.group(1) or s.group(2)) if s else None)
    return out


def _pair_uses(text: str, letter: str):
    """The two unit indices of every use of a weight letter ("" for a use without two one-letter indices)."""
    out = []
    for m in re.finditer(r"(?<![A-Za-z\\])" + re.escape(letter) + r"(?![A-Za-z])", text):
        s = re.match(r"\s*(?:\^\{?\(\d+\)\}?)?\s*_\s*\{\s*([a-z])\s*,?\s*([a-z])\s*\}", text[m.end():])
        out.append(s.group(1) + s.group(2) if s else "")
    return out


def _rename(text: str, letter: str, new: str) -> str:
    return re.sub(r"(?<![A-Za-z\\])" + re.escape(letter) + r"(?![A-Za-z])", lambda _: new, text)


def normalize_forward(claim: str, givens: list[str]):
    """(claim, givens) with the forward pass in the unit reader's one spelling, the givens unchanged when
    there is nothing to normalize, or None when the givens' layers and letters cannot be made one."""
    fwd = {i: f for i, g in enumerate(givens) if (f := _forward(g)) is not None}
    if not fwd:
        return claim, givens
    # a cost written with its arguments (J(\mathbf{w}), E[w]) is named by its letters: the arguments are no uses
    givens = [re.sub(r"^\s*(\\?[A-Za-z]+)\s*(?:\((?!\s*[a-z]\s*\)).*?\)|\[.*?\])\s*=", r"\1 =", g, count=1)
              if i not in fwd else g for i, g in enumerate(givens)]
    if any(i not in fwd and re.match(rf"^\s*{_NAME}(?:\^\{{?\(\d+\)\}}?)?_\{{?[a-z]\}}?\s*=\s*\\sum", g)
           for i, g in enumerate(givens)):
        return None             # a unit's sum in a shape not read here (a linear output, y_k = \sum_i w_{ki} h_i
        #                         + b^{(2)}_k): reading the rest without it would misplace that layer
    pres = {f[0] for f in fwd.values()}
    if len(pres) != 1:
        return None             # each layer's pre-activation in its own letter: not read here
    pre = next(iter(pres))
    out = list(givens)
    acts = {}                   # unit index -> the letter of its output, as the givens bind them
    for i, (_, unit, summed, wtext, atext, aletter) in fwd.items():
        out[i] = f"{pre}_{{{unit}}} = \\sum_{{{summed}}} {wtext} {atext}"
        if aletter is not None:
            if acts.get(summed, aletter) != aletter:
                return None
            acts[summed] = aletter
    bodies = {}
    for i, g in enumerate(givens):
        if i in fwd:
            continue
        m = _ACTIVATION.match(g)
        if not m:
            continue
        letter, unit, body = m.group(1), m.group(2), m.group(3)
        own = re.compile(r"(?<![A-Za-z\\])" + re.escape(pre) + r"_(?:\{" + unit + r"\}|" + unit + r"(?![A-Za-z]))")
        if not own.search(body):
            continue
        rest = own.sub("", body)
        if re.search(r"_\{?[a-z]", rest) or "\\sum" in rest or "\\partial" in rest:
            continue            # other units in it, or a derivative (an error term): not the unit's activation
        if acts.get(unit, letter) != letter:
            return None
        acts[unit] = letter
        named = re.fullmatch(rf"({_NAME})\s*\(\s*" + own.pattern + r"\s*\)", body)
        if named is None:
            # y_j = \frac{1}{1 + e^{-x_j}}: the activation the text writes out, as a function of its own
            param = next(c for c in "uvqsr" if not re.search(r"(?<![A-Za-z\\])" + c + r"(?![A-Za-z])", body))
            fn = own.sub(param, body)
            out[i] = f"{letter}_{{{unit}}} = {_FUNCTION}({pre}_{{{unit}}})"
            bodies.setdefault("fn", set()).add(fn)
            bodies.setdefault("param", param)
            if len(bodies["fn"]) > 1:
                return None     # two different activations written out: the layers' functions differ
            out.append(f"{_FUNCTION}({param}) = {fn}")
    units = {f[1] for f in fwd.values()}
    if len(fwd) == 1 and (len(set(acts.values())) <= 1 or any(u not in acts for u in units)):
        return claim, out
    # a sum per layer: one output letter for every layer, the layers told apart by the index
    hidden = [fwd[i][5] for i in fwd if fwd[i][5] is not None and fwd[i][5] in {acts[u] for u in units if u in acts}]
    if len(fwd) == 1 and not hidden:
        hidden = [acts[next(iter(units))]]      # one layer, its input in another letter (u_k into p_j)
    if len(set(hidden)) != 1:
        return None
    canon = hidden[0]
    inputs = {s for s in acts if s not in units}
    if any(u not in acts for u in units):
        return None             # a layer whose activation the givens do not state (a linear output)
    texts = [claim, *out]
    letters = set(acts.values())
    for letter in letters:
        bound = {u for u, a in acts.items() if a == letter}
        if any(idx not in bound for t in texts for idx in _uses(t, letter)):
            return None         # the letter used with an index the givens do not bind it to
    new = {}
    for u, letter in acts.items():
        # the input layer's letter too: the inputs are then the outputs of the layer before, which a claim
        # about the later layers' weights and errors cannot tell from data (and a claim that writes the
        # inputs and the targets then reads at every depth, not only at depth 2)
        target = canon
        if letter != target:
            if new.get(letter, target) != target:
                return None
            new[letter] = target

    # each layer's weights in their own letter (Hertz's w_{jk} into the hidden layer, W_{ij} out of it)
    weights = {}
    for f in fwd.values():
        letter, pair = f[3].split("_", 1)[0], f[3].split("{", 1)[1].rstrip("}")
        weights.setdefault(letter, set()).add(pair)
    keep_weight = next(f[3].split("_", 1)[0] for f in fwd.values() if f[5] is not None and new.get(f[5], f[5]) == canon)
    if len(weights) > 1:
        for letter, pairs in weights.items():
            if any(p not in pairs for t in texts for p in _pair_uses(t, letter)):
                return None     # a weight letter used between units the givens do not join with it
            if letter != keep_weight:
                new[letter] = keep_weight

    def put(text: str) -> str:
        for letter, target in new.items():
            text = _rename(text, letter, "\\nnren" + str(sorted(new).index(letter)))
        for letter, target in new.items():
            text = _rename(text, "\\nnren" + str(sorted(new).index(letter)), target)
        return text

    claim = put(claim)
    out = [put(g) for g in out]
    # the forward sums and activations now repeat one reading: keep one of each (the hidden layer's)
    keep = []
    seen_forward = False
    for i, g in enumerate(out):
        if i in fwd:
            if fwd[i][5] is not None and new.get(fwd[i][5], fwd[i][5]) == canon and not seen_forward:
                keep.append(g)
                seen_forward = True
            continue
        keep.append(g)
    if not seen_forward:
        return None
    deduped = _dedupe_activations(keep, canon, pre)
    return None if deduped is None else (claim, deduped)


def _dedupe_activations(givens, act: str, pre: str):
    """One activation given of the canonical letters (y_j = f(net_j) and y_k = f(net_k) say the same)."""
    out, seen = [], set()
    for g in givens:
        m = _ACTIVATION.match(g)
        if m and m.group(1) == act:
            key = re.sub(r"_\{?[a-z]\}?", "_u", m.group(3))
            if key in seen:
                continue
            if seen:
                return None     # two layers with different activations
            seen.add(key)
            out.append(g)
            continue
        out.append(g)
    return out
