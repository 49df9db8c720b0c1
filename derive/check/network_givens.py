"""Givens that define a network quantity (a^{[k]} = ReLU(z^{[k]}), z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}).

A text states its forward pass before it states a gradient. Without a spec such a given is no new
symbol: it says what a quantity of the notation's own network is. Each one is therefore checked on
the witness networks as a claim. One that holds for the generic network (any activation) says
nothing new and is set aside; one that holds only when every layer's activation is a particular
function of the engine's registry (derive.primitives: ReLU, the sigmoid, tanh, ...) makes the
network's activation that function; one that holds for neither is a forward pass the notation
cannot express, and the claim is not checkable (never read against a network it does not describe).
"""

from __future__ import annotations

from dataclasses import replace

from .compare import NotCheckable
from .syntax import LatexError, parse
from .tree import atom_key, juxt_items, relation_parts

# the element-wise activations a given can name (softmax is vector-valued: a layer's, not an entry's)
_CONCRETE = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "silu", "gelu", "linear")


def _network_lhs(text: str, profile):
    """The parsed given when its left side is one of the profile's network quantities, else None."""
    from .network_letters import _is_cost_letter
    from .roles import profile_roles

    try:
        rel = parse(text, "definition")
    except LatexError:
        return None
    sides, ops = relation_parts(rel)
    if len(sides) != 2 or ops[0] not in ("=", ":=", "\\equiv"):
        return None
    items = juxt_items(sides[0])
    if not items or len(items) != 1 or items[0].kind != "postfix" or _is_cost_letter(sides[0], profile):
        return None
    roles = {e.key for e in profile_roles(profile) if e.role in ("preact", "act", "output", "delta")}
    return rel if atom_key(items[0]) in roles else None


def _defines_activation(rel, profile) -> bool:
    """Whether the left side is a layer's activation (a^{[k]} = ReLU(z^{[k]}), a^{l}_j = 1/(1 + e^{-z^{l}_j}))."""
    from .roles import profile_roles

    items = juxt_items(relation_parts(rel)[0][0])
    return atom_key(items[0]) in {e.key for e in profile_roles(profile) if e.role in ("act", "output")}


def absorb_network_givens(givens, spec, profile, seed, witnesses, make_ctx):
    """(spec, the givens left, notes): the givens that define a network quantity, checked on the
    witnesses and set aside (see the module docstring); raises NotCheckable for one that does not
    describe the network read."""
    from ..spec import Activation, Conventions
    from .network import check_network

    mine = [(g, rel) for g in givens if (rel := _network_lhs(g, profile)) is not None]
    if not mine:
        return spec, list(givens), []
    rest = [g for g in givens if all(g is not m for m, _ in mine)]
    notes = []

    def agrees(g, sp_):
        try:
            quick = check_network(g, sp_, givens=rest, seed=seed, profile=profile, witnesses=witnesses[:1],
                                  points=1, make_ctx=make_ctx, hint=False)
            if quick.verdict != "holds":
                return False
            return check_network(g, sp_, givens=rest, seed=seed, profile=profile, witnesses=witnesses,
                                 make_ctx=make_ctx, hint=False).verdict == "holds"
        except (LatexError, NotCheckable, ValueError, TypeError, ArithmeticError):
            return False

    for g, rel in mine:
        if agrees(g, spec):
            notes.append(f"the given {g} is the notation's own definition")
            continue
        found = None
        if _defines_activation(rel, profile):
            from .network_letters import _numeric_layers

            # A^{[1]} = \tanh(Z^{[1]}) beside A^{[2]} = \sigma(Z^{[2]}): a numbered layer's own activation first
            k = _numeric_layers(relation_parts(rel)[0][0], profile)
            n = len(spec.activations)
            for name in _CONCRETE + ("softmax",):
                act = Activation(name).resolved(Conventions())
                trials = ([(replace(spec, activations=spec.activations[:k - 1] + (act,) + spec.activations[k:]),
                            f"layer {k}'s")] if 1 <= k <= n and n > 1 else []) \
                    + [(replace(spec, activations=(act,) * n), "every layer's")]
                if name == "softmax":
                    # a whole layer's function: only the output layer's, and only on witnesses with two
                    # outputs or more (the softmax of one unit is 1, which any constant-1 given agrees with)
                    wide = all(w[-1] >= 2 for w in witnesses) and spec.layers[-1] >= 2
                    trials = [(replace(spec, activations=spec.activations[:-1] + (act,)), "the output layer's")] \
                        if wide and (k in (n, 0) or k is None) else []
                got = next(((t, w) for t, w in trials if agrees(g, t)), None)
                if got is not None:
                    found = (got[0], act, got[1])
                    break
        if found is None:
            raise NotCheckable(f"the given {g} does not describe the network its letters name here (a"
                               " forward pass in another indexing or with another activation); give --spec")
        spec = found[0]
        notes.append(f"the given {g} makes {found[2]} activation the {found[1].entry.title}")
    return spec, rest, notes
