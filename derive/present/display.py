"""How a derivation shows itself in a notebook: its equations as Markdown (with the network figure) or LaTeX.

The core's Derivation asks for these through ``derive.engine.DISPLAY`` (the core never imports the
presentation layer); ``derive.present`` fills it in when it is imported, which ``%load_ext
nnderive.notebook`` and every document function do. The equations are the document's own: the
same printer, notation profile and equation numbers as ``nnderive latex`` and the generated code.
"""

from __future__ import annotations

import base64

from ..engine import Derivation
from .builder import Builder, _resolve_profile
from .writers import MdWriter


def _builder(d: Derivation, profile: str | None = None) -> Builder:
    return Builder(d, MdWriter(), _resolve_profile(d.spec, profile))


def _names(d: Derivation) -> list[tuple[str, list[str]]]:
    """The matrix-form equations in the document's order, grouped as the document groups them."""
    L = d.spec.depth
    return [("Forward pass", [f"forward_{k}{l}" for l in range(1, L + 1) for k in "za"]),
            ("Loss", ["loss"]),
            ("Error terms", [f"delta{l}" for l in range(L, 0, -1)]),
            ("Gradients", [f"grad_{p}{l}" for l in range(L, 0, -1) for p in "Wb"])]


def _headline(d: Derivation, b: Builder) -> str:
    s = d.spec
    acts = ", ".join(f"{b.act_title(l)} in layer {l}" for l in range(1, s.depth + 1))
    widths = "\u2013".join(map(str, s.layers))
    return f"{b.w.text(s.name)}: {widths} network ({acts}), {s.loss_entry.title}"


def _verified(d: Derivation) -> str:
    v = d.verification
    return f"Verified: {v.summary()}." if v is not None else "Not verified (built without a proof)."


def derivation_markdown(d: Derivation, profile: str | None = None, figure: bool = True) -> str:
    """The derivation as Markdown: headline, the network figure (inline SVG), every matrix-form
    equation numbered as in the document, and how it was verified."""
    b = _builder(d, profile)
    out = [f"**{_headline(d, b)}**", ""]
    if figure:
        caption = "The network: neurons, bias units (+1) and the weights between layers."
        svg = base64.b64encode(b.svg(caption).encode("utf-8")).decode("ascii")
        out += [f"![{caption}](data:image/svg+xml;base64,{svg})", ""]
    for title, names in _names(d):
        out += [f"*{title}*", ""]
        for name in names:
            out += b.tagged(name)
    out += [_verified(d)]
    return "\n".join(out) + "\n"


def derivation_latex(d: Derivation, profile: str | None = None) -> str:
    """The derivation's equations as one LaTeX display (what a notebook's LaTeX output shows)."""
    b = _builder(d, profile)
    rows = []
    for _, names in _names(d):
        for name in names:
            eq = d.equation(name)
            rows.append(rf"{b.pr(eq.lhs)} &= {b.pr(eq.rhs)} && ({b.tags[name]})")
    return "$$\n\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}\n$$"
