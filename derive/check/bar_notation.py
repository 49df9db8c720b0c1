"""Grosse's bar notation (CSC321): \\bar{v} (or \\overline{v}) is the derivative of the cost by v.

Lecture notes that teach backpropagation as a computation graph write the "error signal" of every
quantity v as \\bar{v} = \\partial L / \\partial v, L being the cost the graph ends in. When the givens
state such a graph and it ends in exactly one quantity (the one given whose left side no other given
uses), a claim written with bars is rewritten with the derivatives spelled out
(\\bar{z} = \\bar{y} \\sigma'(z) becomes \\frac{\\partial L}{\\partial z} = \\frac{\\partial L}{\\partial y}
\\sigma'(z)); a layer or unit script after the bar's group belongs to the symbol
(\\bar{\\mathbf{W}}^{(2)}), a transpose to the derivative. Without such a graph a bar stays what it
was (a mean, a complex conjugate, a closure): nothing is rewritten.
"""

from __future__ import annotations

import re

from .chain_notation import _TRANSPOSE, _group_end, _split_top, atoms
from .tokens import tokenize

_BARS = ("bar", "overline")
_CALLIGRAPHIC = re.compile(r"^\\mathcal\s*\{\s*[A-Za-z]\s*\}$")


def _group(toks, k):
    """(start, end) offsets of the brace group at toks[k] and the index after it, or None."""
    if k >= len(toks) or toks[k].text != "{" or toks[k].kind != "char":
        return None
    e = _group_end(toks, k)
    return toks[k].end, toks[e - 1].start, e


def _script(text, toks, k):
    """(kind, raw text of the argument, index after) of a ^ or _ script at toks[k], or None."""
    if k + 1 >= len(toks) or toks[k].kind != "char" or toks[k].text not in "^_":
        return None
    g = _group(toks, k + 1)
    if g is not None:
        return toks[k].text, text[g[0]:g[1]], g[2]
    return toks[k].text, toks[k + 1].source(), k + 2


def graph_cost(givens) -> str | None:
    """The text of the quantity the givens' graph ends in (its only sink), or None."""
    lhs = []
    for g in givens:
        sides = _split_top(g)
        if sides and _CALLIGRAPHIC.match(sides[0].strip()):
            lhs.append((sides[0].strip(), sides[0].strip(), sides[1]))
            continue
        got = atoms(sides[0]) if sides else []
        if len(got) != 1:
            continue
        lhs.append((sides[0].strip(), got[0].base, sides[1]))
    used = {a.base for _, _, rhs in lhs for a in atoms(rhs)}
    sinks = [text for text, base, _ in lhs if base not in used]
    return sinks[0] if len(sinks) == 1 and len(lhs) >= 2 else None


def rewrite_bars(text: str, givens) -> str | None:
    """The claim with every \\bar{v} as the cost's derivative by v, or None (no bar, or no cost)."""
    toks = tokenize(text)
    if not any(t.kind == "cs" and t.text in _BARS for t in toks):
        return None
    cost = graph_cost(list(givens))
    if cost is None:
        return None
    indexed = {a.base for g in givens if (sides := _split_top(g)) for a in atoms(sides[0]) if any(
        sc[0] == "sub" for sc in a.scripts)}
    out, last, k = [], 0, 0
    while k < len(toks):
        t = toks[k]
        g = _group(toks, k + 1) if t.kind == "cs" and t.text in _BARS else None
        if g is None:
            k += 1
            continue
        inner, j = text[g[0]:g[1]], g[2]
        if any(a.base in indexed and (a.scripts or _script(text, toks, g[2])) for a in atoms(inner)):
            # \overline{y_k} with y_k = \sum_i ... given entry by entry: the scalar reader substitutes the
            # entry's definition before it differentiates, so the derivative by it is not read soundly
            return None
        keep, after = "", ""
        while (sc := _script(text, toks, j)) is not None:
            if sc[0] == "^" and sc[1].strip() in _TRANSPOSE + ("\\top", "\\intercal", "T"):
                after += "^{" + sc[1] + "}"
            else:
                keep += sc[0] + "{" + sc[1] + "}"
            j = sc[2]
        deriv = "\\frac{\\partial " + cost + "}{\\partial " + (inner.strip() + keep) + "}"
        out.append(text[last:t.start])
        out.append("\\left(" + deriv + "\\right)" + after if after else deriv)
        last = toks[j - 1].end if j > g[2] else toks[g[2] - 1].end
        k = j
    out.append(text[last:])
    return "".join(out)
