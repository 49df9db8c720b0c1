"""Derivatives named with a `d` prefix, as Ng's and CS231n's lessons write them: dz, da, dw_1, dZ^{[l]}.

Ng writes ``dz = \\frac{d\\mathcal{L}(a,y)}{dz} = a - y``: the first link NAMES the derivative (dz is the
program's variable for dL/dz) and the second states it; and later ``dw_1 = x_1 \\, dz`` uses the name.
Read letter by letter, dz is the product d·z and the claim fails. Two readings fix this, both by
the tokens of the text, before it is parsed:

- a chain whose first side is d followed by a symbol X and whose second side is a derivative by X
  (``dX = \\frac{\\partial ...}{\\partial X} = ...``) is checked from its second side on (the first link is
  a definition, reported in a note);
- a definition (``--given``) whose left side is such a d-name (``dz = a - y``) defines the symbol
  ``\\mathrm{dz}``, and the same spelling in the claim and the other definitions means that symbol.
"""

from __future__ import annotations

from .tokens import tokenize


def _top_equals(toks) -> list:
    """The '=' tokens outside braces, brackets and parentheses."""
    depth, out = 0, []
    for t in toks:
        if t.kind == "char" and t.text in "{([":
            depth += 1
        elif t.kind == "char" and t.text in "})]":
            depth -= 1
        elif t.kind == "cs" and t.text in ("left",):
            depth += 1
        elif t.kind == "cs" and t.text in ("right",):
            depth -= 1
        elif depth == 0 and t.kind == "char" and t.text == "=":
            out.append(t)
    return out


def _script_end(text: str, toks, k: int) -> int:
    """The index of the first token after the scripts (_x, ^{[l]}, _{ij}) that follow token k."""
    k += 1
    while k < len(toks) and toks[k].kind == "char" and toks[k].text in "_^":
        k += 1
        if k < len(toks) and toks[k].kind == "char" and toks[k].text == "{":
            depth = 0
            while k < len(toks):
                if toks[k].kind == "char" and toks[k].text == "{":
                    depth += 1
                elif toks[k].kind == "char" and toks[k].text == "}":
                    depth -= 1
                    if depth == 0:
                        break
                k += 1
        k += 1
    return k


def _dname(text: str, toks, k: int):
    """(variable spelling, index after it) when token k starts a d-name d X, else None."""
    if not (toks[k].kind == "char" and toks[k].text == "d" and k + 1 < len(toks)):
        return None
    nxt = toks[k + 1]
    if nxt.kind != "char" or not nxt.text.isalpha() or nxt.start != toks[k].end:
        return None
    prev = toks[k - 1] if k > 0 else None
    if prev is not None and ((prev.kind == "char" and (prev.text.isalpha() or prev.text == "{"))
                             or (prev.kind == "cs" and prev.text in ("mathrm", "partial", "frac", "text"))):
        return None      # ad, {dx} of a derivative's fraction, \mathrm{d}x
    end = _script_end(text, toks, k + 1)
    last = toks[end - 1]
    return text[nxt.start:last.end], end


def _squash(s: str) -> str:
    return "".join(s.split())


def strip_naming_link(text: str) -> tuple[str, str] | None:
    """(the chain from its second side on, a note) where its first link names a derivative; or None."""
    toks = tokenize(text)
    eqs = _top_equals(toks)
    if len(eqs) < 2 or not toks:
        return None
    got = _dname(text, toks, 0)
    if got is None or got[1] >= len(toks) or toks[got[1]] is not eqs[0]:
        return None
    var = _squash(got[0])
    second = _squash(text[eqs[0].end:eqs[1].start])
    if not second.startswith("\\frac") or not any(
            f"{{{d}{var}}}" in second for d in ("d", "\\partial", "\\mathrm{d}")):
        return None
    name = text[:eqs[0].start].strip()
    return text[eqs[0].end:].strip(), f"{name} names the derivative {text[eqs[0].end:eqs[1].start].strip()}"


def defined_dnames(givens) -> set[str]:
    """The d-names the definitions define (the letter after d, with d: 'dz', 'dw', 'dZ')."""
    out = set()
    for g in givens:
        toks = tokenize(g)
        eqs = _top_equals(toks)
        got = _dname(g, toks, 0) if toks and eqs else None
        if got is not None and got[1] < len(toks) and toks[got[1]] is eqs[0]:
            out.add("d" + toks[1].text)
    return out


def rename(text: str, names: set[str]) -> str:
    """text with each d-name of ``names`` spelled as the symbol \\mathrm{dX} (its scripts kept)."""
    if not names:
        return text
    toks = tokenize(text)
    out, last = [], 0
    for k in range(len(toks) - 1):
        got = _dname(text, toks, k)
        if got is not None and "d" + toks[k + 1].text in names:
            out.append(text[last:toks[k].start])
            out.append("\\mathrm{d" + toks[k + 1].text + "}")
            last = toks[k + 1].end
    out.append(text[last:])
    return "".join(out)


def read_dnames(claim: str, givens) -> tuple[str, tuple, list[str]]:
    """(claim, givens, notes) with Ng's d-names read: the naming first link dropped, defined d-names
    spelled as symbols."""
    notes = []
    got = strip_naming_link(claim)
    if got is not None:
        claim, note = got
        notes.append(note)
    names = defined_dnames(givens)
    if names:
        claim = rename(claim, names)
        givens = tuple(rename(g, names) for g in givens)
    return claim, tuple(givens), notes
