"""A sum over a named set of units (Haykin's \\sum_{j \\in C}, Mitchell's \\sum_{k \\in outputs}): over every unit.

Unit-by-unit texts name the layer a sum runs over instead of writing its bounds: C is "the set of all
neurons in the output layer", outputs the output units. In the checker's indexed reading an index
without bounds runs over every entry of the quantities it indexes, which is exactly that layer, so
\\sum_{j \\in C} reads as \\sum_{j}. Only a set written as one letter or one word is read so (a set with
a condition, \\sum_{j \\in C, j \\ne k}, or a set the texts define, C = \\{1, 2\\}, is left alone).
"""

from __future__ import annotations

import re

_SET_SUM = re.compile(r"\\sum\s*_\s*\{\s*([A-Za-z])\s*\\in\s*(\\?[A-Za-z]+|\\mathcal\s*\{\s*[A-Z]\s*\})\s*\}")


def drop_named_sets(claim: str, givens) -> tuple[str, list[str]] | None:
    """(claim, givens) with every \\sum_{j \\in S} as \\sum_{j}, or None when there is none to drop."""
    texts = [claim] + list(givens)
    names = {m.group(2) for t in texts for m in _SET_SUM.finditer(t)}
    if not names:
        return None
    for n in names:
        if any(re.match(r"\s*" + re.escape(n) + r"\s*=", t) for t in texts):
            return None     # the set is defined: its members are not "every unit"
    out = [_SET_SUM.sub(lambda m: "\\sum_{" + m.group(1) + "}", t) for t in texts]
    return out[0], out[1:]
