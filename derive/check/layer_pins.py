"""A network claim's free layer letter pinned to the output layer: Goodfellow's l (the depth) in \\hat{y} = h^{(l)}."""

from __future__ import annotations

import re


def at_output_layer(claim: str, rel, profile):
    """(the claim with its one free layer letter written as L, the letter), or None. Only the letter's
    layer scripts change (^{(l)}, ^{[l]}, ^{l-1}, ^l), never the letter elsewhere."""
    from .network import _free_layer_letters
    from .network_letters import layer_letters
    from .tree import relation_parts

    from .network_letters import _roles_used

    letters = sorted(layer_letters(rel, profile) | _free_layer_letters(relation_parts(rel)[0]))
    if len(letters) != 1 or re.search(r"\^\s*\{?\s*[\(\[]?\s*L(?![A-Za-z])", claim):
        return None     # a claim that also writes L (\delta^L = ... \sigma'(z^l)) names a slip, not the depth
    if not _roles_used(rel, profile) & {"output", "target", "loss"}:
        return None     # only a claim about the output itself (\hat{y} = h^{(l)}) can say where it is
    x = letters[0]
    pattern = re.compile(r"(\^\s*\{\s*[\(\[]?\s*)" + x + r"(?![A-Za-z])|(\^\s*)" + x + r"(?![A-Za-z])")
    pinned = pattern.sub(lambda m: (m.group(1) or m.group(2)) + "L", claim)
    return (pinned, x) if pinned != claim else None
