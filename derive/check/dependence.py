"""Dependence a claim writes but does not define: pi_theta differentiated by theta, with nothing defining pi_theta."""

from __future__ import annotations

from .dialect import GREEK
from .syntax import LatexError, parse
from .tree import atom_key, differentiation_variables, iter_nodes, relation_parts


def _gradient_variables(rel) -> set[str]:
    """The subscripts of \\nabla_{\\theta} and \\partial_{x}: variables a claim differentiates by."""
    out = set()
    for n in iter_nodes(rel):
        if n.kind == "postfix" and n.args and getattr(n.args[0], "kind", "") == "command" \
                and str(n.args[0].args[0]) in ("\\nabla", "\\partial"):
            for s in n.scripts:
                if s[0] == "sub":
                    # the variable's own letter (w of \nabla_{w_{y_i}}), not the indices it carries
                    heads = [m for m in iter_nodes(s[1]) if m.kind == "postfix" and atom_key(m) is not None]
                    out |= {atom_key(heads[0])[0].lstrip("\\")} if heads else _letters(s[1])
    return out


def _letters(script) -> set[str]:
    return {str(m.args[0]).lstrip("\\") for m in iter_nodes(script) if m.kind in ("letter", "sletter", "command", "scmd")}


def _defined_letters(givens) -> set[str]:
    out = set()
    for g in givens:
        try:
            sides, _ = relation_parts(parse(g, "definition"))
        except LatexError:
            continue
        for n in iter_nodes(sides[0]):
            if n.kind == "postfix" and atom_key(n) is not None:
                out.add(atom_key(n)[0])
                break
    return out


def hidden_dependence(claim: str, givens=()) -> str | None:
    """The first symbol of a scalar claim whose subscript names a variable the claim differentiates by
    (Sutton and Barto's \\pi_\\theta under \\nabla_\\theta, f_w under d/dw) while no given defines it: read
    as a number it would not depend on that variable, and every derivative of it would be 0."""
    try:
        rel = parse(claim)
    except LatexError:
        return None
    variables = {v.split("_")[0] for v in differentiation_variables(rel)} | _gradient_variables(rel)
    variables = {v.lstrip("\\") for v in variables}
    if not variables:
        return None
    defined = {d.lstrip("\\") for d in _defined_letters(givens)}
    for n in iter_nodes(rel):
        if n.kind != "postfix" or atom_key(n) is None or atom_key(n)[0].lstrip("\\") in defined | {"nabla", "partial"}:
            continue
        base = atom_key(n)[0].lstrip("\\")
        if n.args[0].kind != "letter" and not (n.args[0].kind == "command" and base in GREEK | {"ell"}):
            continue        # \log_b, \sum_i, \max_x: an operator's subscript, not a dependence
        for s in n.scripts:
            if s[0] != "sub":
                continue
            if _letters(s[1]) & variables and base not in variables:
                return f"{n.text.strip() or base}"
    return None
