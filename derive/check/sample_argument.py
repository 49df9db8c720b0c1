"""The sample (or iteration) written as an argument of every quantity: Haykin's e_j(n), y_j(n), \\mathcal{E}(n).

Texts that train sample by sample write each quantity as a function of the step n: e_j(n) = d_j(n) - y_j(n),
\\mathcal{E}(n) = \\frac{1}{2}\\sum_j e_j^2(n). A claim in which every quantity is taken at the same n is a
claim about one sample, and reads the same with the argument dropped. The argument is dropped only when
it is the same single letter after at least three symbols of the claim and its givens (two of them
units with a subscript), that letter appears nowhere else (not in n+1, not as a sum's index, not alone), and no given defines a function of
it (f(n) = ...) other than quantities taken at n.
"""

from __future__ import annotations

import re

from .tokens import tokenize

_ARG = re.compile(r"(?<=[A-Za-z0-9}])\s*\(\s*([a-z])\s*\)")
# the argument after a unit's subscript (e_j(n), w_{ji}(n)): a quantity of a network taken at sample n
_INDEXED_ARG = re.compile(r"_\s*(?:\{[^{}]*\}|[A-Za-z0-9])\s*(?:\^\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?\s*\(\s*[a-z]\s*\)")


def strip_sample_argument(claim: str, givens) -> tuple[str, list[str], str] | None:
    """(claim, givens, letter) with every (n) dropped, or None when the texts do not write one."""
    texts = [claim] + list(givens)
    letters = {m.group(1) for t in texts for m in _ARG.finditer(t)}
    if len(letters) != 1:
        return None
    letter = letters.pop()
    if sum(len(_ARG.findall(t)) for t in texts) < 3:
        return None
    if sum(len(_INDEXED_ARG.findall(t)) for t in texts) < 2:
        return None       # f(x) = ...: arguments of functions, not the sample of indexed quantities
    stripped = [_ARG.sub(lambda m: "" if m.group(1) == letter else m.group(0), t) for t in texts]
    if any(tok.kind == "char" and tok.text == letter for t in stripped for tok in tokenize(t)):
        return None       # n is also a variable the texts use (n + 1, \sum_n, dx, n alone): not only the sample
    return stripped[0], stripped[1:], letter
