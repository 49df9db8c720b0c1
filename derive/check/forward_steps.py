"""A document's forward pass at numbered layers (d2l's z = W^{(1)} x, Ng's A^{[1]} = \\tanh(Z^{[1]})): definitions."""
from __future__ import annotations

from .tree import atom_key, iter_nodes, juxt_items


def forward_step(lhs, rhs, rel, givens) -> bool:
    """Whether lhs = rhs gives a pre-activation, activation or output its value for the first time in the
    document, from no derivative: a step of the forward pass the document states."""
    from .network_letters import _roles_used
    from .sandbox import _network_notation

    if any(lhs_text(g) == lhs_text(rel.source) for g in givens):
        return False
    profile = _network_notation(rel.source, None)
    if profile is None or any(t in rel.source for t in ("\\partial", "\\nabla", "'", "\\frac{d", "\\mathrm{d}")):
        return False
    from .network_letters import _numeric_layers

    # a numbered layer (z = W^{(1)} x, A^{[1]} = \tanh(Z^{[1]})); a^{(k)} = b^{(k)} + W^{(k)} h^{(k-1)} at a layer
    # letter is the notation's own forward pass, a claim that holds
    return len(juxt_items(lhs)) == 1 and bool(_roles_used(lhs, profile) & {"preact", "act", "output"}) \
        and (_numeric_layers(rel, profile) > 0 or not _layer_written(lhs, profile)) \
        and not _roles_used(rhs, profile) & {"delta", "loss"}


def _layer_written(node, profile) -> bool:
    from .network_letters import _layer_like
    from .roles import profile_roles
    from .tree import decor_scripts

    roles = {e.key: e.layer_pos for e in profile_roles(profile) if e.layer_pos is not None}
    return any(s[0] == roles[atom_key(n)] and _layer_like(s[1])[0] for n in iter_nodes(node)
               if n.kind == "postfix" and atom_key(n) in roles for s in decor_scripts(n))


def lhs_text(text: str) -> str:
    return "".join(text.split("=", 1)[0].split())
