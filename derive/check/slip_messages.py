"""Messages of a failing claim in the user's terms: symbols in the claim's notation, shapes at the spec's own widths."""

from __future__ import annotations

import re

from .syntax import LatexError, parse
from .tree import relation_parts

# ---------------------------------------------------------------------------------------------
# Internal names in messages -> the claim's notation


def display_names(text: str, profile=None) -> str:
    """w2_1_3 -> (W^{2})_{13}, b1_2 -> (b^{1})_{2}, x_3_1 -> x_{3}, hat_{y} -> \\hat{y}: the checker's
    own symbol names never reach a message."""
    text = re.sub(r"\bhat_\{?([A-Za-z]+)\}?", r"\\hat{\1}", text)
    if profile is None:
        return text

    def role(r, layer, idx):
        base = profile.symbol(r, layer) if layer else profile.template(r)
        return f"({base})_{{{idx}}}" if any(ch in base for ch in "^_") else f"{base}_{{{idx}}}"

    text = re.sub(r"\bw(\d+)_(\d+)_(\d+)\b", lambda m: role("weight", m.group(1), m.group(2) + m.group(3)), text)
    text = re.sub(r"\bb(\d+)_(\d+)\b", lambda m: role("bias", m.group(1), m.group(2)), text)
    text = re.sub(r"\bx_(\d+)_(\d+)\b", lambda m: role("input", None, m.group(1) if m.group(2) == "1"
                                                       else m.group(1) + "," + m.group(2)), text)
    return re.sub(r"\by_(\d+)_(\d+)\b", lambda m: role("target", None, m.group(1) if m.group(2) == "1"
                                                      else m.group(1) + "," + m.group(2)), text)


# ---------------------------------------------------------------------------------------------
# Shapes at the user's own widths (never the witness networks')


def shapes_at_widths(c, factors, spec, profile, defs=None) -> str:
    """Why the shapes do not fit, for the spec's own widths: each factor's shape and the failing
    product, read on a witness whose layers all differ in width and mapped back to the spec's.
    ``c`` is the claim split in two (``slips.Claim``), ``factors`` its right side's outer factors."""
    from .interpret import Interpreter
    from .network_context import NetworkContext
    from .syntax import ShapeMismatch
    from .values import is_mat

    if c is None or not hasattr(spec, "with_widths"):
        return ""
    wit = tuple(range(2, 3 + spec.depth))
    dims = {w: spec.layers[k] for k, w in enumerate(wit)}
    dims[1] = 1

    def size(s) -> str:
        return f"{dims.get(s[0], s[0])}\u00d7{dims.get(s[1], s[1])}"

    try:
        ctx = NetworkContext(spec, wit, 1, profile, defs)

        def shape(node, text=None):
            if text is not None:      # one factor, read on its own
                rel = parse(f"{text} = 0")
                node, src = relation_parts(rel)[0][0], rel.source
            v = Interpreter(ctx, src if text is not None else c.text).value(node)
            return v.shape if is_mat(v) else (1, 1)

        said = []
        for node, what in [(c.lhs, "the left side")] + [(it, it.text) for it in factors]:
            try:
                s = shape(node, None if node is c.lhs else what)
            except (ShapeMismatch, LatexError):
                continue
            said.append(f"{what} is {'a scalar' if s == (1, 1) else size(s)}")
        problem = ""
        try:
            rs = shape(c.rhs_node)
            ls = shape(c.lhs)
            if rs != ls:
                problem = (f"the right side is {'a scalar' if rs == (1, 1) else size(rs)}, the left side"
                           f" {'a scalar' if ls == (1, 1) else size(ls)}")
        except ShapeMismatch as e:
            problem = re.sub(r"(\d+)\u00d7(\d+)", lambda m: size((int(m.group(1)), int(m.group(2)))), str(e))
    except Exception:  # noqa: BLE001 - an explanation must never hide the verdict
        return ""
    net = "-".join(map(str, spec.layers))
    return f"for the {net} network, " + "; ".join(said + ([problem] if problem else []))
