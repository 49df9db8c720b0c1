"""Hagan's derivative matrix: \\dot{\\mathbf{F}}^m(\\mathbf{n}^m) is diag(f^m'(n^m)), the Jacobian of the
element-wise activation f^m (Hagan, Demuth, Beale, *Neural Network Design*, ch. 11).

A diagonal matrix times what follows it is the element-wise product of its diagonal with it:
\\dot{F}^m(n^m) X = f^m'(n^m) \\odot X. When the givens apply an activation f (with any layer script,
bold or not) and the claim writes the dotted capital of that letter applied to an argument, followed by
the rest of its product, the claim is rewritten in that form ((f^m)'(n^m) \\odot (X), which the network
readers know); a dotted letter with nothing after it, or one the givens do not use as an activation, is
left as it was.
"""

from __future__ import annotations

import re

from .tokens import tokenize

_WRAP = re.compile(r"^\s*(?:\\(mathbf|boldsymbol|bm)\s*\{\s*([A-Z])\s*\}|([A-Z]))\s*$")


def _balanced_end(text: str, start: int, open_: str, close: str) -> int | None:
    depth = 0
    for i in range(start, len(text)):
        depth += text[i] == open_
        depth -= text[i] == close
        if depth == 0:
            return i + 1
    return None


def _group_end(text: str, start: int) -> int | None:
    return _balanced_end(text, start, "{", "}") if start < len(text) and text[start] == "{" else None


def _product_end(text: str, start: int) -> int:
    """Where the product that starts at start ends: a top-level +, -, =, relation, or a closing bracket."""
    toks = tokenize(text[start:])
    depth = 0
    for t in toks:
        if t.kind == "char" and t.text in "({[":
            depth += 1
        elif t.kind == "char" and t.text in ")}]":
            depth -= 1
            if depth < 0:
                return start + t.start
        elif t.kind == "cs" and t.text in ("left",):
            depth += 1
        elif t.kind == "cs" and t.text in ("right",):
            depth -= 1
            if depth < 0:
                return start + t.start
        elif depth == 0 and ((t.kind == "char" and t.text in "+-=,<>") or (t.kind == "cs" and t.text in (
                "quad", "qquad", "le", "ge", "leq", "geq", "approx", "equiv"))):
            return start + t.start
    return len(text)


def rewrite_derivative_matrices(claim: str, givens) -> str | None:
    """The claim with each \\dot{F}^s(arg) X as (f^s)'(arg) \\odot (X), or None when there is none."""
    if "\\dot" not in claim:
        return None
    out, last, changed = [], 0, False
    for m in re.finditer(r"\\dot\s*", claim):
        g0 = m.end()
        g1 = _group_end(claim, g0)
        if g1 is None:
            continue
        letter = _WRAP.match(claim[g0 + 1:g1 - 1])
        if letter is None:
            continue
        wrapper, cap = (letter.group(1), letter.group(2)) if letter.group(2) else (None, letter.group(3))
        fn = f"\\{wrapper}{{{cap.lower()}}}" if wrapper else cap.lower()
        if not any(re.search(re.escape(fn) + r"\s*(\^\s*(\{[^{}]*\}|\S)\s*)?\(", g) for g in givens):
            continue      # the givens apply no activation of that letter: the dot means something else
        k, script = g1, ""
        sm = re.match(r"\s*\^\s*(\{[^{}]*\}|\\?[A-Za-z0-9]+)", claim[k:])
        if sm:
            script, k = sm.group(1), k + sm.end()
        pm = re.match(r"\s*\(", claim[k:])
        if pm is None:
            continue
        a0 = k + pm.end() - 1
        a1 = _balanced_end(claim, a0, "(", ")")
        if a1 is None:
            continue
        end = _product_end(claim, a1)
        rest = claim[a1:end].strip()
        if not rest:
            continue      # diag(f') alone: not an element-wise product
        head = f"({fn}^{script})'" if script else f"{fn}'"
        out.append(claim[last:m.start()])
        out.append(f"\\left({head}{claim[a0:a1]} \\odot \\left({rest}\\right)\\right)")
        last, changed = end, True
    if not changed:
        return None
    out.append(claim[last:])
    return "".join(out)
