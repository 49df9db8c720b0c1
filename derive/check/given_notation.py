"""A network claim's cost when a --given defines it: which given, its value, and the letter set that sees it.

The claim alone picks the letter set (network_letters.detect_notation); but ``\\delta^L = a^L - y`` reads in
nnderive's default letters as well as in Nielsen's, and only Nielsen's cost letter is the C of a given
``C = \\frac{1}{2}\\|y - a^L\\|^2``. Read in the default letters the given is ignored, and the conditions the
checker then names (sigmoid outputs with cross-entropy) contradict the cost the author defined. So when
the claim's own letter set does not see the given cost, the letter sets that read the claim AND see it
are preferred.
"""

from __future__ import annotations

from .network_letters import _is_cost_letter
from .nodes import Node
from .tree import juxt_items, relation_parts


def notation_with_given_cost(claim: str, givens, profile, candidates):
    """``profile``, or the best of ``candidates`` that reads the claim and sees the given cost."""
    from .network_letters import detect_notation
    from .syntax import LatexError, parse

    if profile is None or not givens or _given_cost(givens, profile) is not None:
        return profile
    seeing = [p for p in candidates if _given_cost(givens, p) is not None]
    if not seeing:
        return profile
    try:
        rel = parse(claim)
    except LatexError:
        return profile
    return detect_notation(rel, seeing) or profile


def _given_cost(givens, profile):
    """(right side, source) of a --given that defines the cost (C = ..., J(\\theta) = ...), or None."""
    from .syntax import LatexError, parse

    for g in givens:
        try:
            rel = parse(g, "definition")
        except LatexError:
            continue
        sides, _ = relation_parts(rel)
        if len(sides) == 2 and (_is_cost_letter(sides[0], profile) or _cost_call(sides[0], profile)):
            return sides[1], rel.source
    return None


def _cost_call(node: Node, profile) -> bool:
    """UFLDL's J(W,b;x,y), CS229's J(\theta): the cost letter applied to what it depends on."""
    items = juxt_items(node)
    return bool(items) and len(items) == 2 and items[1].kind == "postfix" and items[1].args[0].kind == "paren" \
        and not items[1].scripts and _is_cost_letter(Node("list", (items[0],)), profile)


def _cost_calls(givens, profile) -> list:
    """The givens that define the cost as a call (J(W,b;x,y) = ...): read as the cost, no function."""
    from .syntax import LatexError, parse

    out = []
    for g in givens:
        try:
            sides, _ = relation_parts(parse(g, "definition"))
        except LatexError:
            continue
        if len(sides) == 2 and _cost_call(sides[0], profile):
            out.append(g)
    return out


def _given_cost_value(make, spec, widths, profile):
    """(the value of the cost a --given defines on one witness, that witness's parameter symbols), or None
    when it cannot be read there. A vector means it is written for one output unit, with no sum over the
    units (-y log y_hat - ...); a value with none of the parameters does not depend on the network."""
    try:
        ctx = make(spec.with_widths(widths), widths, 1, profile, None)
        return ctx.loss(), set(ctx.param_symbols()) - set(ctx.Y)     # the targets alone are no dependence
    except Exception:  # noqa: BLE001 - a cost that cannot be read here is reported by the check itself
        return None
